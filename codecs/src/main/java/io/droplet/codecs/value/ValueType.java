package io.droplet.codecs.value;

/**
 * The tag that starts every encoded value.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public enum ValueType
{
    /** Absent value. */
    NULL(0),
    /** Boolean false. */
    FALSE(1),
    /** Boolean true. */
    TRUE(2),
    /** Signed 64-bit integer. */
    LONG(3),
    /** IEEE 754 double. */
    DOUBLE(4),
    /** UTF-8 text. */
    STRING(5),
    /** Opaque bytes. */
    BYTES(6),
    /** A key in the lattice KVS, resolved by the executor before the function runs. */
    REFERENCE(7),
    /** Ordered values. */
    LIST(8),
    /** Key-value pairs. */
    MAP(9),
    /** A value of a type with a registered codec. */
    EXTENSION(10);

    private static final ValueType[] BY_TAG = new ValueType[256];

    static
    {
        for (final ValueType type : values())
        {
            BY_TAG[type.tag] = type;
        }
    }

    private final byte tag;

    ValueType(final int tag)
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
    public static ValueType ofTag(final byte tag)
    {
        return BY_TAG[tag & 0xFF];
    }
}
