package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generators of lattices of every type that force ties: every field is drawn from a small domain
 * (timestamps and node ids from {0, 1, 2}, a handful of short byte strings, clocks over three nodes
 * with counters 0..2), so equal stamps, equal and concurrent clocks, shared keys and shared elements
 * are frequent. Map values have one type per key name, at every depth, so any two generated maps
 * merge without a type mismatch.
 */
final class LatticeGenerators
{
    /** Byte strings with common prefixes, high bytes (unsigned order) and lengths around 8 (the compare stride). */
    private static final byte[][] BYTES = {
        {},
        {'a'},
        {'a', 'b'},
        {'b'},
        {(byte)0x80},
        {(byte)0xFF, 0},
        {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'},
        {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 1},
        {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte)0xF0, 1},
    };

    private static final long[] LONGS = {0, 1, 2, -1, Long.MIN_VALUE, Long.MAX_VALUE};

    private static final double[] PRIORITIES = {
        0.0, -0.0, 1.0, 1.0, -1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    /** Clock nodes: negative ids check the signed order. */
    private static final long[] NODES = {1, 2, -3};

    /**
     * Map keys and the one type each holds. Includes U+FFFF and U+1D11E, which UTF-16 order sorts the
     * other way round from UTF-8 byte order.
     */
    private static final String[] MAP_KEYS = {
        "", "a", "b", "ab", "\u00e9", "\uffff", "\ud834\udd1e", "z", "vc", "mk"};
    private static final LatticeType[] MAP_KEY_TYPES = {
        LatticeType.BOOL, LatticeType.LWW, LatticeType.SET, LatticeType.MAX, LatticeType.PRIORITY,
        LatticeType.MAP, LatticeType.SINGLE_KEY_CAUSAL, LatticeType.ORDERED_SET, LatticeType.VECTOR_CLOCK,
        LatticeType.MULTI_KEY_CAUSAL};

    private static final String[] DEPENDENCY_KEYS = {"k", "l", "\ud834\udd1e", "\uffff"};

    private static final int MAX_GENERATED_MAP_DEPTH = 3;

    private LatticeGenerators()
    {
    }

    /**
     * @param type of the lattices generated.
     * @return a generator of lattices of that type.
     */
    static Gen<Lattice> of(final LatticeType type)
    {
        final Gen<Lattice> gen = in -> lattice(in, type, 1);
        return gen.describedAs(LatticeGenerators::describe);
    }

    /**
     * @return a generator of lattices of any type.
     */
    static Gen<Lattice> any()
    {
        final LatticeType[] types = LatticeType.values();
        final Gen<Lattice> gen = in -> lattice(in, types[pick(in, types.length)], 1);
        return gen.describedAs(LatticeGenerators::describe);
    }

    static String describe(final Lattice lattice)
    {
        return lattice.toString();
    }

    static Lattice lattice(final RandomnessSource in, final LatticeType type, final int mapDepth)
    {
        switch (type)
        {
            case LWW:
                return new LwwLattice(between(in, 0, 2), between(in, 0, 2), bytes(in));
            case SET:
            {
                final List<Bytes> elements = new ArrayList<>();
                for (int i = 0, n = between(in, 0, 4); i < n; i++)
                {
                    elements.add(bytes(in));
                }
                return SetLattice.of(elements);
            }
            case MAX:
                return MaxLattice.of(LONGS[pick(in, LONGS.length)]);
            case BOOL:
                return BoolLattice.of(between(in, 0, 1) == 1);
            case MAP:
                return map(in, mapDepth);
            case ORDERED_SET:
            {
                final List<OrderedSetLattice.Entry> entries = new ArrayList<>();
                for (int i = 0, n = between(in, 0, 4); i < n; i++)
                {
                    entries.add(new OrderedSetLattice.Entry(between(in, -1, 1), bytes(in)));
                }
                return OrderedSetLattice.of(entries);
            }
            case PRIORITY:
                return new PriorityLattice(PRIORITIES[pick(in, PRIORITIES.length)], bytes(in));
            case VECTOR_CLOCK:
                return clock(in);
            case SINGLE_KEY_CAUSAL:
            {
                final List<SingleKeyCausalLattice.Version> versions = new ArrayList<>();
                for (int i = 0, n = between(in, 0, 3); i < n; i++)
                {
                    versions.add(new SingleKeyCausalLattice.Version(clock(in), smallValue(in)));
                }
                return SingleKeyCausalLattice.of(versions);
            }
            case MULTI_KEY_CAUSAL:
            default:
            {
                final List<MultiKeyCausalLattice.Version> versions = new ArrayList<>();
                for (int i = 0, n = between(in, 0, 3); i < n; i++)
                {
                    final VectorClock clock = clock(in);
                    final TreeMap<String, VectorClock> dependencies = new TreeMap<>();
                    for (int d = 0, count = between(in, 0, 2); d < count; d++)
                    {
                        dependencies.put(DEPENDENCY_KEYS[pick(in, DEPENDENCY_KEYS.length)], clock(in));
                    }
                    versions.add(new MultiKeyCausalLattice.Version(clock, dependencies, smallValue(in)));
                }
                return MultiKeyCausalLattice.of(versions);
            }
        }
    }

    private static MapLattice map(final RandomnessSource in, final int depth)
    {
        final Map<String, Lattice> entries = new TreeMap<>();
        for (int i = 0, n = between(in, 0, 3); i < n; i++)
        {
            final int key = pick(in, MAP_KEYS.length);
            final LatticeType type = MAP_KEY_TYPES[key];
            if (type != LatticeType.MAP || depth < MAX_GENERATED_MAP_DEPTH)
            {
                entries.put(MAP_KEYS[key], lattice(in, type, depth + 1));
            }
        }
        return MapLattice.of(entries);
    }

    static VectorClock clock(final RandomnessSource in)
    {
        VectorClock clock = VectorClock.EMPTY;
        for (final long node : NODES)
        {
            // Counter 0 leaves the node out: absent and zero are the same clock.
            clock = clock.with(node, between(in, 0, 2));
        }
        return clock;
    }

    static Bytes bytes(final RandomnessSource in)
    {
        return Bytes.of(BYTES[pick(in, BYTES.length)]);
    }

    /**
     * Few values, so that versions equal in clock and value, or in clock only, are frequent.
     */
    private static Bytes smallValue(final RandomnessSource in)
    {
        return Bytes.ofUtf8(between(in, 0, 1) == 0 ? "x" : "y");
    }

    static int between(final RandomnessSource in, final int min, final int max)
    {
        return (int)in.next(Constraint.between(min, max));
    }

    static int pick(final RandomnessSource in, final int size)
    {
        return between(in, 0, size - 1);
    }
}
