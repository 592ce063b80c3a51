package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A causally consistent value of one key: the versions written concurrently and not yet overwritten,
 * each with the vector clock of its write. Readers usually see it as "a clock and a set of
 * concurrent values": {@link #mergedClock()} and {@link #values()}.
 * <p>
 * The value is an antichain: no version's clock is strictly dominated by another's. The merge takes
 * the union of both sides' versions and drops every version whose clock is strictly dominated (pointwise
 * {@code <=} and not equal) by another version's clock; versions with equal or concurrent clocks all
 * stay. This is the join of the lattice of down-sets of versions, so it is associative, unlike Anna's
 * "dominating clock wins, else union" (see the package documentation). The order: this is below
 * {@code other} when every version of this equals, or has a clock strictly dominated by, a version of
 * {@code other}.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param versions unmodifiable, an antichain, in the order of their encodings.
 */
public record SingleKeyCausalLattice(SortedSet<SingleKeyCausalLattice.Version> versions) implements Lattice
{
    /** No versions, the bottom of the lattice. */
    public static final SingleKeyCausalLattice EMPTY = new SingleKeyCausalLattice(Collections.emptySortedSet());

    /**
     * A value and the vector clock of its write, ordered as their encodings (clock, then value) are.
     * <p>
     * <b>Note:</b> immutable and thread-safe.
     *
     * @param clock of the write.
     * @param value written.
     */
    public record Version(VectorClock clock, Bytes value) implements Comparable<Version>
    {
        /**
         * @param clock of the write, not null.
         * @param value written, not null.
         */
        public Version
        {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(value, "value");
        }

        /**
         * @param other version.
         * @return the order of the two versions' encodings, unsigned lexicographic.
         */
        public int compareTo(final Version other)
        {
            final int byClock = VectorClock.compareEncoded(clock, other.clock);
            return byClock != 0 ? byClock : Bytes.compareEncoded(value, other.value);
        }
    }

    /**
     * Keeps the maximal versions: those whose clock no other version's clock strictly dominates.
     *
     * @param versions any versions, not null.
     */
    public SingleKeyCausalLattice
    {
        versions = Antichain.maximal(versions, Version::clock);
    }

    /**
     * @param clock of the write.
     * @param value written, copied.
     * @return a lattice of one version.
     */
    public static SingleKeyCausalLattice of(final VectorClock clock, final byte[] value)
    {
        return of(List.of(new Version(clock, Bytes.of(value))));
    }

    /**
     * @param versions any versions; those strictly dominated by another are dropped.
     * @return the lattice.
     */
    public static SingleKeyCausalLattice of(final Collection<Version> versions)
    {
        return new SingleKeyCausalLattice(new TreeSet<>(versions));
    }

    /**
     * @return {@link LatticeType#SINGLE_KEY_CAUSAL}.
     */
    public LatticeType type()
    {
        return LatticeType.SINGLE_KEY_CAUSAL;
    }

    /**
     * @return the pointwise maximum of the versions' clocks: the clock a writer that has read this
     * value increments for its next write.
     */
    public VectorClock mergedClock()
    {
        return Antichain.mergedClock(versions, Version::clock);
    }

    /**
     * @return the concurrent values, in the order of the versions.
     */
    public List<Bytes> values()
    {
        final List<Bytes> values = new ArrayList<>(versions.size());
        for (final Version version : versions)
        {
            values.add(version.value());
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * @param other a lattice of the same type.
     * @return the maximal versions of the union.
     */
    public SingleKeyCausalLattice merge(final SingleKeyCausalLattice other)
    {
        final List<Version> union = new ArrayList<>(versions.size() + other.versions.size());
        union.addAll(versions);
        union.addAll(other.versions);
        return new SingleKeyCausalLattice(new TreeSet<>(union));
    }

    /**
     * @param other a lattice of the same type.
     * @return true if every version of this lattice is a version of {@code other} or has a clock
     * strictly dominated by the clock of a version of {@code other}.
     */
    public boolean leq(final SingleKeyCausalLattice other)
    {
        return Antichain.leq(versions, other.versions, Version::clock);
    }
}
