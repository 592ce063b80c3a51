package io.droplet.executors;

import io.droplet.codecs.lattice.LatticeType;
import io.droplet.codecs.value.ValueRejection;
import io.droplet.codecs.value.ValueValidator;
import io.droplet.codecs.value.ValueWriter;
import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * What a function sees in place of a KVS reference: the referenced lattice's value. An LWW holds one
 * value (its payload, when that payload is a value encoding, as {@code DropletClient.putValue} writes
 * it; otherwise the bytes); a MAX its long; a BOOL its boolean; a SET the list of its elements as bytes;
 * any other lattice its own encoding as bytes. An absent key is null.
 * <p>
 * Nothing is read outside {@code [offset, offset + length)}, whatever the lengths inside the value say: the
 * buffer a value is read from is reused, and past the value it holds another key's bytes. A value whose inner
 * lengths do not fit its length (the host cache stores none, see {@link CacheAdmission}) is seen as its own
 * encoding, as bytes.
 * <p>
 * <b>Note:</b> stateless and thread-safe; allocation-free.
 */
final class ReferenceView
{
    private static final int TAG = 1;
    private static final int LWW_HEADER = TAG + 8 + 8 + 4;

    private ReferenceView()
    {
    }

    static void write(final DirectBuffer lattice, final int offset, final int length, final ValueWriter out)
    {
        final LatticeType type = length < TAG ? null : LatticeType.ofTag(lattice.getByte(offset));
        if (null == type)
        {
            out.writeBytes(lattice, offset, length);
            return;
        }
        final int end = offset + length;
        switch (type)
        {
            case LWW:
            {
                final int payloadLength = length < LWW_HEADER ? -1 : lattice.getInt(offset + LWW_HEADER - 4, LITTLE_ENDIAN);
                final int payload = offset + LWW_HEADER;
                if (payloadLength < 0 || payloadLength > end - payload)
                {
                    out.writeBytes(lattice, offset, length);
                }
                else if (payloadLength > 0 &&
                    ValueValidator.validate(lattice, payload, payloadLength, ValueValidator.DEFAULT_MAX_DEPTH) == ValueRejection.NONE)
                {
                    out.writeEncoded(lattice, payload, payloadLength);
                }
                else
                {
                    out.writeBytes(lattice, payload, payloadLength);
                }
                break;
            }
            case MAX:
                if (length < TAG + 8)
                {
                    out.writeBytes(lattice, offset, length);
                    break;
                }
                out.writeLong(lattice.getLong(offset + TAG, LITTLE_ENDIAN));
                break;
            case BOOL:
                if (length < TAG + 1)
                {
                    out.writeBytes(lattice, offset, length);
                    break;
                }
                out.writeBoolean(lattice.getByte(offset + TAG) != 0);
                break;
            case SET:
            {
                final int count = setCount(lattice, offset, end);
                if (count < 0)
                {
                    out.writeBytes(lattice, offset, length);
                    break;
                }
                out.beginList(count);
                int position = offset + TAG + 4;
                for (int i = 0; i < count; i++)
                {
                    final int elementLength = lattice.getInt(position, LITTLE_ENDIAN);
                    out.writeBytes(lattice, position + 4, elementLength);
                    position += 4 + elementLength;
                }
                out.endList();
                break;
            }
            default:
                out.writeBytes(lattice, offset, length);
                break;
        }
    }

    /**
     * @return the elements of a SET whose every element lies before {@code end}, or -1.
     */
    private static int setCount(final DirectBuffer lattice, final int offset, final int end)
    {
        if (end - offset < TAG + 4)
        {
            return -1;
        }
        final int count = lattice.getInt(offset + TAG, LITTLE_ENDIAN);
        if (count < 0)
        {
            return -1;
        }
        int position = offset + TAG + 4;
        for (int i = 0; i < count; i++)
        {
            if (end - position < 4)
            {
                return -1;
            }
            final int elementLength = lattice.getInt(position, LITTLE_ENDIAN);
            if (elementLength < 0 || elementLength > end - position - 4)
            {
                return -1;
            }
            position += 4 + elementLength;
        }
        return count;
    }
}
