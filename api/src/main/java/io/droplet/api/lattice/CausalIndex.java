package io.droplet.api.lattice;

import org.agrona.DirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.CLOCK_ENTRY_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LONG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The versions of one encoded causal value, indexed for the two questions the causal types ask of
 * pairs of versions: is the set an antichain (validation), and is this version strictly dominated by
 * one of that set (merge). Each version is walked once, here, instead of once per pair.
 * <p>
 * Three summaries of each clock rule out "v is strictly dominated by w" for most pairs without
 * reading either clock: it needs v's nodes to be a subset of w's (so no more entries, and v's
 * hashed-node bits a subset of w's) and v's counter sum below w's (counters are positive, so pointwise
 * {@code <=} over a superset gives a sum at least as large, equal only for equal clocks; a saturated
 * sum says nothing). A pair that passes is decided by {@link #precedes}, which looks up each of v's
 * nodes in w by galloping, so a small clock against a large one costs the small one's entries (times
 * a logarithm), not the large one's.
 * <p>
 * No exact test is subquadratic in the worst case (finding a dominated vector among n vectors of many
 * dimensions is the maximal-vectors problem), which is why {@link LatticeValidator} bounds causal
 * values by their versions and by versions times clock entries: with those bounds every pairwise pass
 * here is bounded too.
 * <p>
 * <b>Note:</b> not thread-safe: one index per thread (the validator) or per merger.
 */
final class CausalIndex
{
    private final int[] clocks;
    private final int[] entries;
    private final long[] sums;
    private final long[] nodeBits;
    private DirectBuffer buffer;
    private int size;

    /**
     * @param capacity most versions indexed at once.
     */
    CausalIndex(final int capacity)
    {
        clocks = new int[capacity];
        entries = new int[capacity];
        sums = new long[capacity];
        nodeBits = new long[capacity];
    }

    /**
     * Indexes {@code count} versions known to be in bounds and canonical, from {@code first}.
     *
     * @return the position after the last version.
     */
    int index(final DirectBuffer buffer, final int first, final int count, final boolean withDependencies)
    {
        this.buffer = buffer;
        size = count;
        int cursor = first;
        for (int i = 0; i < count; i++)
        {
            final int clockCount = buffer.getInt(cursor, LITTLE_ENDIAN);
            clocks[i] = cursor;
            entries[i] = clockCount;
            long sum = 0;
            long bits = 0;
            int entry = cursor + INT_LENGTH;
            for (int e = 0; e < clockCount; e++)
            {
                final long counter = buffer.getLong(entry + LONG_LENGTH, LITTLE_ENDIAN);
                // Saturating: counters are positive, so a sum that wraps went past the maximum.
                sum = sum + counter < 0 ? Long.MAX_VALUE : sum + counter;
                bits |= nodeBit(buffer.getLong(entry, LITTLE_ENDIAN));
                entry += CLOCK_ENTRY_LENGTH;
            }
            sums[i] = sum;
            nodeBits[i] = bits;
            cursor = withDependencies ? LatticeLayout.dependenciesEnd(buffer, entry) : entry;
            cursor = LatticeLayout.bytesEnd(buffer, cursor);
        }
        return cursor;
    }

    /**
     * @return the versions indexed.
     */
    int size()
    {
        return size;
    }

    /**
     * @return the position of version {@code i}, which is where its clock starts.
     */
    int versionAt(final int i)
    {
        return clocks[i];
    }

