package io.droplet.codecs.value;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps plain Java objects to and from the value encoding: {@code null}, {@link Boolean},
 * {@link Long} (and {@link Integer}, {@link Short}, {@link Byte}, widened), {@link Double} (and
 * {@link Float}), {@link String}, {@code byte[]}, {@link Reference}, {@link List}, {@link Map}, and
 * any type with a codec in the given {@link CodecRegistry}.
 * <p>
 * This is the convenient, allocating path for the control plane, the client API and tests; the
 * data path uses {@link ValueWriter} and {@link ValueReader} directly.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
public final class Values
{
    private static final CodecRegistry NO_CODECS = new CodecRegistry();

    private Values()
    {
    }

    /**
     * Encodes an object.
     *
     * @param value    to encode.
     * @param writer   positioned where the value goes.
     * @param registry for extension types.
     * @throws IllegalArgumentException for a type that is neither built in nor registered.
     */
    public static void write(final Object value, final ValueWriter writer, final CodecRegistry registry)
    {
        if (null == value)
        {
            writer.writeNull();
        }
        else if (value instanceof Boolean)
        {
            writer.writeBoolean((Boolean)value);
        }
        else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
        {
            writer.writeLong(((Number)value).longValue());
        }
        else if (value instanceof Double || value instanceof Float)
        {
            writer.writeDouble(((Number)value).doubleValue());
        }
        else if (value instanceof String)
        {
            writer.writeString((String)value);
        }
        else if (value instanceof byte[])
        {
            final byte[] bytes = (byte[])value;
            writer.writeBytes(bytes, 0, bytes.length);
        }
        else if (value instanceof Reference)
        {
            writer.writeReference(((Reference)value).key());
        }
        else if (value instanceof List)
        {
            final List<?> list = (List<?>)value;
            writer.beginList(list.size());
            for (final Object element : list)
            {
                write(element, writer, registry);
            }
            writer.endList();
        }
        else if (value instanceof Map)
        {
            final Map<?, ?> map = (Map<?, ?>)value;
            writer.beginMap(map.size());
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                write(entry.getKey(), writer, registry);
                write(entry.getValue(), writer, registry);
            }
            writer.endMap();
        }
        else
        {
            writeExtension(value, writer, registry);
        }
    }

    /**
     * Encodes an object into a new array (control path).
     *
     * @param value    to encode.
     * @param registry for extension types.
     * @return the encoding.
     */
    public static byte[] toBytes(final Object value, final CodecRegistry registry)
    {
        int capacity = 256;
        while (true)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[capacity]);
            final ValueWriter writer = new ValueWriter().wrap(buffer, 0, capacity);
            write(value, writer, registry);
            final int length = writer.encodedLength();
            if (length >= 0)
            {
                final byte[] result = new byte[length];
                buffer.getBytes(0, result);
                return result;
            }
            if (capacity >= Integer.MAX_VALUE / 2)
            {
                throw new IllegalArgumentException("value too large to encode");
            }
            capacity *= 2;
        }
    }

    /**
     * @param value to encode, with no extension types.
     * @return the encoding.
     */
    public static byte[] toBytes(final Object value)
    {
        return toBytes(value, NO_CODECS);
    }

    /**
     * Decodes the value at the reader's cursor and consumes it.
     *
     * @param reader   positioned on a value that {@link ValueValidator} accepted.
     * @param registry for extension types.
     * @return the object: see the class comment for the mapping; lists and maps are unmodifiable.
     * @throws IllegalArgumentException for an extension type with no registered codec.
     */
    public static Object read(final ValueReader reader, final CodecRegistry registry)
    {
        final ValueType type = reader.type();
        if (null == type)
        {
            throw new IllegalArgumentException("unknown value tag at " + reader.position());
        }
        switch (type)
        {
            case NULL:
                reader.readNull();
                return null;
            case FALSE:
            case TRUE:
                return reader.readBoolean();
            case LONG:
                return reader.readLong();
            case DOUBLE:
                return reader.readDouble();
            case STRING:
                return reader.readString();
            case REFERENCE:
                return Reference.of(reader.readReference());
            case BYTES:
            {
                final byte[] bytes = new byte[reader.payloadLength()];
                reader.readPayload(new UnsafeBuffer(bytes), 0);
                return bytes;
            }
            case LIST:
            {
                final int count = reader.enterList();
                final List<Object> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++)
                {
                    list.add(read(reader, registry));
                }
                return Collections.unmodifiableList(list);
            }
            case MAP:
            {
                final int count = reader.enterMap();
                final Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < count; i++)
                {
                    final Object key = read(reader, registry);
                    map.put(key, read(reader, registry));
                }
                return Collections.unmodifiableMap(map);
            }
            case EXTENSION:
            default:
                return readExtension(reader, registry);
        }
    }

    /**
     * Validates and decodes one value from bytes (control path).
     *
     * @param bytes    holding exactly one value.
     * @param registry for extension types.
     * @return the object.
     * @throws IllegalArgumentException if the bytes are not a valid value.
     */
    public static Object fromBytes(final byte[] bytes, final CodecRegistry registry)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        return fromBuffer(buffer, 0, bytes.length, registry);
    }

    /**
     * @param bytes holding exactly one value, with no extension types.
     * @return the object.
     */
    public static Object fromBytes(final byte[] bytes)
    {
        return fromBytes(bytes, NO_CODECS);
    }

    /**
     * Validates and decodes one value (control path).
     *
     * @param buffer   holding the value.
     * @param offset   of its tag.
     * @param length   of its encoding.
     * @param registry for extension types.
     * @return the object.
     * @throws IllegalArgumentException if the bytes are not a valid value.
     */
    public static Object fromBuffer(
        final DirectBuffer buffer, final int offset, final int length, final CodecRegistry registry)
    {
        final ValueRejection rejection = ValueValidator.validate(buffer, offset, length, ValueValidator.DEFAULT_MAX_DEPTH);
        if (rejection != ValueRejection.NONE)
        {
            throw new IllegalArgumentException("invalid value encoding: " + rejection);
        }
        return read(new ValueReader().wrap(buffer, offset, length), registry);
    }

    @SuppressWarnings("unchecked")
    private static void writeExtension(final Object value, final ValueWriter writer, final CodecRegistry registry)
    {
        final ValueCodec<Object> codec = (ValueCodec<Object>)registry.byType(value.getClass());
        if (null == codec)
        {
            throw new IllegalArgumentException(
                "no codec registered for " + value.getClass().getName() + " (Java serialization is never used)");
        }
        final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64);
        int capacity = 64;
        int length;
        while ((length = codec.encode(value, scratch, 0, capacity)) < 0)
        {
            capacity *= 2;
            scratch.checkLimit(capacity);
        }
        writer.writeExtension(codec.typeId(), scratch, 0, length);
    }

    private static Object readExtension(final ValueReader reader, final CodecRegistry registry)
    {
        final int typeId = reader.extensionTypeId();
        final ValueCodec<?> codec = registry.byTypeId(typeId);
        if (null == codec)
        {
            throw new IllegalArgumentException("no codec registered for extension type id " + typeId);
        }
        // The codec gets a copy holding only its own bytes, so it cannot read its neighbours.
        final MutableDirectBuffer copy = new UnsafeBuffer(new byte[reader.payloadLength()]);
        final int length = reader.readPayload(copy, 0);
        return codec.decode(copy, 0, length);
    }
}
