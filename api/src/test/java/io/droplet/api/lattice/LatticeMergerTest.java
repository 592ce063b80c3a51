package io.droplet.api.lattice;

import com.sun.management.ThreadMXBean;
import io.droplet.codecs.lattice.LatticeType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merger's return codes, and its allocation-free path.
 */
@Timeout(60)
class LatticeMergerTest
{
    private final LatticeMerger merger = new LatticeMerger();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);

    @Test
    void differentTypesAreATypeMismatch()
    {
        assertEquals(LatticeMerger.TYPE_MISMATCH, merge(MaxLattice.of(1), BoolLattice.TRUE, out.capacity()));
        assertEquals(LatticeMerger.TYPE_MISMATCH, merge(SetLattice.EMPTY, OrderedSetLattice.EMPTY, out.capacity()));
        assertEquals(LatticeMerger.TYPE_MISMATCH,
            merge(MapLattice.of("k", MaxLattice.of(1)), MapLattice.of("k", BoolLattice.TRUE), out.capacity()));
        // Deeper down, behind keys that merge fine.
        final MapLattice a = MapLattice.of(Map.of(
            "a", MaxLattice.of(1),
            "m", MapLattice.of("x", LwwLattice.of(1, 1, new byte[]{1}))));
        final MapLattice b = MapLattice.of(Map.of(
            "a", MaxLattice.of(2),
            "m", MapLattice.of("x", PriorityLattice.of(1.0, new byte[]{1}))));
        assertEquals(LatticeMerger.TYPE_MISMATCH, merge(a, b, out.capacity()));
        // Keys that only one side holds may have any type.
        final MapLattice k = MapLattice.of("k", MaxLattice.of(1));
        assertTrue(merge(k, MapLattice.of("j", BoolLattice.TRUE), out.capacity()) > 0);
    }

    @Test
    void invalidInputsAreRejectedWhicheverSideTheyAreOn()
    {
        final byte[] valid = LatticeCodec.toBytes(SetLattice.of(new byte[]{1}, new byte[]{2}));
        final byte[] unsorted = LatticeCodec.toBytes(SetLattice.of(new byte[]{1}, new byte[]{2}));
        unsorted[9] = 3;
        final UnsafeBuffer good = new UnsafeBuffer(valid);
        final UnsafeBuffer bad = new UnsafeBuffer(unsorted);
        assertEquals(LatticeMerger.INVALID, merger.merge(bad, 0, unsorted.length, good, 0, valid.length, out, 0, 4096));
        assertEquals(LatticeMerger.INVALID, merger.merge(good, 0, valid.length, bad, 0, unsorted.length, out, 0, 4096));
        assertEquals(LatticeMerger.INVALID,
            merger.merge(good, 0, valid.length - 1, good, 0, valid.length, out, 0, 4096));
        assertEquals(LatticeMerger.INVALID, merger.merge(good, 0, 0, good, 0, valid.length, out, 0, 4096));
        assertEquals(LatticeMerger.INVALID, merger.merge(good, 1, valid.length, good, 0, valid.length, out, 0, 4096));
        // Invalid wins over a type mismatch: an invalid input's tag means nothing.
        final byte[] max = LatticeCodec.toBytes(MaxLattice.of(1));
        assertEquals(LatticeMerger.INVALID,
            merger.merge(new UnsafeBuffer(max), 0, max.length, bad, 0, unsorted.length, out, 0, 4096));
    }

    @Test
    void resultsThatDoNotFitAreTooLarge()
    {
        final List<Lattice[]> pairs = List.of(
            new Lattice[]{LwwLattice.of(1, 1, new byte[]{1}), LwwLattice.of(2, 1, new byte[]{2, 2})},
            new Lattice[]{MaxLattice.of(1), MaxLattice.of(2)},
            new Lattice[]{BoolLattice.FALSE, BoolLattice.TRUE},
            new Lattice[]{PriorityLattice.of(1, new byte[]{1}), PriorityLattice.of(0, new byte[]{1, 2})},
            new Lattice[]{SetLattice.of(new byte[]{1}), SetLattice.of(new byte[]{2})},
            new Lattice[]{
                OrderedSetLattice.of(List.of(OrderedSetLattice.Entry.of(1, new byte[]{1}))),
                OrderedSetLattice.of(List.of(OrderedSetLattice.Entry.of(0, new byte[]{1})))},
            new Lattice[]{VectorClock.of(1, 1), VectorClock.of(2, 1)},
            new Lattice[]{
                MapLattice.of(Map.of("a", SetLattice.of(new byte[]{1}), "b", MaxLattice.of(1))),
                MapLattice.of(Map.of("a", SetLattice.of(new byte[]{2}), "c", MaxLattice.of(1)))},
            new Lattice[]{
                SingleKeyCausalLattice.of(VectorClock.of(1, 1), new byte[]{1}),
                SingleKeyCausalLattice.of(VectorClock.of(2, 1), new byte[]{2})},
            new Lattice[]{
                MultiKeyCausalLattice.of(VectorClock.of(1, 1), Map.of("k", VectorClock.of(3, 1)), new byte[]{1}),
                MultiKeyCausalLattice.of(VectorClock.of(2, 1), Map.of(), new byte[]{2})});
        assertEquals(LatticeType.values().length, pairs.size());
        for (final Lattice[] pair : pairs)
        {
            final byte[] expected = LatticeCodec.toBytes(Lattice.merge(pair[0], pair[1]));
            for (int capacity = 0; capacity < expected.length; capacity++)
            {
                assertEquals(LatticeMerger.TOO_LARGE, merge(pair[0], pair[1], capacity), pair[0] + " in " + capacity);
            }
            assertEquals(expected.length, merge(pair[0], pair[1], expected.length));
            final byte[] actual = new byte[expected.length];
            out.getBytes(0, actual);
            assertArrayEquals(expected, actual);
        }
    }

    /**
     * Merges allocate nothing, for every type, nested in maps or not.
     */
    @Test
    void inPlaceTypesMergeWithoutAllocating()
    {
        final Lattice[][] pairs = {
            {LwwLattice.of(1, 1, new byte[]{1}), LwwLattice.of(1, 2, new byte[]{2, 2})},
            {MaxLattice.of(1), MaxLattice.of(2)},
            {BoolLattice.FALSE, BoolLattice.TRUE},
            {PriorityLattice.of(1, new byte[]{1}), PriorityLattice.of(0, new byte[]{1, 2})},
            {SetLattice.of(new byte[]{1}, new byte[]{3}), SetLattice.of(new byte[]{2}, new byte[]{3})},
            {OrderedSetLattice.of(List.of(OrderedSetLattice.Entry.of(1, new byte[]{1}))),
                OrderedSetLattice.of(List.of(OrderedSetLattice.Entry.of(0, new byte[]{1})))},
            {VectorClock.of(1, 1), VectorClock.of(Map.of(1L, 2L, 2L, 1L))},
            {MapLattice.of(Map.of("a", SetLattice.of(new byte[]{1}), "m", MapLattice.of("x", MaxLattice.of(1)))),
                MapLattice.of(Map.of("a", SetLattice.of(new byte[]{2}), "m", MapLattice.of("x", MaxLattice.of(2))))},
            {SingleKeyCausalLattice.of(VectorClock.of(1, 1), new byte[]{1}),
                SingleKeyCausalLattice.of(List.of(
                    new SingleKeyCausalLattice.Version(VectorClock.of(1, 2), Bytes.of(new byte[]{2})),
                    new SingleKeyCausalLattice.Version(VectorClock.of(2, 1), Bytes.of(new byte[]{3}))))},
            {MapLattice.of("c",
                MultiKeyCausalLattice.of(VectorClock.of(1, 1), Map.of("k", VectorClock.of(3, 1)), new byte[]{1})),
                MapLattice.of("c", MultiKeyCausalLattice.of(VectorClock.of(2, 1), Map.of(), new byte[]{2}))},
        };
        assertEquals(LatticeType.values().length, pairs.length);
        final UnsafeBuffer[] buffers = new UnsafeBuffer[pairs.length * 2];
        for (int i = 0; i < pairs.length; i++)
        {
            buffers[2 * i] = new UnsafeBuffer(LatticeCodec.toBytes(pairs[i][0]));
            buffers[2 * i + 1] = new UnsafeBuffer(LatticeCodec.toBytes(pairs[i][1]));
        }
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();

        long checksum = mergeAll(buffers, 20_000);
        final long before = threads.getThreadAllocatedBytes(threadId);
        checksum += mergeAll(buffers, 20_000);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertTrue(checksum > 0);
        // Reading the counter itself may allocate a little; a per-merge allocation would be megabytes.
        assertTrue(allocated < 4096, () -> allocated + " bytes allocated by " + 20_000 * pairs.length + " merges");
    }

    private long mergeAll(final UnsafeBuffer[] buffers, final int rounds)
    {
        long total = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < buffers.length; i += 2)
            {
                final UnsafeBuffer a = buffers[i];
                final UnsafeBuffer b = buffers[i + 1];
                total += merger.merge(a, 0, a.capacity(), b, 0, b.capacity(), out, 0, out.capacity());
            }
        }
        return total;
    }

    private int merge(final Lattice a, final Lattice b, final int capacity)
    {
        final byte[] aBytes = LatticeCodec.toBytes(a);
        final byte[] bBytes = LatticeCodec.toBytes(b);
        return merger.merge(
            new UnsafeBuffer(aBytes), 0, aBytes.length, new UnsafeBuffer(bBytes), 0, bBytes.length, out, 0, capacity);
    }
}
