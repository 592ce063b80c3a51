package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A grow-only set of ranked elements, iterated in rank order: a log, a leaderboard, a list built by
 * concurrent appenders who each pick a rank. The merge is the union; two entries are the same only
 * if both rank and element are equal, so one element may appear at several ranks.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param entries unmodifiable, in {@link Entry} order.
 */
public record OrderedSetLattice(SortedSet<OrderedSetLattice.Entry> entries) implements Lattice
{
    /** The empty set, the bottom of the lattice. */
    public static final OrderedSetLattice EMPTY = new OrderedSetLattice(Collections.emptySortedSet());

    /**
     * An element and its rank, ordered by rank (signed), then element.
     * <p>
     * <b>Note:</b> immutable and thread-safe.
     *
     * @param rank    position in the set's order.
     * @param element the element.
     */
    public record Entry(long rank, Bytes element) implements Comparable<Entry>
    {
        /**
         * @param rank    position in the set's order.
         * @param element the element, not null.
         */
        public Entry
        {
            Objects.requireNonNull(element, "element");
        }

        /**
         * @param rank    position in the set's order.
         * @param element the element, copied.
         * @return the entry.
         */
        public static Entry of(final long rank, final byte[] element)
        {
            return new Entry(rank, Bytes.of(element));
        }

        /**
         * @param other entry.
         * @return the order by rank, then element.
         */
        public int compareTo(final Entry other)
        {
            final int byRank = Long.compare(rank, other.rank);
            return byRank != 0 ? byRank : element.compareTo(other.element);
        }
    }

    /**
     * Copies the entries into a set in {@link Entry} order.
     *
     * @param entries not null, without null entries.
     */
    public OrderedSetLattice
    {
        // addAll rather than the copy constructor: a SortedSet argument would lend us its comparator.
        final TreeSet<Entry> copy = new TreeSet<>();
        for (final Entry entry : entries)
        {
            copy.add(Objects.requireNonNull(entry, "entry"));
        }
        entries = Collections.unmodifiableSortedSet(copy);
    }

    /**
     * @param entries of the set, in any order, duplicates allowed.
     * @return the set.
     */
    public static OrderedSetLattice of(final Collection<Entry> entries)
    {
        return new OrderedSetLattice(new TreeSet<>(entries));
    }

    /**
     * @return {@link LatticeType#ORDERED_SET}.
     */
    public LatticeType type()
    {
        return LatticeType.ORDERED_SET;
    }

    /**
     * @param other a lattice of the same type.
     * @return the union.
     */
    public OrderedSetLattice merge(final OrderedSetLattice other)
    {
        final TreeSet<Entry> union = new TreeSet<>(entries);
        union.addAll(other.entries);
        return new OrderedSetLattice(union);
    }

    /**
     * @param other a lattice of the same type.
     * @return true if every entry of this set is in {@code other}.
     */
    public boolean leq(final OrderedSetLattice other)
    {
        return other.entries.containsAll(entries);
    }
}
