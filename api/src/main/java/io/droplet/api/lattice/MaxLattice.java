package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

/**
 * The largest signed 64-bit integer written: a monotonic counter or high-water mark.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param value the largest value seen.
 */
public record MaxLattice(long value) implements Lattice
{
    /**
     * @param value the value.
     * @return the lattice.
     */
    public static MaxLattice of(final long value)
    {
        return new MaxLattice(value);
    }

    /**
     * @return {@link LatticeType#MAX}.
     */
    public LatticeType type()
    {
        return LatticeType.MAX;
    }

    /**
     * @param other a lattice of the same type.
     * @return the larger of the two.
     */
    public MaxLattice merge(final MaxLattice other)
    {
        return value >= other.value ? this : other;
    }

    /**
     * @param other a lattice of the same type.
     * @return true if this value is not larger than {@code other}'s.
     */
    public boolean leq(final MaxLattice other)
    {
        return value <= other.value;
    }
}
