package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

/**
 * A value of the lattice key-value store: an element of a join semilattice. Writes are merges, and a
 * merge is associative, commutative and idempotent, so replicas that see the same writes in any
 * order, any number of times, converge to the same value.
 * <p>
 * Each implementation is an immutable value (a record, except {@link VectorClock}) with a typed
 * {@code merge} (the join, the least upper bound) and {@code leq} (the partial order of the lattice,
 * written independently of the merge so each can check the other: {@code a.leq(b)} exactly when
 * {@code a.merge(b).equals(b)}, wherever the merge is defined). Instances
 * are always in canonical form, so {@code equals} is lattice equality and the encoding of
 * {@link LatticeCodec} is unique. {@link #merge(Lattice, Lattice)} and
 * {@link #leq(Lattice, Lattice)} dispatch on the runtime type for code that holds lattices of any
 * type, such as {@link MapLattice}.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public sealed interface Lattice
    permits LwwLattice, SetLattice, MaxLattice, BoolLattice, MapLattice, OrderedSetLattice, PriorityLattice,
    VectorClock, SingleKeyCausalLattice, MultiKeyCausalLattice
{
    /**
     * @return the type, which is also the tag of the encoding.
     */
    LatticeType type();

    /**
     * Merges two lattices of the same type.
     *
     * @param a a lattice.
     * @param b a lattice of the same type.
     * @return the least upper bound of {@code a} and {@code b}.
     * @throws IllegalArgumentException if the types differ, here or in values nested under the same
     *                                  map key.
     */
    static Lattice merge(final Lattice a, final Lattice b)
    {
        if (a.type() != b.type())
        {
            throw new IllegalArgumentException("cannot merge " + a.type() + " with " + b.type());
        }
        switch (a.type())
        {
            case LWW:
                return ((LwwLattice)a).merge((LwwLattice)b);
            case SET:
                return ((SetLattice)a).merge((SetLattice)b);
            case MAX:
                return ((MaxLattice)a).merge((MaxLattice)b);
            case BOOL:
                return ((BoolLattice)a).merge((BoolLattice)b);
            case MAP:
                return ((MapLattice)a).merge((MapLattice)b);
            case ORDERED_SET:
                return ((OrderedSetLattice)a).merge((OrderedSetLattice)b);
            case PRIORITY:
                return ((PriorityLattice)a).merge((PriorityLattice)b);
            case VECTOR_CLOCK:
                return ((VectorClock)a).merge((VectorClock)b);
            case SINGLE_KEY_CAUSAL:
                return ((SingleKeyCausalLattice)a).merge((SingleKeyCausalLattice)b);
            case MULTI_KEY_CAUSAL:
            default:
                return ((MultiKeyCausalLattice)a).merge((MultiKeyCausalLattice)b);
        }
    }

    /**
     * The lattice order across types: lattices of different types are unordered.
     *
     * @param a a lattice.
     * @param b a lattice.
     * @return true if {@code a} and {@code b} have the same type and {@code a} is below or equal to
     * {@code b}.
     */
    static boolean leq(final Lattice a, final Lattice b)
    {
        if (a.type() != b.type())
        {
            return false;
        }
        switch (a.type())
        {
            case LWW:
                return ((LwwLattice)a).leq((LwwLattice)b);
            case SET:
                return ((SetLattice)a).leq((SetLattice)b);
            case MAX:
                return ((MaxLattice)a).leq((MaxLattice)b);
            case BOOL:
                return ((BoolLattice)a).leq((BoolLattice)b);
            case MAP:
                return ((MapLattice)a).leq((MapLattice)b);
            case ORDERED_SET:
                return ((OrderedSetLattice)a).leq((OrderedSetLattice)b);
            case PRIORITY:
                return ((PriorityLattice)a).leq((PriorityLattice)b);
            case VECTOR_CLOCK:
                return ((VectorClock)a).leq((VectorClock)b);
            case SINGLE_KEY_CAUSAL:
                return ((SingleKeyCausalLattice)a).leq((SingleKeyCausalLattice)b);
            case MULTI_KEY_CAUSAL:
            default:
                return ((MultiKeyCausalLattice)a).leq((MultiKeyCausalLattice)b);
        }
    }
}
