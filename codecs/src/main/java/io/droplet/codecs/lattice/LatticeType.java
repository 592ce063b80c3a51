package io.droplet.codecs.lattice;

/**
 * The tag byte that starts every encoded lattice; the layout that follows it is described in the
 * package documentation.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public enum LatticeType
{
    /** Last writer wins: a value stamped with (timestamp, writer node id). */
    LWW(1),
    /** Grow-only set of byte strings. */
    SET(2),
    /** Largest signed 64-bit integer seen. */
    MAX(3),
    /** A flag that, once set, stays set. */
    BOOL(4),
    /** Keys mapped to nested lattices, merged key by key. */
    MAP(5),
    /** Grow-only set of (rank, byte string) entries, kept in rank order. */
    ORDERED_SET(6),
    /** The value with the lowest priority seen. */
    PRIORITY(7),
    /** Per-node event counters, merged by pointwise maximum. */
    VECTOR_CLOCK(8),
    /** Causally consistent value of one key: the concurrent versions not yet overwritten. */
    SINGLE_KEY_CAUSAL(9),
    /** Causally consistent value whose versions also name the versions of other keys they depend on. */
    MULTI_KEY_CAUSAL(10);

    private static final LatticeType[] BY_TAG = new LatticeType[256];

    static
    {
        for (final LatticeType type : values())
        {
            BY_TAG[type.tag] = type;
        }
    }

    private final byte tag;

    LatticeType(final int tag)
    {
        this.tag = (byte)tag;
    }

    /**
     * @return the tag byte on the wire.
     */
    public byte tag()
    {
        return tag;
    }

    /**
     * @param tag read from the wire.
     * @return the type, or null for an unknown tag.
     */
    public static LatticeType ofTag(final byte tag)
    {
        return BY_TAG[tag & 0xFF];
    }
}
