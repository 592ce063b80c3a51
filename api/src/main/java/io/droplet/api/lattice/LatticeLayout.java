package io.droplet.api.lattice;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Field sizes of the lattice encoding (see {@link io.droplet.codecs.lattice}) and the in-place
 * comparisons that {@link LatticeValidator} and {@link LatticeMerger} share. Everything here works on
 * encodings already known to be in bounds.
 * <p>
 * <b>Note:</b> stateless, thread-safe and allocation-free.
 */
final class LatticeLayout
{
    static final int TAG_LENGTH = 1;
    static final int INT_LENGTH = 4;
    static final int LONG_LENGTH = 8;
    /** LWW: timestamp and node id, then the value. */
    static final int LWW_HEADER_LENGTH = 2 * LONG_LENGTH;
    /** A vector clock entry: node id and counter. */
    static final int CLOCK_ENTRY_LENGTH = 2 * LONG_LENGTH;
    /** The canonical NaN, the only NaN a PRIORITY encoding may hold. */
    static final long CANONICAL_NAN_BITS = 0x7ff8000000000000L;

    /** {@link #compareClocks}: the clocks are equal. */
    static final int EQUAL = 0;
    /** {@link #compareClocks}: the first clock is strictly dominated by the second. */
    static final int BEFORE = 1;
    /** {@link #compareClocks}: the first clock strictly dominates the second. */
    static final int AFTER = 2;
    /** {@link #compareClocks}: neither clock is {@code <=} the other. */
    static final int CONCURRENT = 3;

    private LatticeLayout()
    {
    }

    /**
     * Compares two byte ranges unsigned lexicographically, a proper prefix first.
     *
     * @return negative, zero or positive as the first range is before, equal to or after the second.
     */
    static int compareBytes(
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength)
    {
        final int common = Math.min(aLength, bLength);
        int i = 0;
        // Eight bytes at a time: big-endian longs compared unsigned order as their bytes do.
        for (; i <= common - LONG_LENGTH; i += LONG_LENGTH)
        {
            final long x = a.getLong(aOffset + i, BIG_ENDIAN);
            final long y = b.getLong(bOffset + i, BIG_ENDIAN);
            if (x != y)
            {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < common; i++)
        {
            final int x = a.getByte(aOffset + i) & 0xFF;
            final int y = b.getByte(bOffset + i) & 0xFF;
            if (x != y)
            {
                return x - y;
            }
        }
        return Integer.compare(aLength, bLength);
    }

    /**
     * @return the position after the length-prefixed byte string at {@code position}.
     */
    static int bytesEnd(final DirectBuffer buffer, final int position)
    {
        return position + INT_LENGTH + buffer.getInt(position, LITTLE_ENDIAN);
    }

    /**
     * @return the position after the clock at {@code position}.
     */
    static int clockEnd(final DirectBuffer buffer, final int position)
    {
        return position + INT_LENGTH + buffer.getInt(position, LITTLE_ENDIAN) * CLOCK_ENTRY_LENGTH;
    }

    /**
     * @return the position after the dependencies (count, then key and clock entries) at
     * {@code position}.
     */
    static int dependenciesEnd(final DirectBuffer buffer, final int position)
    {
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        int cursor = position + INT_LENGTH;
        for (int i = 0; i < count; i++)
        {
            cursor = clockEnd(buffer, bytesEnd(buffer, cursor));
        }
        return cursor;
    }

    /**
     * @return the position after the causal version at {@code position}: clock, dependencies if
     * {@code withDependencies}, value.
     */
    static int versionEnd(final DirectBuffer buffer, final int position, final boolean withDependencies)
    {
        int cursor = clockEnd(buffer, position);
        if (withDependencies)
        {
            cursor = dependenciesEnd(buffer, cursor);
        }
        return bytesEnd(buffer, cursor);
    }

    /**
     * Compares two canonical clocks (counters positive, node ids ascending) in the partial order.
     *
     * @return {@link #EQUAL}, {@link #BEFORE}, {@link #AFTER} or {@link #CONCURRENT}.
     */
    static int compareClocks(final DirectBuffer a, final int aPosition, final DirectBuffer b, final int bPosition)
    {
        final int aCount = a.getInt(aPosition, LITTLE_ENDIAN);
        final int bCount = b.getInt(bPosition, LITTLE_ENDIAN);
        boolean aLeqB = true;
        boolean bLeqA = true;
        int i = 0;
        int j = 0;
        int aEntry = aPosition + INT_LENGTH;
        int bEntry = bPosition + INT_LENGTH;
        while (i < aCount && j < bCount && (aLeqB || bLeqA))
        {
            final long aNode = a.getLong(aEntry, LITTLE_ENDIAN);
            final long bNode = b.getLong(bEntry, LITTLE_ENDIAN);
            // A node only one clock holds has a positive counter there and 0 in the other.
            if (aNode < bNode)
            {
                aLeqB = false;
                i++;
                aEntry += CLOCK_ENTRY_LENGTH;
            }
            else if (bNode < aNode)
            {
                bLeqA = false;
                j++;
                bEntry += CLOCK_ENTRY_LENGTH;
            }
            else
            {
                final long aCounter = a.getLong(aEntry + LONG_LENGTH, LITTLE_ENDIAN);
                final long bCounter = b.getLong(bEntry + LONG_LENGTH, LITTLE_ENDIAN);
                if (aCounter > bCounter)
                {
                    aLeqB = false;
                }
                else if (bCounter > aCounter)
                {
                    bLeqA = false;
                }
                i++;
                j++;
                aEntry += CLOCK_ENTRY_LENGTH;
                bEntry += CLOCK_ENTRY_LENGTH;
            }
        }
        if (i < aCount)
        {
            aLeqB = false;
        }
        if (j < bCount)
        {
            bLeqA = false;
        }
        if (aLeqB)
        {
            return bLeqA ? EQUAL : BEFORE;
        }
        return bLeqA ? AFTER : CONCURRENT;
    }
}
