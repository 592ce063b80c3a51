package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

/**
 * A flag that, once set by any writer, stays set: false below true.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param value whether the flag is set.
 */
public record BoolLattice(boolean value) implements Lattice
{
    /** The unset flag, the bottom of the lattice. */
    public static final BoolLattice FALSE = new BoolLattice(false);
    /** The set flag, the top of the lattice. */
    public static final BoolLattice TRUE = new BoolLattice(true);

    /**
     * @param value whether the flag is set.
     * @return the lattice.
     */
    public static BoolLattice of(final boolean value)
    {
        return value ? TRUE : FALSE;
    }

    /**
     * @return {@link LatticeType#BOOL}.
     */
    public LatticeType type()
    {
        return LatticeType.BOOL;
    }

    /**
     * @param other a lattice of the same type.
     * @return set if either is set.
     */
    public BoolLattice merge(final BoolLattice other)
    {
        return value ? this : other;
    }

    /**
     * @param other a lattice of the same type.
     * @return false only if this is set and {@code other} is not.
     */
    public boolean leq(final BoolLattice other)
    {
        return !value || other.value;
    }
}