    /**
     * @return true if no version's clock is strictly dominated by another's.
     */
    boolean isAntichain()
    {
        for (int i = 0; i < size; i++)
        {
            for (int j = i + 1; j < size; j++)
            {
                if ((mayPrecede(this, i, this, j) && precedes(buffer, clocks[i], buffer, clocks[j])) ||
                    (mayPrecede(this, j, this, i) && precedes(buffer, clocks[j], buffer, clocks[i])))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * @return true if version {@code i} of this index has a clock strictly dominated by the clock of a
     * version of {@code others}.
     */
    boolean dominatedBy(final int i, final CausalIndex others)
    {
        for (int j = 0; j < others.size; j++)
        {
            if (mayPrecede(this, i, others, j) && precedes(buffer, clocks[i], others.buffer, others.clocks[j]))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A necessary condition for version {@code i} of {@code a} to be strictly dominated by version
     * {@code j} of {@code b}, from the summaries alone.
     */
    private static boolean mayPrecede(final CausalIndex a, final int i, final CausalIndex b, final int j)
    {
        final long aSum = a.sums[i];
        final long bSum = b.sums[j];
        return a.entries[i] <= b.entries[j] &&
            (aSum < bSum || (aSum == bSum && aSum == Long.MAX_VALUE)) &&
            (a.nodeBits[i] & ~b.nodeBits[j]) == 0;
    }

    /**
     * @return true if the canonical clock at {@code aPosition} is strictly dominated by the one at
     * {@code bPosition}: pointwise {@code <=} and not equal. Each of a's nodes is found in b by
     * galloping from where the previous one was found.
     */
    static boolean precedes(final DirectBuffer a, final int aPosition, final DirectBuffer b, final int bPosition)
    {
        final int aCount = a.getInt(aPosition, LITTLE_ENDIAN);
        final int bCount = b.getInt(bPosition, LITTLE_ENDIAN);
        if (aCount > bCount)
        {
            return false;
        }
        final int aEntries = aPosition + INT_LENGTH;
        final int bEntries = bPosition + INT_LENGTH;
        // Fewer entries in a: some node of b is 0 in a, so a differs from b wherever else it is equal.
        boolean strict = aCount < bCount;
        int low = 0;
        for (int i = 0; i < aCount; i++)
        {
            final int aEntry = aEntries + i * CLOCK_ENTRY_LENGTH;
            final long node = a.getLong(aEntry, LITTLE_ENDIAN);
            final int found = find(b, bEntries, low, bCount - (aCount - i) + 1, node);
            if (found < 0)
            {
                return false;
            }
            final long aCounter = a.getLong(aEntry + LONG_LENGTH, LITTLE_ENDIAN);
            final long bCounter = b.getLong(bEntries + found * CLOCK_ENTRY_LENGTH + LONG_LENGTH, LITTLE_ENDIAN);
            if (aCounter > bCounter)
            {
                return false;
            }
            strict |= aCounter < bCounter;
            low = found + 1;
        }
        return strict;
    }

    /**
     * Gallops from {@code low} for {@code node} among entries {@code [low, limit)} of ascending node
     * ids: probes low, low + 1, low + 3, low + 7, ... until one is not below the node, then searches
     * the last gap by halves.
     *
     * @return the entry index holding the node, or -1.
     */
    private static int find(final DirectBuffer b, final int entries, final int low, final int limit, final long node)
    {
        if (low >= limit)
        {
            return -1;
        }
        final long first = b.getLong(entries + low * CLOCK_ENTRY_LENGTH, LITTLE_ENDIAN);
        // Clocks over the same nodes, the usual case, find every node at the first probe.
        if (first >= node)
        {
            return first == node ? low : -1;
        }
        int below = low;
        int step = 2;
        int probe = low + 1;
        while (probe < limit && b.getLong(entries + probe * CLOCK_ENTRY_LENGTH, LITTLE_ENDIAN) < node)
        {
            below = probe;
            probe += step;
            step <<= 1;
        }
        // The node, if present, is in (below, min(probe, limit - 1)].
        int from = below + 1;
        int to = Math.min(probe, limit - 1);
        while (from <= to)
        {
            final int middle = (from + to) >>> 1;
            final long middleNode = b.getLong(entries + middle * CLOCK_ENTRY_LENGTH, LITTLE_ENDIAN);
            if (middleNode < node)
            {
                from = middle + 1;
            }
            else if (middleNode > node)
            {
                to = middle - 1;
            }
            else
            {
                return middle;
            }
        }
        return -1;
    }

    /**
     * @return one of 64 bits for a node id, from a multiplicative hash's top bits.
     */
    private static long nodeBit(final long node)
    {
        return 1L << ((node * 0x9E3779B97F4A7C15L) >>> 58);
    }
}
