package io.droplet.codecs;

import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.ir.Token;

import java.nio.ByteOrder;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The single gate every inbound frame passes before a generated decoder touches it.
 * <p>
 * It checks, in order: that a header is present; the schema id; that the template id is known; that
 * the version is supported; the frame length against {@link FrameLimits#maxFrameLength()}; that each
 * block (root and group entries) has exactly the schema's length; that every group header, group
 * entry, var-data header and var-data body lies inside the frame; group counts and var-data lengths
 * against the limits; that every enum field holds a value the schema defines; and that no bytes
 * trail the last field. A frame that passes can be decoded by the generated flyweights without any
 * read outside the frame and without an exception.
 * <p>
 * The layout table is compiled once from the schema's IR ({@link WireSchema#ir()}), so a message
 * added to the schema is validated with no code change here.
 * <p>
 * <b>Note:</b> thread-safe and allocation-free after construction; validation keeps no state.
 */
public final class FrameValidator
{
    private static final ByteOrder ORDER = LITTLE_ENDIAN;
    private static final int BLOCK_LENGTH_OFFSET = 0;
    private static final int TEMPLATE_ID_OFFSET = 2;
    private static final int SCHEMA_ID_OFFSET = 4;
    private static final int VERSION_OFFSET = 6;
    private static final int GROUP_HEADER_LENGTH = 4;

    private final FrameLimits limits;
    private final MessageLayout[] layoutsByTemplateId;

    /**
     * A validator for the Droplet schema with the given limits.
     *
     * @param limits beyond the schema's structure.
     */
    public FrameValidator(final FrameLimits limits)
    {
        this.limits = limits;
        int maxTemplateId = 0;
        for (final List<Token> message : WireSchema.ir().messages())
        {
            maxTemplateId = Math.max(maxTemplateId, message.get(0).id());
        }
        layoutsByTemplateId = new MessageLayout[maxTemplateId + 1];
        for (final List<Token> message : WireSchema.ir().messages())
        {
            final MessageLayout layout = MessageLayout.ofMessage(message);
            layoutsByTemplateId[layout.templateId] = layout;
        }
    }

    /**
     * @return the limits this validator enforces.
     */
    public FrameLimits limits()
    {
        return limits;
    }

    /**
     * Validates one frame.
     *
     * @param buffer holding the frame.
     * @param offset of the message header.
     * @param length of the frame, header included.
     * @return {@link FrameRejection#NONE} if the frame is valid, otherwise the first reason it is not.
     */
    public FrameRejection validate(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < WireSchema.HEADER_LENGTH)
        {
            return FrameRejection.TRUNCATED_HEADER;
        }
        if (uint16(buffer, offset + SCHEMA_ID_OFFSET) != WireSchema.SCHEMA_ID)
        {
            return FrameRejection.WRONG_SCHEMA;
        }
        final MessageLayout layout = layout(uint16(buffer, offset + TEMPLATE_ID_OFFSET));
        if (null == layout)
        {
            return FrameRejection.UNKNOWN_TEMPLATE;
        }
        final int version = uint16(buffer, offset + VERSION_OFFSET);
        if (version < 1 || version > WireSchema.SCHEMA_VERSION)
        {
            return FrameRejection.UNSUPPORTED_VERSION;
        }
        if (length > limits.maxFrameLength())
        {
            return FrameRejection.FRAME_TOO_LARGE;
        }
        if (uint16(buffer, offset + BLOCK_LENGTH_OFFSET) != layout.blockLength)
        {
            return FrameRejection.WRONG_BLOCK_LENGTH;
        }

        final int end = offset + length;
        final int result = validateBody(layout, buffer, offset + WireSchema.HEADER_LENGTH, end);
        if (result < 0)
        {
            return FrameRejection.get(-result);
        }

        return result == end ? FrameRejection.NONE : FrameRejection.TRAILING_BYTES;
    }

    /**
     * The template id of a frame that has at least a header, for counting and diagnostics.
     *
     * @param buffer holding the frame.
     * @param offset of the message header.
     * @param length of the frame.
     * @return the template id, or -1 if the frame is shorter than a header.
     */
    public static int templateId(final DirectBuffer buffer, final int offset, final int length)
    {
        return length < WireSchema.HEADER_LENGTH ? -1 : uint16(buffer, offset + TEMPLATE_ID_OFFSET);
    }

    /**
     * The correlation id of a frame whose schema and template are known and whose block holds a
     * {@code correlationId} field, so that even a rejected request can be answered.
     *
     * @param buffer holding the frame.
     * @param offset of the message header.
     * @param length of the frame.
     * @return the correlation id, or {@link Long#MIN_VALUE} when it cannot be read safely.
     */
    public long correlationId(final DirectBuffer buffer, final int offset, final int length)
    {
        return readBlockLong(buffer, offset, length, true);
    }

    /**
     * The {@code replyTo} node of a frame, under the same conditions as {@link #correlationId}.
     *
     * @param buffer holding the frame.
     * @param offset of the message header.
     * @param length of the frame.
     * @return the node id to reply to, or {@link Long#MIN_VALUE} when it cannot be read safely.
     */
    public long replyTo(final DirectBuffer buffer, final int offset, final int length)
    {
        return readBlockLong(buffer, offset, length, false);
    }

    private long readBlockLong(final DirectBuffer buffer, final int offset, final int length, final boolean correlation)
    {
        if (length < WireSchema.HEADER_LENGTH || uint16(buffer, offset + SCHEMA_ID_OFFSET) != WireSchema.SCHEMA_ID)
        {
            return Long.MIN_VALUE;
        }
        final MessageLayout layout = layout(uint16(buffer, offset + TEMPLATE_ID_OFFSET));
        if (null == layout)
        {
            return Long.MIN_VALUE;
        }
        final int fieldOffset = correlation ? layout.correlationIdOffset : layout.replyToOffset;
        final int position = offset + WireSchema.HEADER_LENGTH + fieldOffset;
        if (fieldOffset < 0 || position + 8 > offset + length)
        {
            return Long.MIN_VALUE;
        }
        return buffer.getLong(position, ORDER);
    }

    private MessageLayout layout(final int templateId)
    {
        return templateId < layoutsByTemplateId.length ? layoutsByTemplateId[templateId] : null;
    }

    /**
     * Walks one block and what follows it.
     *
     * @return the position after the body, or the negated ordinal of a {@link FrameRejection}.
     */
    private int validateBody(final MessageLayout layout, final DirectBuffer buffer, final int blockStart, final int end)
    {
        if (end - blockStart < layout.blockLength)
        {
            return -FrameRejection.LENGTH_PAST_END.ordinal();
        }
        for (int i = 0; i < layout.enumOffsets.length; i++)
        {
            final long value = readUnsigned(buffer, blockStart + layout.enumOffsets[i], layout.enumLengths[i]);
            if (!contains(layout.enumValidValues[i], value))
            {
                return -FrameRejection.INVALID_ENUM_VALUE.ordinal();
            }
        }

        int position = blockStart + layout.blockLength;
        for (final MessageLayout group : layout.groups)
        {
            if (end - position < GROUP_HEADER_LENGTH)
            {
                return -FrameRejection.LENGTH_PAST_END.ordinal();
            }
            final int groupBlockLength = uint16(buffer, position);
            final int count = uint16(buffer, position + 2);
            if (groupBlockLength != group.blockLength)
            {
                return -FrameRejection.WRONG_BLOCK_LENGTH.ordinal();
            }
            if (count > limits.maxGroupCount())
            {
                return -FrameRejection.GROUP_COUNT_OVER_LIMIT.ordinal();
            }
            position += GROUP_HEADER_LENGTH;
            for (int n = 0; n < count; n++)
            {
                position = validateBody(group, buffer, position, end);
                if (position < 0)
                {
                    return position;
                }
            }
        }

        for (final int lengthSize : layout.varDataLengthSizes)
        {
            if (end - position < lengthSize)
            {
                return -FrameRejection.LENGTH_PAST_END.ordinal();
            }
            final long dataLength = readUnsigned(buffer, position, lengthSize);
            if (dataLength > limits.maxVarDataLength())
            {
                return -FrameRejection.VAR_DATA_TOO_LONG.ordinal();
            }
            position += lengthSize;
            if (end - position < dataLength)
            {
                return -FrameRejection.LENGTH_PAST_END.ordinal();
            }
            position += (int)dataLength;
        }

        return position;
    }

    private static boolean contains(final long[] sorted, final long value)
    {
        for (final long valid : sorted)
        {
            if (valid == value)
            {
                return true;
            }
        }
        return false;
    }

    private static int uint16(final DirectBuffer buffer, final int index)
    {
        return buffer.getShort(index, ORDER) & 0xFFFF;
    }

    private static long readUnsigned(final DirectBuffer buffer, final int index, final int size)
    {
        switch (size)
        {
            case 1:
                return buffer.getByte(index) & 0xFFL;
            case 2:
                return buffer.getShort(index, ORDER) & 0xFFFFL;
            case 4:
                return buffer.getInt(index, ORDER) & 0xFFFF_FFFFL;
            default:
                return buffer.getLong(index, ORDER);
        }
    }
}
