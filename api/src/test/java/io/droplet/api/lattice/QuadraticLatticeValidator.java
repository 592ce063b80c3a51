package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.CANONICAL_NAN_BITS;
import static io.droplet.api.lattice.LatticeLayout.CLOCK_ENTRY_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.CONCURRENT;
import static io.droplet.api.lattice.LatticeLayout.EQUAL;
import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LONG_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LWW_HEADER_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The reference for the tests: {@code LatticeValidator} as it was before causal values were bounded and
 * indexed (every pair of versions compared by walking the encodings), kept unchanged so that
 * properties can hold the new code to its answers. Its original documentation follows.
 * <p>
 * Checks an untrusted lattice encoding completely before anything merges or decodes it: a known tag,
 * every length and count non-negative and inside the bytes given, the canonical form (collections
 * strictly ascending, so sorted and without duplicates; vector clock counters positive; BOOL 0 or 1;
 * the canonical NaN; map keys and dependency keys well-formed UTF-8; causal versions an antichain),
 * nested map values valid and at most {@link #MAX_MAP_DEPTH} maps deep, and nothing trailing.
 * <p>
 * Validation reads each byte a bounded number of times, except for the antichain check of the causal
 * types, which compares the clocks of every pair of versions: quadratic in the number of versions.
 * A megabyte of tiny versions is tens of thousands of them and seconds of work, so a store that takes
 * causal values from untrusted writers should bound the versions per value before validating.
 * <p>
 * <b>Note:</b> stateless, thread-safe and allocation-free; never throws for any offset and length.
 */
final class QuadraticLatticeValidator
{
    /** Deepest nesting of maps accepted: a map at the top level is depth 1. */
    public static final int MAX_MAP_DEPTH = 16;

    private static final int INVALID = -1;

    private QuadraticLatticeValidator()
    {
    }

    /**
     * Validates exactly one lattice occupying {@code [offset, offset + length)}.
     *
     * @param buffer holding the encoding.
     * @param offset of its tag.
     * @param length of the encoding.
     * @return true if the bytes are the canonical encoding of a lattice.
     */
    public static boolean isValid(final DirectBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length <= 0 || offset > buffer.capacity() - length)
        {
            return false;
        }
        return isExactlyOne(buffer, offset, offset + length, 0);
    }

    private static boolean isExactlyOne(final DirectBuffer buffer, final int offset, final int end, final int mapDepth)
    {
        if (end - offset < TAG_LENGTH)
        {
            return false;
        }
        final LatticeType type = LatticeType.ofTag(buffer.getByte(offset));
        if (null == type)
        {
            return false;
        }
        final int body = offset + TAG_LENGTH;
        final int payloadEnd;
        switch (type)
        {
            case LWW:
                payloadEnd = end - body < LWW_HEADER_LENGTH ? INVALID : bytes(buffer, body + LWW_HEADER_LENGTH, end);
                break;
            case SET:
                payloadEnd = set(buffer, body, end);
                break;
            case MAX:
                payloadEnd = end - body < LONG_LENGTH ? INVALID : body + LONG_LENGTH;
                break;
            case BOOL:
                payloadEnd = end - body < 1 || (buffer.getByte(body) & 0xFE) != 0 ? INVALID : body + 1;
                break;
            case MAP:
                payloadEnd = map(buffer, body, end, mapDepth + 1);
                break;
            case ORDERED_SET:
                payloadEnd = orderedSet(buffer, body, end);
                break;
            case PRIORITY:
                payloadEnd = priority(buffer, body, end);
                break;
            case VECTOR_CLOCK:
                payloadEnd = clock(buffer, body, end);
                break;
            case SINGLE_KEY_CAUSAL:
                payloadEnd = causal(buffer, body, end, false);
                break;
            case MULTI_KEY_CAUSAL:
            default:
                payloadEnd = causal(buffer, body, end, true);
                break;
        }
        return payloadEnd == end;
    }

    /**
     * @return the position after a count at {@code position}, or {@link #INVALID}; the count itself
     * is read again by the caller.
     */
    private static int count(final DirectBuffer buffer, final int position, final int end)
    {
        if (end - position < INT_LENGTH || buffer.getInt(position, LITTLE_ENDIAN) < 0)
        {
            return INVALID;
        }
        return position + INT_LENGTH;
    }

    /**
     * @return the position after a length-prefixed byte string, or {@link #INVALID}.
     */
    private static int bytes(final DirectBuffer buffer, final int position, final int end)
    {
        if (end - position < INT_LENGTH)
        {
            return INVALID;
        }
        final int length = buffer.getInt(position, LITTLE_ENDIAN);
        final int start = position + INT_LENGTH;
        if (length < 0 || end - start < length)
        {
            return INVALID;
        }
        return start + length;
    }

    private static int set(final DirectBuffer buffer, final int position, final int end)
    {
        int cursor = count(buffer, position, end);
        if (INVALID == cursor)
        {
            return INVALID;
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        int previous = INVALID;
        for (int i = 0; i < count; i++)
        {
            final int next = bytes(buffer, cursor, end);
            if (INVALID == next || (INVALID != previous && !ascending(buffer, previous, cursor)))
            {
                return INVALID;
            }
            previous = cursor;
            cursor = next;
        }
        return cursor;
    }

    private static int map(final DirectBuffer buffer, final int position, final int end, final int depth)
    {
        int cursor = count(buffer, position, end);
        if (INVALID == cursor || depth > MAX_MAP_DEPTH)
        {
            return INVALID;
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        int previousKey = INVALID;
        for (int i = 0; i < count; i++)
        {
            final int key = cursor;
            final int value = bytes(buffer, key, end);
            if (INVALID == value ||
                !Keys.isWellFormedUtf8(buffer, key + INT_LENGTH, value - key - INT_LENGTH) ||
                (INVALID != previousKey && !ascending(buffer, previousKey, key)))
            {
                return INVALID;
            }
            cursor = bytes(buffer, value, end);
            if (INVALID == cursor || !isExactlyOne(buffer, value + INT_LENGTH, cursor, depth))
            {
                return INVALID;
            }
            previousKey = key;
        }
        return cursor;
    }

    private static int orderedSet(final DirectBuffer buffer, final int position, final int end)
    {
        int cursor = count(buffer, position, end);
        if (INVALID == cursor)
        {
            return INVALID;
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        int previous = INVALID;
        for (int i = 0; i < count; i++)
        {
            if (end - cursor < LONG_LENGTH)
            {
                return INVALID;
            }
            final int next = bytes(buffer, cursor + LONG_LENGTH, end);
            if (INVALID == next)
            {
                return INVALID;
            }
            if (INVALID != previous)
            {
                final long previousRank = buffer.getLong(previous, LITTLE_ENDIAN);
                final long rank = buffer.getLong(cursor, LITTLE_ENDIAN);
                if (previousRank > rank ||
                    (previousRank == rank && !ascending(buffer, previous + LONG_LENGTH, cursor + LONG_LENGTH)))
                {
                    return INVALID;
                }
            }
            previous = cursor;
            cursor = next;
        }
        return cursor;
    }

    private static int priority(final DirectBuffer buffer, final int position, final int end)
    {
        if (end - position < LONG_LENGTH)
        {
            return INVALID;
        }
        final long bits = buffer.getLong(position, LITTLE_ENDIAN);
        // Double.compare treats every NaN alike; one bit pattern keeps one encoding per value.
        if (Double.isNaN(Double.longBitsToDouble(bits)) && bits != CANONICAL_NAN_BITS)
        {
            return INVALID;
        }
        return bytes(buffer, position + LONG_LENGTH, end);
    }

    private static int clock(final DirectBuffer buffer, final int position, final int end)
    {
        int cursor = count(buffer, position, end);
        if (INVALID == cursor)
        {
            return INVALID;
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        // Compared as a long: count * 16 overflows an int for large counts.
        if ((long)count * CLOCK_ENTRY_LENGTH > end - cursor)
        {
            return INVALID;
        }
        for (int i = 0; i < count; i++)
        {
            final long node = buffer.getLong(cursor, LITTLE_ENDIAN);
            if (buffer.getLong(cursor + LONG_LENGTH, LITTLE_ENDIAN) <= 0 ||
                (i > 0 && buffer.getLong(cursor - CLOCK_ENTRY_LENGTH, LITTLE_ENDIAN) >= node))
            {
                return INVALID;
            }
            cursor += CLOCK_ENTRY_LENGTH;
        }
        return cursor;
    }

    private static int dependencies(final DirectBuffer buffer, final int position, final int end)
    {
        int cursor = count(buffer, position, end);
        if (INVALID == cursor)
        {
            return INVALID;
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        int previousKey = INVALID;
        for (int i = 0; i < count; i++)
        {
            final int key = cursor;
            final int clock = bytes(buffer, key, end);
            if (INVALID == clock ||
                !Keys.isWellFormedUtf8(buffer, key + INT_LENGTH, clock - key - INT_LENGTH) ||
                (INVALID != previousKey && !ascending(buffer, previousKey, key)))
            {
                return INVALID;
            }
            cursor = clock(buffer, clock, end);
            if (INVALID == cursor)
            {
                return INVALID;
            }
            previousKey = key;
        }
        return cursor;
    }

    private static int causal(
        final DirectBuffer buffer, final int position, final int end, final boolean withDependencies)
    {
        int cursor = count(buffer, position, end);
        if (INVALID == cursor)
        {
            return INVALID;
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        final int first = cursor;
        int previous = INVALID;
        for (int i = 0; i < count; i++)
        {
            final int version = cursor;
            cursor = clock(buffer, cursor, end);
            if (withDependencies && INVALID != cursor)
            {
                cursor = dependencies(buffer, cursor, end);
            }
            if (INVALID != cursor)
            {
                cursor = bytes(buffer, cursor, end);
            }
            // Versions are ordered by their whole encodings.
            if (INVALID == cursor ||
                (INVALID != previous &&
                LatticeLayout.compareBytes(
                    buffer, previous, version - previous, buffer, version, cursor - version) >= 0))
            {
                return INVALID;
            }
            previous = version;
        }
        return isAntichain(buffer, first, count, withDependencies) ? cursor : INVALID;
    }

    /**
     * Compares every pair of versions' clocks, walking the (now known valid) versions again rather
     * than remembering their positions, which would need memory proportional to the count.
     */
    private static boolean isAntichain(
        final DirectBuffer buffer, final int first, final int count, final boolean withDependencies)
    {
        int version = first;
        for (int i = 0; i < count; i++)
        {
            final int next = LatticeLayout.versionEnd(buffer, version, withDependencies);
            int other = next;
            for (int j = i + 1; j < count; j++)
            {
                final int relation = LatticeLayout.compareClocks(buffer, version, buffer, other);
                if (relation != EQUAL && relation != CONCURRENT)
                {
                    return false;
                }
                other = LatticeLayout.versionEnd(buffer, other, withDependencies);
            }
            version = next;
        }
        return true;
    }

    /**
     * @return true if the byte string at {@code previous} is strictly before the one at
     * {@code current}; both are length-prefixed and known to be in bounds.
     */
    private static boolean ascending(final DirectBuffer buffer, final int previous, final int current)
    {
        final int previousLength = buffer.getInt(previous, LITTLE_ENDIAN);
        final int currentLength = buffer.getInt(current, LITTLE_ENDIAN);
        return LatticeLayout.compareBytes(
            buffer, previous + INT_LENGTH, previousLength, buffer, current + INT_LENGTH, currentLength) < 0;
    }
}
