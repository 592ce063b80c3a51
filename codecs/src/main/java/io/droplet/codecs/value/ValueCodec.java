package io.droplet.codecs.value;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes values of a user type as an EXTENSION value, so types beyond the built-in ones can be
 * arguments and results without Java serialization. Register it in a {@link CodecRegistry} on every
 * process that encodes or decodes the type, with the same {@link #typeId()}.
 * <p>
 * <b>Note:</b> implementations must be thread-safe (they are shared by every caller of the registry).
 *
 * @param <T> the type encoded.
 */
public interface ValueCodec<T>
{
    /**
     * @return the id written on the wire; unique within a registry.
     */
    int typeId();

    /**
     * @return the Java type this codec handles.
     */
    Class<T> type();

    /**
     * Encodes a value.
     *
     * @param value    to encode.
     * @param buffer   to write into.
     * @param offset   where to write.
     * @param capacity bytes available.
     * @return bytes written, or -1 if {@code capacity} is too small.
     */
    int encode(T value, MutableDirectBuffer buffer, int offset, int capacity);

    /**
     * Decodes a value.
     *
     * @param buffer holding the encoding.
     * @param offset of the first byte.
     * @param length of the encoding.
     * @return the value.
     */
    T decode(DirectBuffer buffer, int offset, int length);
}
