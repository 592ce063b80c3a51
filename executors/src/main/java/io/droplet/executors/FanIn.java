package io.droplet.executors;

import io.droplet.codecs.value.ValueType;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The outputs a fan-in stage has received so far for one invocation, one slot per parent in stage
 * order. Pooled by the executor and reused: its buffers grow to the largest output seen, then stay.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class FanIn
{
    static final int MAX_PARENTS = 64;

    private final ExpandableArrayBuffer[] slots = new ExpandableArrayBuffer[MAX_PARENTS];
    private final int[] lengths = new int[MAX_PARENTS];
    private final boolean[] filled = new boolean[MAX_PARENTS];
    private int expected;
    private int received;
    long deadline;

    FanIn()
    {
        for (int i = 0; i < MAX_PARENTS; i++)
        {
            slots[i] = new ExpandableArrayBuffer(64);
        }
    }

    void reset(final int expected, final long deadline)
    {
        this.expected = expected;
        this.deadline = deadline;
        received = 0;
        java.util.Arrays.fill(filled, 0, expected, false);
    }

    /**
     * @return true when every parent's output is in.
     */
    boolean store(final int slot, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!filled[slot])
        {
            filled[slot] = true;
            received++;
        }
        slots[slot].putBytes(0, buffer, offset, length);
        lengths[slot] = length;
        return received == expected;
    }

    /**
     * Writes the outputs as one LIST value, in slot order.
     *
     * @return bytes written, or -1 if they do not fit.
     */
    int writeArgs(final MutableDirectBuffer out, final int capacity)
    {
        int body = 0;
        for (int i = 0; i < expected; i++)
        {
            body += lengths[i];
        }
        if (9 + body > capacity)
        {
            return -1;
        }
        out.putByte(0, ValueType.LIST.tag());
        out.putInt(1, expected, LITTLE_ENDIAN);
        out.putInt(5, body, LITTLE_ENDIAN);
        int position = 9;
        for (int i = 0; i < expected; i++)
        {
            out.putBytes(position, slots[i], 0, lengths[i]);
            position += lengths[i];
        }
        return position;
    }
}
