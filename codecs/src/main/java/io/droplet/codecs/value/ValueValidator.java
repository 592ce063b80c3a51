package io.droplet.codecs.value;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Checks an untrusted value encoding before a {@link ValueReader} walks it: every tag known, every
 * length non-negative and inside the bytes given, containers no deeper than a limit and exactly as
 * long as they declare, nothing trailing.
 * <p>
 * <b>Note:</b> stateless, thread-safe and allocation-free.
 */
public final class ValueValidator
{
    /** Default deepest nesting of lists and maps accepted. */
    public static final int DEFAULT_MAX_DEPTH = 32;

    private static final ValueRejection[] REJECTIONS = ValueRejection.values();

    private ValueValidator()
    {
    }

    /**
     * Validates exactly one value occupying {@code [offset, offset + length)}.
     *
     * @param buffer   holding the value.
     * @param offset   of its tag.
     * @param length   of its encoding.
     * @param maxDepth deepest container nesting accepted.
     * @return {@link ValueRejection#NONE} or the first problem found.
     */
    public static ValueRejection validate(final DirectBuffer buffer, final int offset, final int length, final int maxDepth)
    {
        if (length <= 0)
        {
            return ValueRejection.EMPTY;
        }
        final int end = offset + length;
        final long result = validateOne(buffer, offset, end, 0, maxDepth);
        if (result < 0)
        {
            return REJECTIONS[(int)-result];
        }
        return result == end ? ValueRejection.NONE : ValueRejection.TRAILING_BYTES;
    }

    /**
     * @return the position after the value, or a negated {@link ValueRejection} ordinal.
     */
    private static long validateOne(
        final DirectBuffer buffer, final int position, final int end, final int depth, final int maxDepth)
    {
        if (position >= end)
        {
            return -ValueRejection.LENGTH_PAST_END.ordinal();
        }
        final ValueType type = ValueType.ofTag(buffer.getByte(position));
        if (null == type)
        {
            return -ValueRejection.UNKNOWN_TYPE.ordinal();
        }
        final int body = position + 1;
        switch (type)
        {
            case NULL:
            case FALSE:
            case TRUE:
                return body;

            case LONG:
            case DOUBLE:
                return end - body < 8 ? -ValueRejection.LENGTH_PAST_END.ordinal() : body + 8;

            case STRING:
            case BYTES:
            case REFERENCE:
                return sized(buffer, body, end);

            case EXTENSION:
                if (end - body < 4)
                {
                    return -ValueRejection.LENGTH_PAST_END.ordinal();
                }
                return sized(buffer, body + 4, end);

            case LIST:
            case MAP:
            default:
                return container(buffer, body, end, type == ValueType.MAP ? 2 : 1, depth, maxDepth);
        }
    }

    private static long sized(final DirectBuffer buffer, final int position, final int end)
    {
        if (end - position < 4)
        {
            return -ValueRejection.LENGTH_PAST_END.ordinal();
        }
        final int length = buffer.getInt(position, LITTLE_ENDIAN);
        if (length < 0)
        {
            return -ValueRejection.NEGATIVE_LENGTH.ordinal();
        }
        final int start = position + 4;
        if (end - start < length)
        {
            return -ValueRejection.LENGTH_PAST_END.ordinal();
        }
        return start + length;
    }

    private static long container(
        final DirectBuffer buffer,
        final int position,
        final int end,
        final int valuesPerEntry,
        final int depth,
        final int maxDepth)
    {
        if (depth >= maxDepth)
        {
            return -ValueRejection.TOO_DEEP.ordinal();
        }
        if (end - position < 8)
        {
            return -ValueRejection.LENGTH_PAST_END.ordinal();
        }
        final int count = buffer.getInt(position, LITTLE_ENDIAN);
        final int bodyLength = buffer.getInt(position + 4, LITTLE_ENDIAN);
        if (count < 0 || bodyLength < 0)
        {
            return -ValueRejection.NEGATIVE_LENGTH.ordinal();
        }
        final int bodyStart = position + 8;
        if (end - bodyStart < bodyLength)
        {
            return -ValueRejection.LENGTH_PAST_END.ordinal();
        }
        final int bodyEnd = bodyStart + bodyLength;
        // Each value takes at least one byte: a count larger than the body cannot be honest.
        if ((long)count * valuesPerEntry > bodyLength)
        {
            return -ValueRejection.CONTAINER_LENGTH_MISMATCH.ordinal();
        }
        long cursor = bodyStart;
        final long values = (long)count * valuesPerEntry;
        for (long i = 0; i < values; i++)
        {
            cursor = validateOne(buffer, (int)cursor, bodyEnd, depth + 1, maxDepth);
            if (cursor < 0)
            {
                return cursor;
            }
        }
        return cursor == bodyEnd ? cursor : -ValueRejection.CONTAINER_LENGTH_MISMATCH.ordinal();
    }
}
