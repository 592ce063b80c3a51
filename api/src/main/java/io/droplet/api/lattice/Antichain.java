package io.droplet.api.lattice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The lattice behind the causal types. Versions are ordered by {@code v <= w} when v equals w or
 * v's clock strictly happened before w's: a partial order (the clock order is one, and distinct
 * versions with equal clocks are simply unordered). A causal value is a finite antichain of versions
 * standing for the set of all versions below it (its down-set). Down-sets are joined by union, so
 * the join of two antichains is the set of maximal versions of their union; it is associative,
 * commutative and idempotent because taking the maximal elements of a union is, and one antichain
 * is below another exactly when each of its versions is below some version of the other.
 * <p>
 * Anna's causal lattices instead keep (merged clock, set of values) and take one side whole when its
 * clock dominates, else the union. That is not associative: with a concurrent with b, and c
 * dominating a but concurrent with b, merge(merge(a, b), c) keeps a's value (the merged clock of a
 * and b is concurrent with c) while merge(a, merge(b, c)) drops it.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
final class Antichain
{
    private Antichain()
    {
    }

    /**
     * @param versions  any versions, in their natural order (the order of their encodings).
     * @param clockOf   a version's clock.
     * @param <V>       the version type.
     * @return the versions whose clock is not strictly dominated by another's, unmodifiable.
     */
    static <V extends Comparable<V>> SortedSet<V> maximal(
        final Collection<V> versions, final Function<V, VectorClock> clockOf)
    {
        final TreeSet<V> unique = new TreeSet<>();
        for (final V version : versions)
        {
            unique.add(version);
        }
        final List<V> candidates = new ArrayList<>(unique);
        final TreeSet<V> kept = new TreeSet<>();
        for (final V candidate : candidates)
        {
            if (!dominated(clockOf.apply(candidate), candidates, clockOf))
            {
                kept.add(candidate);
            }
        }
        return Collections.unmodifiableSortedSet(kept);
    }

    /**
     * @return true if each version of {@code a} equals, or has a clock strictly dominated by, some
     * version of {@code b}.
     */
    static <V> boolean leq(final Collection<V> a, final Collection<V> b, final Function<V, VectorClock> clockOf)
    {
        for (final V version : a)
        {
            if (!b.contains(version) && !dominated(clockOf.apply(version), b, clockOf))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the pointwise maximum of the versions' clocks.
     */
    static <V> VectorClock mergedClock(final Collection<V> versions, final Function<V, VectorClock> clockOf)
    {
        VectorClock merged = VectorClock.EMPTY;
        for (final V version : versions)
        {
            merged = merged.merge(clockOf.apply(version));
        }
        return merged;
    }

    private static <V> boolean dominated(
        final VectorClock clock, final Collection<V> versions, final Function<V, VectorClock> clockOf)
    {
        for (final V other : versions)
        {
            if (clock.happenedBefore(clockOf.apply(other)))
            {
                return true;
            }
        }
        return false;
    }
}
