package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.CANONICAL_NAN_BITS;
import static io.droplet.api.lattice.LatticeLayout.CLOCK_ENTRY_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LONG_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LWW_HEADER_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Checks an untrusted lattice encoding completely before anything merges or decodes it: a known tag,
 * every length and count non-negative and inside the bytes given, the canonical form (collections
 * strictly ascending, so sorted and without duplicates; vector clock counters positive; BOOL 0 or 1;
 * the canonical NaN; map keys and dependency keys well-formed UTF-8; causal versions an antichain),
 * nested map values valid and at most {@link #MAX_MAP_DEPTH} maps deep, and nothing trailing.
 * <p>
 * Validation reads each byte a bounded number of times, except for the antichain check of the causal
 * types, which asks of pairs of versions whether one's clock strictly dominates the other's. No exact
 * check is subquadratic in the worst case, so causal values are bounded where they enter: at most
 * {@link #MAX_CAUSAL_VERSIONS} versions, and versions (less one) times the entries of all their
 * clocks at most {@link #MAX_CAUSAL_CLOCK_PRODUCT}. Within those bounds {@link CausalIndex} checks the pairs in time
 * proportional to that product at worst, and most pairs in a few instructions. A value past either
 * bound is {@link #TOO_LARGE}, not {@link #INVALID}: it may be canonical, but no store takes it (and a
 * merge whose result would pass a bound fails as too large, so a store never holds one).
 * <p>
 * <b>Note:</b> thread-safe; allocation-free once a thread has validated a causal value (each thread
 * keeps one {@link CausalIndex}); never throws for any offset and length.
 */
public final class LatticeValidator
{
    /** Deepest nesting of maps accepted: a map at the top level is depth 1. */
    public static final int MAX_MAP_DEPTH = 16;

    /**
     * Most versions a causal value (either type, at any depth) may hold. Versions are concurrent
     * writes not yet reconciled; 64 of them is far past any reader's use, and keeps the pairs a check
     * looks at to 2,016 in a value and 4,096 between two (181 versions of two-entry clocks, the most
     * the clock product allows, took 0.8 ms to merge).
     */
    public static final int MAX_CAUSAL_VERSIONS = 64;

    /**
     * Most that a causal value's versions less one, times the entries of all its versions' clocks
     * (dependencies not counted), may be: each version is compared with the others, so the pairwise
     * check reads at most about this many clock entries. A value of one version has no pairs and may
     * fill the largest value with its clock; 2 versions may hold 65,536 clock entries between them, 16
     * versions 4,369 (273 nodes each), 64 versions 1,040 (16 nodes each).
     */
    public static final long MAX_CAUSAL_CLOCK_PRODUCT = 65_536;

    /** {@link #validate}: the bytes are the canonical encoding of a lattice within every bound. */
    public static final int VALID = 0;
    /** {@link #validate}: the bytes are not a canonical encoding. */
    public static final int INVALID = -1;
    /**
     * {@link #validate}: a causal value holds more than {@link #MAX_CAUSAL_VERSIONS} versions, or is
     * past {@link #MAX_CAUSAL_CLOCK_PRODUCT}.
     */
    public static final int TOO_LARGE = -2;

    /** One per thread: validation is static and called from any thread. */
    private static final ThreadLocal<CausalIndex> CAUSAL_INDEX =
        ThreadLocal.withInitial(() -> new CausalIndex(MAX_CAUSAL_VERSIONS));

    private LatticeValidator()
    {
    }

    /**
     * Validates exactly one lattice occupying {@code [offset, offset + length)}.
     *
     * @param buffer holding the encoding.
     * @param offset of its tag.
     * @param length of the encoding.
     * @return true if the bytes are the canonical encoding of a lattice within every bound.
     */
    public static boolean isValid(final DirectBuffer buffer, final int offset, final int length)
    {
        return VALID == validate(buffer, offset, length);
    }

    /**
     * Validates exactly one lattice occupying {@code [offset, offset + length)}, saying why it fails.
     *
     * @param buffer holding the encoding.
     * @param offset of its tag.
     * @param length of the encoding.
     * @return {@link #VALID}, {@link #INVALID} or {@link #TOO_LARGE}.
     */
    public static int validate(final DirectBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length <= 0 || offset > buffer.capacity() - length)
        {
            return INVALID;
        }
        return exactlyOne(buffer, offset, offset + length, 0);
    }

    /**
     * @return {@link #VALID}, {@link #INVALID} or {@link #TOO_LARGE}.
     */
    private static int exactlyOne(final DirectBuffer buffer, final int offset, final int end, final int mapDepth)
    {
        if (end - offset < TAG_LENGTH)
        {
            return INVALID;
        }
        final LatticeType type = LatticeType.ofTag(buffer.getByte(offset));
        if (null == type)
        {
            return INVALID;
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
        if (payloadEnd == end)
        {
            return VALID;
        }
        return TOO_LARGE == payloadEnd ? TOO_LARGE : INVALID;
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
            if (INVALID == cursor)
            {
                return INVALID;
            }
            final int nested = exactlyOne(buffer, value + INT_LENGTH, cursor, depth);
            if (VALID != nested)
            {
                return nested;
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

    /**
     * @return the position after the causal value, {@link #INVALID}, or {@link #TOO_LARGE} for a
     * value past a bound (refused on its count before anything else is read, or after the walk that
     * counts its clock entries, before any pair of versions is compared).
     */
    private static int causal(
        final DirectBuffer buffer, final int position, final int end, final boolean withDependencies)
    {
        int cursor = count(buffer, position, end);
        if (INVALID == cursor)
        {
            return INVALID;
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        if (count > MAX_CAUSAL_VERSIONS)
        {
            return TOO_LARGE;
        }
        final int first = cursor;
        int previous = INVALID;
        long clockEntries = 0;
        for (int i = 0; i < count; i++)
        {
            final int version = cursor;
            cursor = clock(buffer, cursor, end);
            if (INVALID != cursor)
            {
                clockEntries += buffer.getInt(version, LITTLE_ENDIAN);
            }
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
        if (exceedsClockProduct(count, clockEntries))
        {
            return TOO_LARGE;
        }
        final CausalIndex index = CAUSAL_INDEX.get();
        index.index(buffer, first, count, withDependencies);
        return index.isAntichain() ? cursor : INVALID;
    }

    /**
     * @param versions     of a causal value.
     * @param clockEntries of all its versions' clocks.
     * @return true if the value is past {@link #MAX_CAUSAL_CLOCK_PRODUCT}.
     */
    static boolean exceedsClockProduct(final int versions, final long clockEntries)
    {
        // Each version is compared with the others: a lone version has no pairs, whatever its clock.
        return (versions - 1L) * clockEntries > MAX_CAUSAL_CLOCK_PRODUCT;
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
