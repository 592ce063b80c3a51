package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A grow-only set of byte strings: the merge is the union, the order is inclusion.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param elements unmodifiable, in {@link Bytes} order.
 */
public record SetLattice(SortedSet<Bytes> elements) implements Lattice
{
    /** The empty set, the bottom of the lattice. */
    public static final SetLattice EMPTY = new SetLattice(Collections.emptySortedSet());

    /**
     * Copies the elements into a set in {@link Bytes} order, whatever order {@code elements} had.
     *
     * @param elements not null, without null elements.
     */
    public SetLattice
    {
        // addAll rather than the copy constructor: a SortedSet argument would lend us its comparator.
        final TreeSet<Bytes> copy = new TreeSet<>();
        for (final Bytes element : elements)
        {
            copy.add(Objects.requireNonNull(element, "element"));
        }
        elements = Collections.unmodifiableSortedSet(copy);
    }

    /**
     * @param elements of the set, in any order, duplicates allowed.
     * @return the set.
     */
    public static SetLattice of(final Collection<Bytes> elements)
    {
        return new SetLattice(new TreeSet<>(elements));
    }

    /**
     * @param elements of the set, each copied.
     * @return the set.
     */
    public static SetLattice of(final byte[]... elements)
    {
        final TreeSet<Bytes> set = new TreeSet<>();
        for (final byte[] element : elements)
        {
            set.add(Bytes.of(element));
        }
        return new SetLattice(set);
    }

    /**
     * @return {@link LatticeType#SET}.
     */
    public LatticeType type()
    {
        return LatticeType.SET;
    }

    /**
     * @param element to look for.
     * @return true if the set holds it.
     */
    public boolean contains(final Bytes element)
    {
        return elements.contains(element);
    }

    /**
     * @param other a lattice of the same type.
     * @return the union.
     */
    public SetLattice merge(final SetLattice other)
    {
        final TreeSet<Bytes> union = new TreeSet<>(elements);
        union.addAll(other.elements);
        return new SetLattice(union);
    }

    /**
     * @param other a lattice of the same type.
     * @return true if every element of this set is in {@code other}.
     */
    public boolean leq(final SetLattice other)
    {
        return other.elements.containsAll(elements);
    }
}
