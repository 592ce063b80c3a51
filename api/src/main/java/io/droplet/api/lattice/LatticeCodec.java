package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.droplet.api.lattice.LatticeLayout.CLOCK_ENTRY_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LONG_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Encodes {@link Lattice} objects to the canonical lattice encoding (layouts in
 * {@link io.droplet.codecs.lattice}) and decodes them back, validating first. Because both the
 * objects and the encoding are canonical, {@code decode(encode(x)).equals(x)} and
 * {@code encode(decode(bytes))} is {@code bytes} for every valid encoding.
 * <p>
 * This is the allocating path for the control plane, clients and tests; the storage node merges
 * encodings in place with {@link LatticeMerger}.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
public final class LatticeCodec
{
    private LatticeCodec()
    {
    }

    /**
     * @param lattice to measure.
     * @return the length of its encoding.
     * @throws IllegalArgumentException if the encoding would be longer than an array can be.
     */
    public static int encodedLength(final Lattice lattice)
    {
        final long length = length(lattice);
        if (length > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("lattice encoding too large: " + length + " bytes");
        }
        return (int)length;
    }

    /**
     * Encodes a lattice, tag and payload, at {@code offset}.
     *
     * @param lattice  to encode.
     * @param buffer   to write into.
     * @param offset   of the tag.
     * @param capacity bytes available from {@code offset}.
     * @return the length written, or -1 if the encoding does not fit (nothing is written then).
     */
    public static int encode(
        final Lattice lattice, final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        final long length = length(lattice);
        if (length > capacity)
        {
            return -1;
        }
        final int end = write(lattice, buffer, offset);
        return end - offset;
    }

    /**
     * @param valueLength bytes of an LWW lattice's value.
     * @return the length of the LWW lattice's encoding.
     */
    public static int lwwLength(final int valueLength)
    {
        return TAG_LENGTH + 2 * LONG_LENGTH + INT_LENGTH + valueLength;
    }

    /**
     * Encodes an LWW lattice whose value is in a buffer: the bytes {@link #encode} writes for
     * {@code new LwwLattice(timestamp, node, value)}, without building one (allocation-free, for writers
     * on a hot path).
     *
     * @param timestamp   of the write.
     * @param node        id of the writer.
     * @param value       buffer holding the value.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     * @param buffer      to write into.
     * @param offset      of the tag.
     * @param capacity    bytes available from {@code offset}.
     * @return the length written, or -1 if the encoding does not fit (nothing is written then).
     */
    public static int encodeLww(
        final long timestamp, final long node, final DirectBuffer value, final int valueOffset, final int valueLength,
        final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        final int length = lwwLength(valueLength);
        if (valueLength < 0 || length > capacity)
        {
            return -1;
        }
        buffer.putByte(offset, LatticeType.LWW.tag());
        buffer.putLong(offset + TAG_LENGTH, timestamp, LITTLE_ENDIAN);
        buffer.putLong(offset + TAG_LENGTH + LONG_LENGTH, node, LITTLE_ENDIAN);
        buffer.putInt(offset + TAG_LENGTH + 2 * LONG_LENGTH, valueLength, LITTLE_ENDIAN);
        buffer.putBytes(offset + TAG_LENGTH + 2 * LONG_LENGTH + INT_LENGTH, value, valueOffset, valueLength);
        return length;
    }

    /**
     * @param lattice to encode.
     * @return its encoding, in an array of exactly its length.
     */
    public static byte[] toBytes(final Lattice lattice)
    {
        final byte[] bytes = new byte[encodedLength(lattice)];
        write(lattice, new UnsafeBuffer(bytes), 0);
        return bytes;
    }

