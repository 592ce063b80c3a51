package io.droplet.executors;

import io.droplet.codecs.value.ValueType;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The outputs a fan-in stage has received so far for one invocation, one slot per parent in stage
 * order, and the bytes they hold. Pooled by {@link FanIns} and reused: a slot's buffer grows to the largest
 * output it is given, and is let go when the fan-in returns to the pool if it grew past
 * {@link #KEPT_SLOT_CAPACITY}, so the pool never keeps one large invocation's memory.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class FanIn
{
    static final int MAX_PARENTS = 64;
    /** Largest slot buffer a pooled fan-in keeps. */
    static final int KEPT_SLOT_CAPACITY = 4096;

    private final ExpandableArrayBuffer[] slots = new ExpandableArrayBuffer[MAX_PARENTS];
    private final int[] lengths = new int[MAX_PARENTS];
    private final boolean[] filled = new boolean[MAX_PARENTS];
    private int expected;
    private int received;
    long invocationId;
    long replyTo;
    long correlationId;
    long deadline;
    /** True when the invocation has no deadline: {@link #deadline} is the executor's own bound on waiting. */
    boolean waitBounded;
    long bytes;

    void reset(
        final long invocationId, final long replyTo, final long correlationId, final int expected, final long deadline,
        final boolean waitBounded)
    {
        this.invocationId = invocationId;
        this.replyTo = replyTo;
        this.correlationId = correlationId;
        this.expected = expected;
        this.deadline = deadline;
        this.waitBounded = waitBounded;
        received = 0;
        bytes = 0;
        java.util.Arrays.fill(filled, 0, expected, false);
    }

    /**
     * @return how many bytes storing an output of this length in this slot adds (less than 0 if it replaces a longer one).
     */
    long growth(final int slot, final int length)
    {
        return filled[slot] ? length - lengths[slot] : length;
    }

    /**
     * @return true when every parent's output is in.
     */
    boolean store(final int slot, final DirectBuffer buffer, final int offset, final int length)
    {
        bytes += growth(slot, length);
        if (!filled[slot])
        {
            filled[slot] = true;
            received++;
        }
        if (null == slots[slot])
        {
            slots[slot] = new ExpandableArrayBuffer(Math.max(64, length));
        }
        slots[slot].putBytes(0, buffer, offset, length);
        lengths[slot] = length;
        return received == expected;
    }

    /**
     * Lets go of the slot buffers that grew large: the fan-in is going back to the pool.
     */
    void clear()
    {
        for (int i = 0; i < expected; i++)
        {
            if (null != slots[i] && slots[i].capacity() > KEPT_SLOT_CAPACITY)
            {
                slots[i] = null;
            }
            filled[i] = false;
        }
        bytes = 0;
        received = 0;
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
