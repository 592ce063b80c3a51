package io.droplet.store.storage;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A test merge: values are sorted, distinct little-endian longs; merge is set union. Lets the store
 * be tested on its own, independent of the lattice types.
 */
public final class LongSetMerge implements MergeFunction
{
    public int merge(
        final DirectBuffer a, final int aOffset, final int aLength,
        final DirectBuffer b, final int bOffset, final int bLength,
        final MutableDirectBuffer out, final int outOffset, final int outCapacity)
    {
        if (aLength % 8 != 0 || bLength % 8 != 0)
        {
            return -2;
        }
        int i = 0;
        int j = 0;
        int o = 0;
        while (i < aLength || j < bLength)
        {
            final long next;
            if (j >= bLength || (i < aLength && a.getLong(aOffset + i) <= b.getLong(bOffset + j)))
            {
                next = a.getLong(aOffset + i);
                if (j < bLength && b.getLong(bOffset + j) == next)
                {
                    j += 8;
                }
                i += 8;
            }
            else
            {
                next = b.getLong(bOffset + j);
                j += 8;
            }
            if (o + 8 > outCapacity)
            {
                return -3;
            }
            out.putLong(outOffset + o, next);
            o += 8;
        }
        return o;
    }
}
