package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Keys mapped to lattices, which may be of different types under different keys, maps included (at
 * most {@link LatticeValidator#MAX_MAP_DEPTH} maps deep). The merge is the union of the keys,
 * merging the values of a key both sides hold; those values must be of the same type. The order:
 * every key of this map is in the other, with a value below or equal to the other's.
 * <p>
 * Keys are text, ordered by their UTF-8 bytes (code point order), as they are encoded.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param entries unmodifiable, ordered by key in code point order.
 */
public record MapLattice(SortedMap<String, Lattice> entries) implements Lattice
{
    /** The empty map, the bottom of the lattice. */
    public static final MapLattice EMPTY = new MapLattice(Collections.emptySortedMap());

    /**
     * Copies the entries into a map in key order.
     *
     * @param entries no null values, keys without unpaired surrogates.
     * @throws IllegalArgumentException if a key cannot be encoded as UTF-8 or maps nest too deep.
     */
    public MapLattice
    {
        final TreeMap<String, Lattice> copy = new TreeMap<>(Keys.ORDER);
        for (final Map.Entry<String, Lattice> entry : entries.entrySet())
        {
            copy.put(Keys.requireWellFormed(entry.getKey()), Objects.requireNonNull(entry.getValue(), "value"));
        }
        final int depth = 1 + childDepth(copy);
        if (depth > LatticeValidator.MAX_MAP_DEPTH)
        {
            throw new IllegalArgumentException("maps nest " + depth + " deep, at most " +
                LatticeValidator.MAX_MAP_DEPTH + " allowed");
        }
        entries = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * @param entries of the map, in any order.
     * @return the map.
     */
    public static MapLattice of(final Map<String, ? extends Lattice> entries)
    {
        final TreeMap<String, Lattice> copy = new TreeMap<>(Keys.ORDER);
        copy.putAll(entries);
        return new MapLattice(copy);
    }

    /**
     * @param key   the only key.
     * @param value its value.
     * @return a map of one entry.
     */
    public static MapLattice of(final String key, final Lattice value)
    {
        return new MapLattice(new TreeMap<>(Map.of(key, value)));
    }

    /**
     * @return {@link LatticeType#MAP}.
     */
    public LatticeType type()
    {
        return LatticeType.MAP;
    }

    /**
     * @param key to look up.
     * @return its value, or null.
     */
    public Lattice get(final String key)
    {
        return entries.get(key);
    }

    /**
     * @param other a lattice of the same type.
     * @return the union of the keys, values under common keys merged.
     * @throws IllegalArgumentException if a common key holds values of different types.
     */
    public MapLattice merge(final MapLattice other)
    {
        final TreeMap<String, Lattice> merged = new TreeMap<>(Keys.ORDER);
        merged.putAll(entries);
        for (final Map.Entry<String, Lattice> entry : other.entries.entrySet())
        {
            merged.merge(entry.getKey(), entry.getValue(), Lattice::merge);
        }
        return new MapLattice(merged);
    }

    /**
     * @param other a lattice of the same type.
     * @return true if every key of this map is in {@code other} with a value of the same type, below
     * or equal to {@code other}'s.
     */
    public boolean leq(final MapLattice other)
    {
        for (final Map.Entry<String, Lattice> entry : entries.entrySet())
        {
            final Lattice theirs = other.entries.get(entry.getKey());
            if (null == theirs || !Lattice.leq(entry.getValue(), theirs))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return how many maps deep {@code lattice} nests: 0 for a non-map.
     */
    static int depth(final Lattice lattice)
    {
        return lattice instanceof MapLattice ? 1 + childDepth(((MapLattice)lattice).entries) : 0;
    }

    private static int childDepth(final Map<String, Lattice> entries)
    {
        int depth = 0;
        for (final Lattice value : entries.values())
        {
            depth = Math.max(depth, depth(value));
        }
        return depth;
    }
}
