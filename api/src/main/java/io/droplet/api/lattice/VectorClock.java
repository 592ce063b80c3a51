package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Per-node event counters: node {@code n} has seen {@code counter(n)} events of node {@code n}.
 * A node without an entry has counter 0, so zero counters are never stored: every clock has one
 * representation. The merge is the pointwise maximum, the order pointwise {@code <=}.
 * <p>
 * Not a record: the entries are kept as two sorted primitive arrays because causal lattices compare
 * clocks pairwise, many times per merge, and boxed maps would make that slow.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public final class VectorClock implements Lattice
{
    /** The clock of no events, the bottom of the lattice. */
    public static final VectorClock EMPTY = new VectorClock(new long[0], new long[0]);

    private final long[] nodes;
    private final long[] counters;

    /**
     * Trusted: nodes strictly ascending, counters positive, arrays owned by this clock.
     */
    VectorClock(final long[] nodes, final long[] counters)
    {
        this.nodes = nodes;
        this.counters = counters;
    }

    /**
     * @param counters by node id; zero counters are dropped.
     * @return the clock.
     * @throws IllegalArgumentException for a negative counter.
     */
    public static VectorClock of(final Map<Long, Long> counters)
    {
        final TreeMap<Long, Long> sorted = new TreeMap<>();
        for (final Map.Entry<Long, Long> entry : counters.entrySet())
        {
            final long counter = entry.getValue();
            if (counter < 0)
            {
                throw new IllegalArgumentException("negative counter " + counter + " for node " + entry.getKey());
            }
            if (counter > 0)
            {
                sorted.put(entry.getKey(), counter);
            }
        }
        final long[] nodes = new long[sorted.size()];
        final long[] values = new long[sorted.size()];
        int i = 0;
        for (final Map.Entry<Long, Long> entry : sorted.entrySet())
        {
            nodes[i] = entry.getKey();
            values[i] = entry.getValue();
            i++;
        }
        return new VectorClock(nodes, values);
    }

    /**
     * @param node    id.
     * @param counter events of that node seen; 0 gives {@link #EMPTY}.
     * @return a clock with one entry.
     */
    public static VectorClock of(final long node, final long counter)
    {
        return EMPTY.with(node, counter);
    }

    /**
     * @return {@link LatticeType#VECTOR_CLOCK}.
     */
    public LatticeType type()
    {
        return LatticeType.VECTOR_CLOCK;
    }

    /**
     * @return the number of nodes with a non-zero counter.
     */
    public int size()
    {
        return nodes.length;
    }

    /**
     * @param index from 0 to {@link #size()}, in ascending node id order.
     * @return the node id of that entry.
     */
    public long nodeAt(final int index)
    {
        return nodes[index];
    }

    /**
     * @param index from 0 to {@link #size()}, in ascending node id order.
     * @return the counter of that entry, positive.
     */
    public long counterAt(final int index)
    {
        return counters[index];
    }

    /**
     * @param node id.
     * @return its counter, 0 if the clock has no entry for it.
     */
    public long counter(final long node)
    {
        final int index = Arrays.binarySearch(nodes, node);
        return index >= 0 ? counters[index] : 0;
    }

    /**
     * @param node    id.
     * @param counter the node's new counter, not negative.
     * @return a clock equal to this one except at {@code node}.
     */
    public VectorClock with(final long node, final long counter)
    {
        if (counter < 0)
        {
            throw new IllegalArgumentException("negative counter " + counter + " for node " + node);
        }
        final int index = Arrays.binarySearch(nodes, node);
        if (index >= 0)
        {
            if (0 == counter)
            {
                return new VectorClock(remove(nodes, index), remove(counters, index));
            }
            final long[] newCounters = counters.clone();
            newCounters[index] = counter;
            return new VectorClock(nodes, newCounters);
        }
        if (0 == counter)
        {
            return this;
        }
        final int insertAt = -index - 1;
        return new VectorClock(insert(nodes, insertAt, node), insert(counters, insertAt, counter));
    }

    /**
     * @param node id of the node recording an event.
     * @return a clock with that node's counter one higher.
     */
    public VectorClock increment(final long node)
    {
        return with(node, Math.addExact(counter(node), 1));
    }

    /**
     * @return the counters by node id, unmodifiable.
     */
    public SortedMap<Long, Long> asMap()
    {
        final TreeMap<Long, Long> map = new TreeMap<>();
        for (int i = 0; i < nodes.length; i++)
        {
            map.put(nodes[i], counters[i]);
        }
        return Collections.unmodifiableSortedMap(map);
    }

    /**
     * @param other a lattice of the same type.
     * @return the pointwise maximum.
     */
    public VectorClock merge(final VectorClock other)
    {
        final long[] mergedNodes = new long[nodes.length + other.nodes.length];
        final long[] mergedCounters = new long[mergedNodes.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < nodes.length || j < other.nodes.length)
        {
            if (j == other.nodes.length || (i < nodes.length && nodes[i] < other.nodes[j]))
            {
                mergedNodes[n] = nodes[i];
                mergedCounters[n++] = counters[i++];
            }
            else if (i == nodes.length || other.nodes[j] < nodes[i])
            {
                mergedNodes[n] = other.nodes[j];
                mergedCounters[n++] = other.counters[j++];
            }
            else
            {
                mergedNodes[n] = nodes[i];
                mergedCounters[n++] = Math.max(counters[i++], other.counters[j++]);
            }
        }
        return new VectorClock(Arrays.copyOf(mergedNodes, n), Arrays.copyOf(mergedCounters, n));
    }

    /**
     * @param other a lattice of the same type.
     * @return true if every counter of this clock is at most the same node's counter in
     * {@code other}.
     */
    public boolean leq(final VectorClock other)
    {
        // Every node of this clock has a positive counter, so it must appear in other.
        int j = 0;
        for (int i = 0; i < nodes.length; i++)
        {
            while (j < other.nodes.length && other.nodes[j] < nodes[i])
            {
                j++;
            }
            if (j == other.nodes.length || other.nodes[j] != nodes[i] || other.counters[j] < counters[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param other clock.
     * @return true if this clock is strictly dominated by {@code other}: pointwise {@code <=} and not
     * equal, i.e. the events this clock has seen happened before {@code other}'s.
     */
    public boolean happenedBefore(final VectorClock other)
    {
        return leq(other) && !equals(other);
    }

    /**
     * @param other clock.
     * @return true if neither clock is {@code <=} the other.
     */
    public boolean concurrentWith(final VectorClock other)
    {
        return !leq(other) && !other.leq(this);
    }

    /**
     * Orders clocks as their encodings are ordered: unsigned lexicographically over the little-endian
     * count and (node, counter) entries. Comparing the fields one by one gives the same answer
     * because a difference in a fixed-width field decides the byte comparison inside that field.
     */
    static int compareEncoded(final VectorClock a, final VectorClock b)
    {
        int result = compareLittleEndian(a.nodes.length, b.nodes.length);
        for (int i = 0; 0 == result && i < a.nodes.length; i++)
        {
            result = compareLittleEndian(a.nodes[i], b.nodes[i]);
            if (0 == result)
            {
                result = compareLittleEndian(a.counters[i], b.counters[i]);
            }
        }
        return result;
    }

    /**
     * @return the order of the little-endian encodings of two ints, compared as unsigned bytes.
     */
    static int compareLittleEndian(final int a, final int b)
    {
        return Integer.compareUnsigned(Integer.reverseBytes(a), Integer.reverseBytes(b));
    }

    /**
     * @return the order of the little-endian encodings of two longs, compared as unsigned bytes.
     */
    static int compareLittleEndian(final long a, final long b)
    {
        return Long.compareUnsigned(Long.reverseBytes(a), Long.reverseBytes(b));
    }

    /**
     * @param other object.
     * @return true if {@code other} is a clock with the same counters.
     */
    public boolean equals(final Object other)
    {
        if (this == other)
        {
            return true;
        }
        if (!(other instanceof VectorClock))
        {
            return false;
        }
        final VectorClock that = (VectorClock)other;
        return Arrays.equals(nodes, that.nodes) && Arrays.equals(counters, that.counters);
    }

    /**
     * @return a hash of the counters.
     */
    public int hashCode()
    {
        return 31 * Arrays.hashCode(nodes) + Arrays.hashCode(counters);
    }

    /**
     * @return the counters as {@code {node=counter, ...}}.
     */
    public String toString()
    {
        final StringBuilder builder = new StringBuilder("{");
        for (int i = 0; i < nodes.length; i++)
        {
            builder.append(i == 0 ? "" : ", ").append(nodes[i]).append('=').append(counters[i]);
        }
        return builder.append('}').toString();
    }

    private static long[] remove(final long[] array, final int index)
    {
        final long[] result = new long[array.length - 1];
        System.arraycopy(array, 0, result, 0, index);
        System.arraycopy(array, index + 1, result, index, result.length - index);
        return result;
    }

    private static long[] insert(final long[] array, final int index, final long value)
    {
        final long[] result = new long[array.length + 1];
        System.arraycopy(array, 0, result, 0, index);
        result[index] = value;
        System.arraycopy(array, index, result, index + 1, array.length - index);
        return result;
    }
}
