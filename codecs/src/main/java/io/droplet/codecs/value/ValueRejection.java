package io.droplet.codecs.value;

/**
 * Why {@link ValueValidator} rejected an encoded value. {@link #NONE} means it is valid.
 */
public enum ValueRejection
{
    /** The value is valid. */
    NONE,
    /** No bytes where a value was expected, or an empty encoding. */
    EMPTY,
    /** A tag that is not a {@link ValueType}. */
    UNKNOWN_TYPE,
    /** A length, count or payload reaches past the end. */
    LENGTH_PAST_END,
    /** A negative length or count. */
    NEGATIVE_LENGTH,
    /** Containers nested deeper than allowed. */
    TOO_DEEP,
    /** A container's declared body length differs from the values it holds. */
    CONTAINER_LENGTH_MISMATCH,
    /** Bytes remain after the value. */
    TRAILING_BYTES
}
