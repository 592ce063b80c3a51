package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.Objects;

/**
 * Last writer wins: a value stamped with the time it was written and the node that wrote it. The
 * merge keeps the larger of (timestamp, node, value), compared in that order: timestamps and node
 * ids as signed integers, values as {@link Bytes}.
 * <p>
 * Anna keeps the right-hand side when timestamps are equal, which makes the merge order-dependent
 * when two writers pick the same timestamp. Breaking ties by node id, then by value, makes the order
 * total, so every replica picks the same winner whatever order the writes arrive in.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param timestamp when the value was written, in a clock of the writer's choice (usually epoch
 *                  milliseconds or a hybrid logical clock).
 * @param node      id of the writer.
 * @param value     the value.
 */
public record LwwLattice(long timestamp, long node, Bytes value) implements Lattice
{
    /**
     * @param timestamp when the value was written.
     * @param node      id of the writer.
     * @param value     the value, not null.
     */
    public LwwLattice
    {
        Objects.requireNonNull(value, "value");
    }

    /**
     * @param timestamp when the value was written.
     * @param node      id of the writer.
     * @param value     the value, copied.
     */
    public LwwLattice(final long timestamp, final long node, final byte[] value)
    {
        this(timestamp, node, Bytes.of(value));
    }

    /**
     * @param timestamp when the value was written.
     * @param node      id of the writer.
     * @param value     the value, copied.
     * @return the lattice.
     */
    public static LwwLattice of(final long timestamp, final long node, final byte[] value)
    {
        return new LwwLattice(timestamp, node, Bytes.of(value));
    }

    /**
     * @return {@link LatticeType#LWW}.
     */
    public LatticeType type()
    {
        return LatticeType.LWW;
    }

    /**
     * @param other a lattice of the same type.
     * @return the later of the two writes.
     */
    public LwwLattice merge(final LwwLattice other)
    {
        return compareWrite(other) >= 0 ? this : other;
    }

    /**
     * @param other a lattice of the same type.
     * @return true if this write is not later than {@code other}.
     */
    public boolean leq(final LwwLattice other)
    {
        if (timestamp != other.timestamp)
        {
            return timestamp < other.timestamp;
        }
        if (node != other.node)
        {
            return node < other.node;
        }
        return value.compareTo(other.value) <= 0;
    }

    private int compareWrite(final LwwLattice other)
    {
        int result = Long.compare(timestamp, other.timestamp);
        if (0 == result)
        {
            result = Long.compare(node, other.node);
        }
        return 0 == result ? value.compareTo(other.value) : result;
    }
}
