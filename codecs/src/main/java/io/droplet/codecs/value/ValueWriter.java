package io.droplet.codecs.value;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Writes values in Droplet's value encoding into a buffer, in place and without allocating.
 * <p>
 * Containers are written by {@link #beginList(int)} / {@link #endList()} (and the map pair), with
 * the element values written between them; the body length is patched on {@code end}. If the
 * buffer's capacity is exceeded the writer stops writing and {@link #encodedLength()} returns -1:
 * the caller answers PAYLOAD_TOO_LARGE instead of catching an exception on the data path.
 * <p>
 * <b>Note:</b> not thread-safe; one writer per thread, reused through {@link #wrap}.
 */
public final class ValueWriter
{
    /** Deepest container nesting a writer supports. */
    public static final int MAX_DEPTH = ValueValidator.DEFAULT_MAX_DEPTH;

    private final int[] bodyStarts = new int[MAX_DEPTH];
    private MutableDirectBuffer buffer;
    private int start;
    private int limit;
    private int position;
    private int depth;
    private boolean overflow;

    /**
     * Starts writing at {@code offset}.
     *
     * @param buffer   to write into.
     * @param offset   of the first byte.
     * @param capacity bytes available from {@code offset}.
     * @return this writer.
     */
    public ValueWriter wrap(final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        this.buffer = buffer;
        this.start = offset;
        this.position = offset;
        this.limit = offset + capacity;
        this.depth = 0;
        this.overflow = false;
        return this;
    }

    /**
     * @return bytes written since {@link #wrap}, or -1 if the capacity was exceeded or a container
     * is still open.
     */
    public int encodedLength()
    {
        return overflow || depth != 0 ? -1 : position - start;
    }

    /**
     * @return true if a write did not fit.
     */
    public boolean overflowed()
    {
        return overflow;
    }

    /**
     * @return the next position written to.
     */
    public int position()
    {
        return position;
    }

    /**
     * @return this writer, after writing null.
     */
    public ValueWriter writeNull()
    {
        return tagOnly(ValueType.NULL);
    }

    /**
     * @param value to write.
     * @return this writer.
     */
    public ValueWriter writeBoolean(final boolean value)
    {
        return tagOnly(value ? ValueType.TRUE : ValueType.FALSE);
    }

    /**
     * @param value to write.
     * @return this writer.
     */
    public ValueWriter writeLong(final long value)
    {
        if (ensure(9))
        {
            buffer.putByte(position, ValueType.LONG.tag());
            buffer.putLong(position + 1, value, LITTLE_ENDIAN);
            position += 9;
        }
        return this;
    }

    /**
     * @param value to write.
     * @return this writer.
     */
    public ValueWriter writeDouble(final double value)
    {
        if (ensure(9))
        {
            buffer.putByte(position, ValueType.DOUBLE.tag());
            buffer.putDouble(position + 1, value, LITTLE_ENDIAN);
            position += 9;
        }
        return this;
    }

    /**
     * Writes text as UTF-8 without allocating.
     *
     * @param value to write, not null.
     * @return this writer.
     */
    public ValueWriter writeString(final CharSequence value)
    {
        return writeText(ValueType.STRING, value);
    }

    /**
     * Writes a reference to a KVS key.
     *
     * @param key the referenced key, not null.
     * @return this writer.
     */
    public ValueWriter writeReference(final CharSequence key)
    {
        return writeText(ValueType.REFERENCE, key);
    }

    /**
     * @param src    holding the bytes.
     * @param offset of the first byte.
     * @param length of the bytes.
     * @return this writer.
     */
    public ValueWriter writeBytes(final DirectBuffer src, final int offset, final int length)
    {
        if (ensure(5 + length))
        {
            buffer.putByte(position, ValueType.BYTES.tag());
            buffer.putInt(position + 1, length, LITTLE_ENDIAN);
            buffer.putBytes(position + 5, src, offset, length);
            position += 5 + length;
        }
        return this;
    }

    /**
     * @param src    holding the bytes.
     * @param offset of the first byte.
     * @param length of the bytes.
     * @return this writer.
     */
    public ValueWriter writeBytes(final byte[] src, final int offset, final int length)
    {
        if (ensure(5 + length))
        {
            buffer.putByte(position, ValueType.BYTES.tag());
            buffer.putInt(position + 1, length, LITTLE_ENDIAN);
            buffer.putBytes(position + 5, src, offset, length);
            position += 5 + length;
        }
        return this;
    }

    /**
     * Copies a value that is already encoded (one whole value, validated by the caller).
     *
     * @param src    holding the encoded value.
     * @param offset of its tag.
     * @param length of its encoding.
     * @return this writer.
     */
    public ValueWriter writeEncoded(final DirectBuffer src, final int offset, final int length)
    {
        if (ensure(length))
        {
            buffer.putBytes(position, src, offset, length);
            position += length;
        }
        return this;
    }

    /**
     * Writes an extension value: the bytes a registered codec produced.
     *
     * @param codecTypeId of the codec.
     * @param src         holding the encoded value.
     * @param offset      of the first byte.
     * @param length      of the encoded value.
     * @return this writer.
     */
    public ValueWriter writeExtension(final int codecTypeId, final DirectBuffer src, final int offset, final int length)
    {
        if (ensure(9 + length))
        {
            buffer.putByte(position, ValueType.EXTENSION.tag());
            buffer.putInt(position + 1, codecTypeId, LITTLE_ENDIAN);
            buffer.putInt(position + 5, length, LITTLE_ENDIAN);
            buffer.putBytes(position + 9, src, offset, length);
            position += 9 + length;
        }
        return this;
    }

    /**
     * Begins a list of exactly {@code count} values; write them, then call {@link #endList()}.
     *
     * @param count of values that follow.
     * @return this writer.
     */
    public ValueWriter beginList(final int count)
    {
        return begin(ValueType.LIST, count);
    }

    /**
     * @return this writer, after closing the innermost list.
     */
    public ValueWriter endList()
    {
        return end();
    }

    /**
     * Begins a map of exactly {@code count} entries; write key then value for each, then call
     * {@link #endMap()}.
     *
     * @param count of entries that follow.
     * @return this writer.
     */
    public ValueWriter beginMap(final int count)
    {
        return begin(ValueType.MAP, count);
    }

    /**
     * @return this writer, after closing the innermost map.
     */
    public ValueWriter endMap()
    {
        return end();
    }

    private ValueWriter begin(final ValueType type, final int count)
    {
        if (depth >= MAX_DEPTH)
        {
            throw new IllegalStateException("values nested deeper than " + MAX_DEPTH);
        }
        if (ensure(9))
        {
            buffer.putByte(position, type.tag());
            buffer.putInt(position + 1, count, LITTLE_ENDIAN);
            buffer.putInt(position + 5, 0, LITTLE_ENDIAN);
            position += 9;
        }
        bodyStarts[depth] = position;
        depth++;
        return this;
    }

    private ValueWriter end()
    {
        if (depth == 0)
        {
            throw new IllegalStateException("no open list or map");
        }
        depth--;
        if (!overflow)
        {
            final int bodyStart = bodyStarts[depth];
            buffer.putInt(bodyStart - 4, position - bodyStart, LITTLE_ENDIAN);
        }
        return this;
    }

    private ValueWriter tagOnly(final ValueType type)
    {
        if (ensure(1))
        {
            buffer.putByte(position, type.tag());
            position += 1;
        }
        return this;
    }

    private ValueWriter writeText(final ValueType type, final CharSequence value)
    {
        final int utf8Length = Utf8.encodedLength(value);
        if (ensure(5 + utf8Length))
        {
            buffer.putByte(position, type.tag());
            buffer.putInt(position + 1, utf8Length, LITTLE_ENDIAN);
            Utf8.encode(value, buffer, position + 5);
            position += 5 + utf8Length;
        }
        return this;
    }

    private boolean ensure(final int length)
    {
        if (overflow || length < 0 || limit - position < length)
        {
            overflow = true;
            return false;
        }
        return true;
    }
}
