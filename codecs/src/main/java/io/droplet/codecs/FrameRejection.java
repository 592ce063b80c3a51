package io.droplet.codecs;

/**
 * Why {@link FrameValidator} rejected an inbound frame. {@link #NONE} means the frame is valid.
 * <p>
 * The ordinal is stable within a release and is used to index per-reason counters.
 */
public enum FrameRejection
{
    /** The frame is valid. */
    NONE,
    /** Fewer bytes than a message header. */
    TRUNCATED_HEADER,
    /** The header names another schema. */
    WRONG_SCHEMA,
    /** The template id is not in the schema. */
    UNKNOWN_TEMPLATE,
    /** The schema version is newer than this build understands, or zero. */
    UNSUPPORTED_VERSION,
    /** The frame is larger than the configured maximum. */
    FRAME_TOO_LARGE,
    /** A root or group block length differs from the schema's for that version. */
    WRONG_BLOCK_LENGTH,
    /** A block, group header, var-data header or var-data body reaches past the end of the frame. */
    LENGTH_PAST_END,
    /** A repeating group declares more entries than the configured limit. */
    GROUP_COUNT_OVER_LIMIT,
    /** A var-data field is longer than the configured limit. */
    VAR_DATA_TOO_LONG,
    /** An enum field holds a value the schema does not define. */
    INVALID_ENUM_VALUE,
    /** Bytes remain after the last field of the message. */
    TRAILING_BYTES,
    /** Sent by a source that has not authenticated (no node token, no session of this image): dropped unread. */
    UNAUTHENTICATED,
    /** A handshake that failed: unknown identity, wrong proof, replayed or expired nonce. */
    AUTHENTICATION_FAILED,
    /** An authenticated client asked for an action it is not granted, or named something outside its namespace. */
    FORBIDDEN;

    private static final FrameRejection[] VALUES = values();

    /**
     * @param ordinal of a rejection.
     * @return the rejection with that ordinal.
     */
    public static FrameRejection get(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /**
     * @return the number of distinct rejections, {@link #NONE} included.
     */
    public static int count()
    {
        return VALUES.length;
    }
}
