package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.Objects;

/**
 * The value with the lowest priority written, as in Anna's priority lattice: a running minimum with
 * a payload (the shortest path found so far, the best offer, ...). Priorities are compared with
 * {@link Double#compare}, a total order (-0.0 before 0.0, NaN after everything), so even NaN keeps
 * the merge laws. On equal priorities the larger value wins, so the merge is commutative.
 * <p>
 * The lattice order is therefore the reverse of the priority order: a lattice grows as its priority
 * falls.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param priority lower wins.
 * @param value    the payload.
 */
public record PriorityLattice(double priority, Bytes value) implements Lattice
{
    /**
     * Makes every NaN the canonical NaN, which is the only one the encoding allows.
     *
     * @param priority lower wins.
     * @param value    the payload, not null.
     */
    public PriorityLattice
    {
        Objects.requireNonNull(value, "value");
        priority = Double.longBitsToDouble(Double.doubleToLongBits(priority));
    }

    /**
     * @param priority lower wins.
     * @param value    the payload, copied.
     */
    public PriorityLattice(final double priority, final byte[] value)
    {
        this(priority, Bytes.of(value));
    }

    /**
     * @param priority lower wins.
     * @param value    the payload, copied.
     * @return the lattice.
     */
    public static PriorityLattice of(final double priority, final byte[] value)
    {
        return new PriorityLattice(priority, Bytes.of(value));
    }

    /**
     * @return {@link LatticeType#PRIORITY}.
     */
    public LatticeType type()
    {
        return LatticeType.PRIORITY;
    }

    /**
     * @param other a lattice of the same type.
     * @return the one with the lower priority; on a tie, the one with the larger value.
     */
    public PriorityLattice merge(final PriorityLattice other)
    {
        final int byPriority = Double.compare(priority, other.priority);
        if (byPriority != 0)
        {
            return byPriority < 0 ? this : other;
        }
        return value.compareTo(other.value) >= 0 ? this : other;
    }

    /**
     * @param other a lattice of the same type.
     * @return true if {@code other} has a lower priority, or the same priority and a value not
     * smaller than this one's.
     */
    public boolean leq(final PriorityLattice other)
    {
        final int byPriority = Double.compare(other.priority, priority);
        return byPriority < 0 || (0 == byPriority && value.compareTo(other.value) <= 0);
    }
}
