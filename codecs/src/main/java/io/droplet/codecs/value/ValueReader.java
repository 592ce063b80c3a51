package io.droplet.codecs.value;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A cursor over values in Droplet's value encoding. Each {@code read*} call consumes the value at
 * the cursor; {@link #enterList()} and {@link #enterMap()} consume only the container's header so
 * the elements follow; {@link #skip()} consumes a whole value, container or not.
 * <p>
 * Call it only on an encoding that {@link ValueValidator} accepted: it trusts the lengths it reads
 * (bounds are still checked by the buffer, so a mistake surfaces as an exception, not a wild read).
 * Reading a value of the wrong type throws {@link IllegalStateException}.
 * <p>
 * <b>Note:</b> not thread-safe; one reader per thread, reused through {@link #wrap}.
 */
public final class ValueReader
{
    private DirectBuffer buffer;
    private int position;
    private int limit;

    /**
     * @param buffer holding the encoding.
     * @param offset of the first value's tag.
     * @param length of the encoding.
     * @return this reader.
     */
    public ValueReader wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        return this;
    }

    /**
     * @return the buffer being read (to copy a value out from {@link #position()}).
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return true while values remain before the end of the wrapped range.
     */
    public boolean hasRemaining()
    {
        return position < limit;
    }

    /**
     * @return the cursor position.
     */
    public int position()
    {
        return position;
    }

    /**
     * @return the type of the value at the cursor, or null for an unknown tag.
     */
    public ValueType type()
    {
        return ValueType.ofTag(buffer.getByte(position));
    }

    /**
     * Consumes a null.
     */
    public void readNull()
    {
        expect(ValueType.NULL);
        position += 1;
    }

    /**
     * @return the boolean at the cursor, consumed.
     */
    public boolean readBoolean()
    {
        final ValueType type = type();
        if (type != ValueType.TRUE && type != ValueType.FALSE)
        {
            throw wrongType(type, "boolean");
        }
        position += 1;
        return type == ValueType.TRUE;
    }

    /**
     * @return the long at the cursor, consumed.
     */
    public long readLong()
    {
        expect(ValueType.LONG);
        final long value = buffer.getLong(position + 1, LITTLE_ENDIAN);
        position += 9;
        return value;
    }

    /**
     * @return the double at the cursor, consumed.
     */
    public double readDouble()
    {
        expect(ValueType.DOUBLE);
        final double value = buffer.getDouble(position + 1, LITTLE_ENDIAN);
        position += 9;
        return value;
    }

    /**
     * Reads a string (control path: allocates the String).
     *
     * @return the string at the cursor, consumed.
     */
    public String readString()
    {
        expect(ValueType.STRING);
        return readText();
    }

    /**
     * Reads a reference's key (control path: allocates the String).
     *
     * @return the key of the reference at the cursor, consumed.
     */
    public String readReference()
    {
        expect(ValueType.REFERENCE);
        return readText();
    }

    /**
     * @return the length of the STRING, BYTES, REFERENCE or EXTENSION payload at the cursor, not consumed.
     */
    public int payloadLength()
    {
        final ValueType type = type();
        switch (type)
        {
            case STRING:
            case BYTES:
            case REFERENCE:
                return buffer.getInt(position + 1, LITTLE_ENDIAN);
            case EXTENSION:
                return buffer.getInt(position + 5, LITTLE_ENDIAN);
            default:
                throw wrongType(type, "sized value");
        }
    }

    /**
     * @return the buffer offset of the payload of the sized value at the cursor, not consumed.
     */
    public int payloadOffset()
    {
        return type() == ValueType.EXTENSION ? position + 9 : position + 5;
    }

    /**
     * @return the codec type id of the EXTENSION value at the cursor, not consumed.
     */
    public int extensionTypeId()
    {
        expect(ValueType.EXTENSION);
        return buffer.getInt(position + 1, LITTLE_ENDIAN);
    }

    /**
     * Copies the payload of the sized value at the cursor and consumes it.
     *
     * @param dst       to copy into.
     * @param dstOffset where to copy.
     * @return bytes copied.
     */
    public int readPayload(final MutableDirectBuffer dst, final int dstOffset)
    {
        final int length = payloadLength();
        final int offset = payloadOffset();
        dst.putBytes(dstOffset, buffer, offset, length);
        position = offset + length;
        return length;
    }

    /**
     * Consumes a list header.
     *
     * @return the number of values that follow.
     */
    public int enterList()
    {
        expect(ValueType.LIST);
        final int count = buffer.getInt(position + 1, LITTLE_ENDIAN);
        position += 9;
        return count;
    }

    /**
     * Consumes a map header.
     *
     * @return the number of key-value pairs that follow.
     */
    public int enterMap()
    {
        expect(ValueType.MAP);
        final int count = buffer.getInt(position + 1, LITTLE_ENDIAN);
        position += 9;
        return count;
    }

    /**
     * Consumes the whole value at the cursor, container or not.
     */
    public void skip()
    {
        final ValueType type = type();
        if (null == type)
        {
            throw new IllegalStateException("unknown value tag at " + position);
        }
        switch (type)
        {
            case NULL:
            case FALSE:
            case TRUE:
                position += 1;
                break;
            case LONG:
            case DOUBLE:
                position += 9;
                break;
            case STRING:
            case BYTES:
            case REFERENCE:
            case EXTENSION:
                position = payloadOffset() + payloadLength();
                break;
            case LIST:
            case MAP:
            default:
                position += 9 + buffer.getInt(position + 5, LITTLE_ENDIAN);
                break;
        }
    }

    private String readText()
    {
        final int length = buffer.getInt(position + 1, LITTLE_ENDIAN);
        final byte[] bytes = new byte[length];
        buffer.getBytes(position + 5, bytes);
        position += 5 + length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void expect(final ValueType expected)
    {
        final ValueType type = type();
        if (type != expected)
        {
            throw wrongType(type, expected.name());
        }
    }

    private IllegalStateException wrongType(final ValueType actual, final String expected)
    {
        return new IllegalStateException("expected " + expected + " at " + position + " but found " + actual);
    }
}
