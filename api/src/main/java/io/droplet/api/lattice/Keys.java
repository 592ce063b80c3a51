package io.droplet.api.lattice;

import org.agrona.DirectBuffer;

import java.util.Comparator;

/**
 * Keys of the store as they appear inside lattices (map keys, causal dependencies): text, encoded
 * as well-formed UTF-8 and ordered by those bytes. Unsigned UTF-8 byte order is Unicode code point
 * order, which is not {@link String#compareTo}'s UTF-16 order once characters outside the Basic
 * Multilingual Plane appear, so keys are compared by code point.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
final class Keys
{
    /** Code point order, which is the order of the keys' UTF-8 encodings. */
    static final Comparator<String> ORDER = Keys::compare;

    private Keys()
    {
    }

    static int compare(final String a, final String b)
    {
        final int length = Math.min(a.length(), b.length());
        int i = 0;
        while (i < length)
        {
            final int ca = a.codePointAt(i);
            final int cb = b.codePointAt(i);
            if (ca != cb)
            {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
        }
        // Equal code points advance both strings alike, so only the lengths can still differ.
        return Integer.compare(a.length(), b.length());
    }

    /**
     * @return {@code key}, if it has no unpaired surrogate (which UTF-8 cannot encode).
     * @throws IllegalArgumentException otherwise.
     */
    static String requireWellFormed(final String key)
    {
        final int length = key.length();
        for (int i = 0; i < length; i++)
        {
            final char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(key.charAt(i + 1)))
            {
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                throw new IllegalArgumentException("key has an unpaired surrogate at index " + i);
            }
        }
        return key;
    }

    /**
     * @return the length of the UTF-8 encoding of a well-formed key.
     */
    static int utf8Length(final String key)
    {
        final int length = key.length();
        int bytes = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = key.charAt(i);
            if (c < 0x80)
            {
                bytes += 1;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c))
            {
                // A well-formed key pairs it with a low surrogate: one 4-byte sequence for both.
                bytes += 4;
                i++;
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Checks well-formed UTF-8 as RFC 3629 and Unicode table 3-7 define it: shortest forms only, no
     * surrogates, nothing above U+10FFFF. Allocation-free.
     *
     * @return true if {@code [offset, offset + length)} is well-formed.
     */
    static boolean isWellFormedUtf8(final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            final int b0 = buffer.getByte(i) & 0xFF;
            if (b0 < 0x80)
            {
                i++;
                continue;
            }
            final int trailing;
            int low = 0x80;
            int high = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF)
            {
                trailing = 1;
            }
            else if (b0 >= 0xE0 && b0 <= 0xEF)
            {
                trailing = 2;
                if (b0 == 0xE0)
                {
                    low = 0xA0;
                }
                else if (b0 == 0xED)
                {
                    high = 0x9F;
                }
            }
            else if (b0 >= 0xF0 && b0 <= 0xF4)
            {
                trailing = 3;
                if (b0 == 0xF0)
                {
                    low = 0x90;
                }
                else if (b0 == 0xF4)
                {
                    high = 0x8F;
                }
            }
            else
            {
                return false;
            }
            if (end - i <= trailing)
            {
                return false;
            }
            // Only the first continuation byte has a narrowed range; the rest are 80..BF.
            final int b1 = buffer.getByte(i + 1) & 0xFF;
            if (b1 < low || b1 > high)
            {
                return false;
            }
            for (int k = 2; k <= trailing; k++)
            {
                final int b = buffer.getByte(i + k) & 0xFF;
                if (b < 0x80 || b > 0xBF)
                {
                    return false;
                }
            }
            i += trailing + 1;
        }
        return true;
    }
}
