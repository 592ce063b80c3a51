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
 * <b>Note:</b> stateless and thread-safe; allocation-free.
 */
final class ReferenceView
{
    private static final int TAG = 1;

    private ReferenceView()
    {
    }

    static void write(final DirectBuffer lattice, final int offset, final int length, final ValueWriter out)
    {
        final LatticeType type = LatticeType.ofTag(lattice.getByte(offset));
        if (null == type)
        {
            out.writeBytes(lattice, offset, length);
            return;
        }
        switch (type)
        {
            case LWW:
            {
                final int lengthAt = offset + TAG + 8 + 8;
                final int payloadLength = lattice.getInt(lengthAt, LITTLE_ENDIAN);
                final int payload = lengthAt + 4;
                if (payloadLength > 0 &&
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
                out.writeLong(lattice.getLong(offset + TAG, LITTLE_ENDIAN));
                break;
            case BOOL:
                out.writeBoolean(lattice.getByte(offset + TAG) != 0);
                break;
            case SET:
            {
                final int count = lattice.getInt(offset + TAG, LITTLE_ENDIAN);
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
}
