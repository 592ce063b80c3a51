package io.droplet.codecs;

/**
 * Limits an inbound frame must respect on top of the schema's own structure.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param maxFrameLength   largest frame accepted, header included.
 * @param maxGroupCount    most entries accepted in one repeating group.
 * @param maxVarDataLength longest var-data field accepted.
 */
public record FrameLimits(int maxFrameLength, int maxGroupCount, int maxVarDataLength)
{
    /** Default largest frame: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1024 * 1024;
    /** Default most entries in a group. */
    public static final int DEFAULT_MAX_GROUP_COUNT = 4096;

    /** Limits suitable for most deployments: 1 MiB frames, 4096 group entries. */
    public static final FrameLimits DEFAULT =
        new FrameLimits(DEFAULT_MAX_FRAME_LENGTH, DEFAULT_MAX_GROUP_COUNT, DEFAULT_MAX_FRAME_LENGTH);

    /**
     * Validates the limits.
     */
    public FrameLimits
    {
        if (maxFrameLength < 8 || maxGroupCount < 0 || maxVarDataLength < 0)
        {
            throw new IllegalArgumentException(
                "invalid frame limits: maxFrameLength=" + maxFrameLength +
                " maxGroupCount=" + maxGroupCount + " maxVarDataLength=" + maxVarDataLength);
        }
    }
}
