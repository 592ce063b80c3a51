package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quicktheories.core.Gen;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/**
 * The semilattice laws of every lattice type, on the object model, with generators that force ties.
 */
@Timeout(120)
class LatticeLawsTest
{
    /**
     * Inputs generated per property. QuickTheories runs each distinct input once, and the
     * generators' domains are small on purpose (to force ties): a property over a small domain (BOOL,
     * MAX, one or two LWW or PRIORITY values, pairs of vector clocks) runs all or nearly all of its
     * inputs; the others run thousands of distinct inputs, over 10,000 for most pairs and triples.
     */
    private static final int EXAMPLES = 20_000;

    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void mergeIsIdempotent(final LatticeType type)
    {
        qt().withExamples(EXAMPLES).forAll(LatticeGenerators.of(type)).checkAssert(a ->
            assertEquals(a, Lattice.merge(a, a)));
    }

    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void mergeIsCommutative(final LatticeType type)
    {
        final Gen<Lattice> gen = LatticeGenerators.of(type);
        qt().withExamples(EXAMPLES).forAll(gen, gen).checkAssert((a, b) ->
            assertEquals(Lattice.merge(a, b), Lattice.merge(b, a)));
    }

    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void mergeIsAssociative(final LatticeType type)
    {
        final Gen<Lattice> gen = LatticeGenerators.of(type);
        qt().withExamples(EXAMPLES).forAll(gen, gen, gen).checkAssert((a, b, c) ->
            assertEquals(Lattice.merge(Lattice.merge(a, b), c), Lattice.merge(a, Lattice.merge(b, c))));
    }

    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void mergeIsAnUpperBound(final LatticeType type)
    {
        final Gen<Lattice> gen = LatticeGenerators.of(type);
        qt().withExamples(EXAMPLES).forAll(gen, gen).checkAssert((a, b) ->
        {
            final Lattice merged = Lattice.merge(a, b);
            assertTrue(Lattice.leq(a, merged), "a <= merge(a, b)");
            assertTrue(Lattice.leq(b, merged), "b <= merge(a, b)");
        });
    }

    /**
     * The order, written independently of the merge, agrees with it: a <= b exactly when merging a
     * into b changes nothing; and it is antisymmetric, so the merge is the least upper bound.
     * <p>
     * QuickTheories runs each distinct input once, so small domains (BOOL, MAX) run fewer examples
     * than asked for: every one of their inputs.
     */
    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void orderAgreesWithMerge(final LatticeType type)
    {
        final Gen<Lattice> gen = LatticeGenerators.of(type);
        final int[] ordered = new int[2];
        qt().withExamples(EXAMPLES).forAll(gen, gen).checkAssert((a, b) ->
        {
            ordered[1]++;
            final boolean leq = Lattice.leq(a, b);
            assertEquals(leq, Lattice.merge(a, b).equals(b), "a <= b iff merge(a, b) == b");
            assertTrue(Lattice.leq(a, a), "reflexive");
            if (leq && Lattice.leq(b, a))
            {
                assertEquals(a, b, "antisymmetric");
            }
            if (leq)
            {
                ordered[0]++;
            }
        });
        // The generators must produce comparable pairs often, or the check above says little.
        assertTrue(ordered[0] * 10 > ordered[1], () -> "only " + ordered[0] + " of " + ordered[1] + " pairs ordered");
    }

