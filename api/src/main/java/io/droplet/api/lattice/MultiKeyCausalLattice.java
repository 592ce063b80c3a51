package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A causally consistent value whose versions also carry their dependencies: the clocks of the
 * versions of other keys the writer had read, which a reader must see before this version for a
 * causally consistent cut across keys.
 * <p>
 * The merge is {@link SingleKeyCausalLattice}'s: the union of the versions, then every version whose
 * clock is strictly dominated by another version's clock is dropped. Versions are whole (clock,
 * dependencies, value) tuples; two versions with equal clocks but different dependencies or values
 * are concurrent and both stay. The order is the same as for {@link SingleKeyCausalLattice}.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param versions unmodifiable, an antichain, in the order of their encodings.
 */
public record MultiKeyCausalLattice(SortedSet<MultiKeyCausalLattice.Version> versions) implements Lattice
{
    /** No versions, the bottom of the lattice. */
    public static final MultiKeyCausalLattice EMPTY = new MultiKeyCausalLattice(Collections.emptySortedSet());

    /**
     * A value, the vector clock of its write and its dependencies, ordered as their encodings (clock,
     * dependencies, value) are.
     * <p>
     * <b>Note:</b> immutable and thread-safe.
     *
     * @param clock        of the write.
     * @param dependencies the clock of each key read before the write, unmodifiable, keys in code
     *                     point order.
     * @param value        written.
     */
    public record Version(VectorClock clock, SortedMap<String, VectorClock> dependencies, Bytes value)
        implements Comparable<Version>
    {
        /**
         * Copies the dependencies into key order.
         *
         * @param clock        of the write, not null.
         * @param dependencies not null, no null clocks, keys without unpaired surrogates.
         * @param value        written, not null.
         */
        public Version
        {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(value, "value");
            final TreeMap<String, VectorClock> copy = new TreeMap<>(Keys.ORDER);
            for (final Map.Entry<String, VectorClock> entry : dependencies.entrySet())
            {
                copy.put(Keys.requireWellFormed(entry.getKey()), Objects.requireNonNull(entry.getValue(), "clock"));
            }
            dependencies = Collections.unmodifiableSortedMap(copy);
        }

        /**
         * @param clock        of the write.
         * @param dependencies the clock of each key read before the write, in any order.
         * @param value        written, copied.
         * @return the version.
         */
        public static Version of(
            final VectorClock clock, final Map<String, VectorClock> dependencies, final byte[] value)
        {
            final TreeMap<String, VectorClock> copy = new TreeMap<>(Keys.ORDER);
            copy.putAll(dependencies);
            return new Version(clock, copy, Bytes.of(value));
        }

        /**
         * Follows the encoding field by field: a difference in a length or count decides the byte
         * comparison inside that field, so later fields are compared only when it is equal.
         *
         * @param other version.
         * @return the order of the two versions' encodings, unsigned lexicographic.
         */
        public int compareTo(final Version other)
        {
            int result = VectorClock.compareEncoded(clock, other.clock);
            if (0 == result)
            {
                result = VectorClock.compareLittleEndian(dependencies.size(), other.dependencies.size());
            }
            final Iterator<Map.Entry<String, VectorClock>> mine = dependencies.entrySet().iterator();
            final Iterator<Map.Entry<String, VectorClock>> theirs = other.dependencies.entrySet().iterator();
            while (0 == result && mine.hasNext())
            {
                final Map.Entry<String, VectorClock> a = mine.next();
                final Map.Entry<String, VectorClock> b = theirs.next();
                result = VectorClock.compareLittleEndian(Keys.utf8Length(a.getKey()), Keys.utf8Length(b.getKey()));
                if (0 == result)
                {
                    result = Keys.compare(a.getKey(), b.getKey());
                }
                if (0 == result)
                {
                    result = VectorClock.compareEncoded(a.getValue(), b.getValue());
                }
            }
            return 0 == result ? Bytes.compareEncoded(value, other.value) : result;
        }
    }

    /**
     * Keeps the maximal versions: those whose clock no other version's clock strictly dominates.
     *
     * @param versions any versions, not null.
     */
    public MultiKeyCausalLattice
    {
        versions = Antichain.maximal(versions, Version::clock);
    }

    /**
     * @param versions any versions; those strictly dominated by another are dropped.
     * @return the lattice.
     */
    public static MultiKeyCausalLattice of(final Collection<Version> versions)
    {
        return new MultiKeyCausalLattice(new TreeSet<>(versions));
    }

    /**
     * @param clock        of the write.
     * @param dependencies the clock of each key read before the write.
     * @param value        written, copied.
     * @return a lattice of one version.
     */
    public static MultiKeyCausalLattice of(
        final VectorClock clock, final Map<String, VectorClock> dependencies, final byte[] value)
    {
        return of(List.of(Version.of(clock, dependencies, value)));
    }

    /**
     * @return {@link LatticeType#MULTI_KEY_CAUSAL}.
     */
    public LatticeType type()
    {
        return LatticeType.MULTI_KEY_CAUSAL;
    }

    /**
     * @return the pointwise maximum of the versions' clocks.
     */
    public VectorClock mergedClock()
    {
        return Antichain.mergedClock(versions, Version::clock);
    }

    /**
     * @return the pointwise maximum of the versions' dependencies, key by key: what a reader must
     * have seen of other keys before showing any version of this one.
     */
    public SortedMap<String, VectorClock> mergedDependencies()
    {
        final TreeMap<String, VectorClock> merged = new TreeMap<>(Keys.ORDER);
        for (final Version version : versions)
        {
            for (final Map.Entry<String, VectorClock> entry : version.dependencies().entrySet())
            {
                merged.merge(entry.getKey(), entry.getValue(), VectorClock::merge);
            }
        }
        return Collections.unmodifiableSortedMap(merged);
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
    public MultiKeyCausalLattice merge(final MultiKeyCausalLattice other)
    {
        final List<Version> union = new ArrayList<>(versions.size() + other.versions.size());
        union.addAll(versions);
        union.addAll(other.versions);
        return new MultiKeyCausalLattice(new TreeSet<>(union));
    }

    /**
     * @param other a lattice of the same type.
     * @return true if every version of this lattice is a version of {@code other} or has a clock
     * strictly dominated by the clock of a version of {@code other}.
     */
    public boolean leq(final MultiKeyCausalLattice other)
    {
        return Antichain.leq(versions, other.versions, Version::clock);
    }
}
