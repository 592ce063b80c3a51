package io.droplet.codecs.value;

import org.agrona.MutableDirectBuffer;

/**
 * UTF-8 encoding of a {@link CharSequence} straight into a buffer, without the byte array
 * {@link String#getBytes} allocates. Unpaired surrogates are written as '?', as the JDK does.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
final class Utf8
{
    private Utf8()
    {
    }

    static int encodedLength(final CharSequence value)
    {
        final int length = value.length();
        int bytes = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                bytes += 1;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                bytes += 4;
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                bytes += 1;
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }

    static int encode(final CharSequence value, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = value.length();
        int p = offset;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(p++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(p++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(p++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int codePoint = Character.toCodePoint(c, value.charAt(++i));
                buffer.putByte(p++, (byte)(0xF0 | (codePoint >> 18)));
                buffer.putByte(p++, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                buffer.putByte(p++, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                buffer.putByte(p++, (byte)(0x80 | (codePoint & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                buffer.putByte(p++, (byte)'?');
            }
            else
            {
                buffer.putByte(p++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(p++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(p++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return p - offset;
    }
}