    /**
     * Anna's causal merge ("the dominating clock wins, else union") is not associative on this
     * example; the antichain merge is, and drops a's value whichever way it is bracketed.
     */
    @Test
    void causalMergeIsAssociativeWhereAnnasIsNot()
    {
        final SingleKeyCausalLattice a = SingleKeyCausalLattice.of(VectorClock.of(Map.of(1L, 1L)), new byte[]{'a'});
        final SingleKeyCausalLattice b = SingleKeyCausalLattice.of(VectorClock.of(Map.of(2L, 1L)), new byte[]{'b'});
        final SingleKeyCausalLattice c = SingleKeyCausalLattice.of(VectorClock.of(Map.of(1L, 2L)), new byte[]{'c'});
        assertTrue(a.mergedClock().concurrentWith(b.mergedClock()));
        assertTrue(a.mergedClock().happenedBefore(c.mergedClock()));
        assertTrue(a.merge(b).mergedClock().concurrentWith(c.mergedClock()));

        final SingleKeyCausalLattice left = a.merge(b).merge(c);
        final SingleKeyCausalLattice right = a.merge(b.merge(c));
        assertEquals(left, right);
        assertEquals(List.of(Bytes.ofUtf8("c"), Bytes.ofUtf8("b")), left.values());
        assertEquals(VectorClock.of(Map.of(1L, 2L, 2L, 1L)), left.mergedClock());
    }

    @Test
    void lwwBreaksTimestampTiesByNodeThenValue()
    {
        final LwwLattice early = LwwLattice.of(5, 9, new byte[]{9});
        final LwwLattice lowNode = LwwLattice.of(6, 1, new byte[]{9});
        final LwwLattice highNode = LwwLattice.of(6, 2, new byte[]{0});
        final LwwLattice highNodeLargerValue = LwwLattice.of(6, 2, new byte[]{(byte)0x80});
        assertEquals(lowNode, early.merge(lowNode));
        assertEquals(highNode, lowNode.merge(highNode));
        assertEquals(highNode, highNode.merge(lowNode));
        assertEquals(highNodeLargerValue, highNode.merge(highNodeLargerValue), "values compare unsigned");
        assertEquals(highNodeLargerValue, highNodeLargerValue.merge(highNode));
    }

    @Test
    void priorityKeepsTheLowestAndNaNLast()
    {
        final PriorityLattice one = PriorityLattice.of(1.0, new byte[]{1});
        final PriorityLattice nan = PriorityLattice.of(Double.NaN, new byte[]{2});
        final PriorityLattice negativeZero = PriorityLattice.of(-0.0, new byte[]{3});
        final PriorityLattice zero = PriorityLattice.of(0.0, new byte[]{4});
        assertEquals(one, one.merge(nan));
        assertEquals(one, nan.merge(one));
        assertEquals(negativeZero, zero.merge(negativeZero));
        assertTrue(nan.leq(one));
        assertFalse(one.leq(nan));
        assertEquals(PriorityLattice.of(1.0, new byte[]{5}), one.merge(PriorityLattice.of(1.0, new byte[]{5})));
    }

    @Test
    void mapMergeRefusesDifferentTypesUnderOneKey()
    {
        final MapLattice counters = MapLattice.of("k", MaxLattice.of(1));
        final MapLattice flags = MapLattice.of("k", BoolLattice.TRUE);
        assertThrows(IllegalArgumentException.class, () -> counters.merge(flags));
        assertFalse(counters.leq(flags));
        assertThrows(IllegalArgumentException.class, () -> Lattice.merge(counters, MaxLattice.of(1)));
    }

    @Test
    void vectorClocksHaveOneRepresentation()
    {
        assertEquals(VectorClock.EMPTY, VectorClock.of(Map.of(1L, 0L)));
        assertEquals(VectorClock.of(2, 1), VectorClock.of(2, 1).with(3, 0));
        assertEquals(VectorClock.EMPTY, VectorClock.of(2, 1).with(2, 0));
        assertEquals(VectorClock.of(Map.of(1L, 1L, 2L, 3L)), VectorClock.of(2, 3).increment(1));
        assertThrows(IllegalArgumentException.class, () -> VectorClock.of(1, -1));
    }

    @Test
    void mapKeysAreOrderedByCodePoint()
    {
        final MapLattice map = MapLattice.of(Map.of("\uffff", MaxLattice.of(1), "\ud834\udd1e", MaxLattice.of(2)));
        assertEquals(List.of("\uffff", "\ud834\udd1e"), List.copyOf(map.entries().keySet()));
        assertThrows(IllegalArgumentException.class, () -> MapLattice.of("\ud834", MaxLattice.of(1)));
    }
}
