package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.CLOCK_ENTRY_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LONG_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static io.droplet.api.lattice.LatticeMerger.TOO_LARGE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Merges of the lattices whose entries are kept sorted (SET, ORDERED_SET, VECTOR_CLOCK): one linear
 * pass over both inputs straight into the output. Part of {@link LatticeMerger}.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
final class SortedMerges
{
    private SortedMerges()
    {
    }

    static int mergeSet(
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength,
        final MutableDirectBuffer out,
        final int outOffset,
        final int outCapacity)
    {
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int limit = outOffset + outCapacity;
        int aCursor = aOffset + header;
        int bCursor = bOffset + header;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            final int order;
            if (bCursor == bEnd)
            {
                order = -1;
            }
            else if (aCursor == aEnd)
            {
                order = 1;
            }
            else
            {
                order = LatticeLayout.compareBytes(
                    a, aCursor + INT_LENGTH, a.getInt(aCursor, LITTLE_ENDIAN),
                    b, bCursor + INT_LENGTH, b.getInt(bCursor, LITTLE_ENDIAN));
            }
            final DirectBuffer source = order <= 0 ? a : b;
            final int from = order <= 0 ? aCursor : bCursor;
            final int length = LatticeLayout.bytesEnd(source, from) - from;
            if (limit - position < length)
            {
                return TOO_LARGE;
            }
            out.putBytes(position, source, from, length);
            position += length;
            count++;
            if (order <= 0)
            {
                aCursor += length;
            }
            if (order >= 0)
            {
                bCursor = LatticeLayout.bytesEnd(b, bCursor);
            }
        }
        out.putByte(outOffset, LatticeType.SET.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }

    static int mergeOrderedSet(
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength,
        final MutableDirectBuffer out,
        final int outOffset,
        final int outCapacity)
    {
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int limit = outOffset + outCapacity;
        int aCursor = aOffset + header;
        int bCursor = bOffset + header;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            int order;
            if (bCursor == bEnd)
            {
                order = -1;
            }
            else if (aCursor == aEnd)
            {
                order = 1;
            }
            else
            {
                order = Long.compare(a.getLong(aCursor, LITTLE_ENDIAN), b.getLong(bCursor, LITTLE_ENDIAN));
                if (0 == order)
                {
                    final int aElement = aCursor + LONG_LENGTH;
                    final int bElement = bCursor + LONG_LENGTH;
                    order = LatticeLayout.compareBytes(
                        a, aElement + INT_LENGTH, a.getInt(aElement, LITTLE_ENDIAN),
                        b, bElement + INT_LENGTH, b.getInt(bElement, LITTLE_ENDIAN));
                }
            }
            final DirectBuffer source = order <= 0 ? a : b;
            final int from = order <= 0 ? aCursor : bCursor;
            final int length = LatticeLayout.bytesEnd(source, from + LONG_LENGTH) - from;
            if (limit - position < length)
            {
                return TOO_LARGE;
            }
            out.putBytes(position, source, from, length);
            position += length;
            count++;
            if (order <= 0)
            {
                aCursor += length;
            }
            if (order >= 0)
            {
                bCursor = LatticeLayout.bytesEnd(b, bCursor + LONG_LENGTH);
            }
        }
        out.putByte(outOffset, LatticeType.ORDERED_SET.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }

    static int mergeClock(
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength,
        final MutableDirectBuffer out,
        final int outOffset,
        final int outCapacity)
    {
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int limit = outOffset + outCapacity;
        int aCursor = aOffset + header;
        int bCursor = bOffset + header;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            if (limit - position < CLOCK_ENTRY_LENGTH)
            {
                return TOO_LARGE;
            }
            final long aNode = aCursor < aEnd ? a.getLong(aCursor, LITTLE_ENDIAN) : 0;
            final long bNode = bCursor < bEnd ? b.getLong(bCursor, LITTLE_ENDIAN) : 0;
            if (bCursor == bEnd || (aCursor < aEnd && aNode < bNode))
            {
                out.putBytes(position, a, aCursor, CLOCK_ENTRY_LENGTH);
                aCursor += CLOCK_ENTRY_LENGTH;
            }
            else if (aCursor == aEnd || bNode < aNode)
            {
                out.putBytes(position, b, bCursor, CLOCK_ENTRY_LENGTH);
                bCursor += CLOCK_ENTRY_LENGTH;
            }
            else
            {
                final long aCounter = a.getLong(aCursor + LONG_LENGTH, LITTLE_ENDIAN);
                final long bCounter = b.getLong(bCursor + LONG_LENGTH, LITTLE_ENDIAN);
                out.putLong(position, aNode, LITTLE_ENDIAN);
                out.putLong(position + LONG_LENGTH, Math.max(aCounter, bCounter), LITTLE_ENDIAN);
                aCursor += CLOCK_ENTRY_LENGTH;
                bCursor += CLOCK_ENTRY_LENGTH;
            }
            position += CLOCK_ENTRY_LENGTH;
            count++;
        }
        out.putByte(outOffset, LatticeType.VECTOR_CLOCK.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }
}