    /**
     * Validates with {@link LatticeValidator} and decodes one lattice.
     *
     * @param buffer holding the encoding.
     * @param offset of its tag.
     * @param length of the encoding.
     * @return the lattice.
     * @throws IllegalArgumentException if the bytes are not a valid lattice encoding, or hold a causal
     * value past {@link LatticeValidator}'s bounds.
     */
    public static Lattice decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final int status = LatticeValidator.validate(buffer, offset, length);
        if (LatticeValidator.VALID != status)
        {
            throw new IllegalArgumentException((LatticeValidator.TOO_LARGE == status ?
                "causal value past the validator's bounds" : "invalid lattice encoding") +
                " at " + offset + ", length " + length);
        }
        return decodeValid(buffer, offset, length);
    }

    /**
     * @param bytes holding exactly one lattice.
     * @return the lattice.
     * @throws IllegalArgumentException if the bytes are not a valid lattice encoding.
     */
    public static Lattice fromBytes(final byte[] bytes)
    {
        return decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * Decodes an encoding {@link LatticeValidator} has accepted, without checking it again.
     */
    private static Lattice decodeValid(final DirectBuffer buffer, final int offset, final int length)
    {
        final LatticeReader reader = new LatticeReader(buffer, offset);
        final Lattice lattice = reader.lattice();
        if (reader.position() != offset + length)
        {
            throw new IllegalStateException("decoded " + (reader.position() - offset) + " of " + length + " bytes");
        }
        return lattice;
    }

    private static long length(final Lattice lattice)
    {
        long length = TAG_LENGTH;
        switch (lattice.type())
        {
            case LWW:
                length += 2 * LONG_LENGTH + bytesLength(((LwwLattice)lattice).value());
                break;
            case SET:
                length += INT_LENGTH;
                for (final Bytes element : ((SetLattice)lattice).elements())
                {
                    length += bytesLength(element);
                }
                break;
            case MAX:
                length += LONG_LENGTH;
                break;
            case BOOL:
                length += 1;
                break;
            case MAP:
                length += INT_LENGTH;
                for (final Map.Entry<String, Lattice> entry : ((MapLattice)lattice).entries().entrySet())
                {
                    length += INT_LENGTH + Keys.utf8Length(entry.getKey()) + INT_LENGTH + length(entry.getValue());
                }
                break;
            case ORDERED_SET:
                length += INT_LENGTH;
                for (final OrderedSetLattice.Entry entry : ((OrderedSetLattice)lattice).entries())
                {
                    length += LONG_LENGTH + bytesLength(entry.element());
                }
                break;
            case PRIORITY:
                length += LONG_LENGTH + bytesLength(((PriorityLattice)lattice).value());
                break;
            case VECTOR_CLOCK:
                length += clockLength((VectorClock)lattice);
                break;
            case SINGLE_KEY_CAUSAL:
                length += INT_LENGTH;
                for (final SingleKeyCausalLattice.Version version : ((SingleKeyCausalLattice)lattice).versions())
                {
                    length += clockLength(version.clock()) + bytesLength(version.value());
                }
                break;
            case MULTI_KEY_CAUSAL:
            default:
                length += INT_LENGTH;
                for (final MultiKeyCausalLattice.Version version : ((MultiKeyCausalLattice)lattice).versions())
                {
                    length += clockLength(version.clock()) + INT_LENGTH + bytesLength(version.value());
                    for (final Map.Entry<String, VectorClock> dependency : version.dependencies().entrySet())
                    {
                        length += INT_LENGTH + Keys.utf8Length(dependency.getKey()) +
                            clockLength(dependency.getValue());
                    }
                }
                break;
        }
        return length;
    }

    private static long bytesLength(final Bytes bytes)
    {
        return INT_LENGTH + bytes.length();
    }

    private static long clockLength(final VectorClock clock)
    {
        return INT_LENGTH + (long)clock.size() * CLOCK_ENTRY_LENGTH;
    }

    /**
     * Writes a lattice whose length has been checked against the capacity.
     *
     * @return the position after it.
     */
    private static int write(final Lattice lattice, final MutableDirectBuffer buffer, final int offset)
    {
        final LatticeType type = lattice.type();
        buffer.putByte(offset, type.tag());
        int position = offset + TAG_LENGTH;
        switch (type)
        {
            case LWW:
            {
                final LwwLattice lww = (LwwLattice)lattice;
                buffer.putLong(position, lww.timestamp(), LITTLE_ENDIAN);
                buffer.putLong(position + LONG_LENGTH, lww.node(), LITTLE_ENDIAN);
                position = putBytes(buffer, position + 2 * LONG_LENGTH, lww.value());
                break;
            }
            case SET:
            {
                final SetLattice set = (SetLattice)lattice;
                buffer.putInt(position, set.elements().size(), LITTLE_ENDIAN);
                position += INT_LENGTH;
                for (final Bytes element : set.elements())
                {
                    position = putBytes(buffer, position, element);
                }
                break;
            }
            case MAX:
                buffer.putLong(position, ((MaxLattice)lattice).value(), LITTLE_ENDIAN);
                position += LONG_LENGTH;
                break;
            case BOOL:
                buffer.putByte(position, (byte)(((BoolLattice)lattice).value() ? 1 : 0));
                position += 1;
                break;
            case MAP:
            {
                final MapLattice map = (MapLattice)lattice;
                buffer.putInt(position, map.entries().size(), LITTLE_ENDIAN);
                position += INT_LENGTH;
                for (final Map.Entry<String, Lattice> entry : map.entries().entrySet())
                {
                    position = putKey(buffer, position, entry.getKey());
                    final int valueStart = position + INT_LENGTH;
                    position = write(entry.getValue(), buffer, valueStart);
                    buffer.putInt(valueStart - INT_LENGTH, position - valueStart, LITTLE_ENDIAN);
                }
                break;
            }
            case ORDERED_SET:
            {
                final OrderedSetLattice set = (OrderedSetLattice)lattice;
                buffer.putInt(position, set.entries().size(), LITTLE_ENDIAN);
                position += INT_LENGTH;
                for (final OrderedSetLattice.Entry entry : set.entries())
                {
                    buffer.putLong(position, entry.rank(), LITTLE_ENDIAN);
                    position = putBytes(buffer, position + LONG_LENGTH, entry.element());
                }
                break;
            }
            case PRIORITY:
            {
                final PriorityLattice priority = (PriorityLattice)lattice;
                // doubleToLongBits, not the raw bits: every NaN becomes the canonical one.
                buffer.putLong(position, Double.doubleToLongBits(priority.priority()), LITTLE_ENDIAN);
                position = putBytes(buffer, position + LONG_LENGTH, priority.value());
                break;
            }
            case VECTOR_CLOCK:
                position = putClock(buffer, position, (VectorClock)lattice);
                break;
            case SINGLE_KEY_CAUSAL:
            {
                final SingleKeyCausalLattice causal = (SingleKeyCausalLattice)lattice;
                buffer.putInt(position, causal.versions().size(), LITTLE_ENDIAN);
                position += INT_LENGTH;
                for (final SingleKeyCausalLattice.Version version : causal.versions())
                {
                    position = putClock(buffer, position, version.clock());
                    position = putBytes(buffer, position, version.value());
                }
                break;
            }
            case MULTI_KEY_CAUSAL:
            default:
            {
                final MultiKeyCausalLattice causal = (MultiKeyCausalLattice)lattice;
                buffer.putInt(position, causal.versions().size(), LITTLE_ENDIAN);
                position += INT_LENGTH;
                for (final MultiKeyCausalLattice.Version version : causal.versions())
                {
                    position = putClock(buffer, position, version.clock());
                    buffer.putInt(position, version.dependencies().size(), LITTLE_ENDIAN);
                    position += INT_LENGTH;
                    for (final Map.Entry<String, VectorClock> dependency : version.dependencies().entrySet())
                    {
                        position = putKey(buffer, position, dependency.getKey());
                        position = putClock(buffer, position, dependency.getValue());
                    }
                    position = putBytes(buffer, position, version.value());
                }
                break;
            }
        }
        return position;
    }

    private static int putBytes(final MutableDirectBuffer buffer, final int position, final Bytes bytes)
    {
        final byte[] array = bytes.array();
        buffer.putInt(position, array.length, LITTLE_ENDIAN);
        buffer.putBytes(position + INT_LENGTH, array);
        return position + INT_LENGTH + array.length;
    }

    private static int putKey(final MutableDirectBuffer buffer, final int position, final String key)
    {
        final byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        buffer.putInt(position, utf8.length, LITTLE_ENDIAN);
        buffer.putBytes(position + INT_LENGTH, utf8);
        return position + INT_LENGTH + utf8.length;
    }

    private static int putClock(final MutableDirectBuffer buffer, final int position, final VectorClock clock)
    {
        final int size = clock.size();
        buffer.putInt(position, size, LITTLE_ENDIAN);
        int cursor = position + INT_LENGTH;
        for (int i = 0; i < size; i++)
        {
            buffer.putLong(cursor, clock.nodeAt(i), LITTLE_ENDIAN);
            buffer.putLong(cursor + LONG_LENGTH, clock.counterAt(i), LITTLE_ENDIAN);
            cursor += CLOCK_ENTRY_LENGTH;
        }
        return cursor;
    }
}
