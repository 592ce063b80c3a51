package io.droplet.executors;

import io.droplet.api.Mailbox;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One executor's {@link Mailbox}: messages from running functions wait here, in arrival order, in a
 * bounded ring (each entry: the sender's address, then the payload) until a function running on this
 * executor takes them. A message arriving at a full mailbox is dropped and counted. Sending goes through
 * the executor's {@link ExecutorSends} as a {@code FunctionMessage}, kept briefly for a link that is
 * still connecting. Allocation-free in steady state.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the executor agent and used on its thread only (functions on the
 * worker pool reach it through calls the agent answers: {@link PooledMailbox}).
 */
final class FunctionMailbox implements Mailbox
{
    private static final int FROM_LENGTH = Long.BYTES;

    private final long address;
    private final ExecutorSends sends;
    private final ExecutorCounters counters;
    private final ExpandableRingBuffer ring;
    private final UnsafeBuffer entry;
    private final ExpandableRingBuffer.MessageConsumer consumer = this::deliver;
    private MessageHandler handler;
    private long invocationId;

    /**
     * @param address        of this mailbox: the executor's node id.
     * @param sends          of the executor.
     * @param counters       of the executor.
     * @param maxMessageLength of the transport.
     * @param capacity       largest total of waiting messages, in bytes, before new ones are dropped.
     */
    FunctionMailbox(
        final long address, final ExecutorSends sends, final ExecutorCounters counters, final int maxMessageLength,
        final int capacity)
    {
        this.ring = new ExpandableRingBuffer(Math.min(4096, capacity), capacity, true);
        this.address = address;
        this.sends = sends;
        this.counters = counters;
        this.entry = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
    }

    /**
     * @param invocationId of the function about to run, carried with what it sends.
     */
    void invocation(final long invocationId)
    {
        this.invocationId = invocationId;
    }

    /**
     * @return messages waiting.
     */
    int waiting()
    {
        return ring.size();
    }

    public long address()
    {
        return address;
    }

    public boolean send(final long to, final DirectBuffer payload, final int offset, final int length)
    {
        if (to == address)
        {
            return store(address, payload, offset, length);
        }
        final int status = sends.functionMessage(to, address, invocationId, payload, offset, length);
        if (status != SendStatus.OK)
        {
            counters.messagesDropped.incrementRelease();
            return false;
        }
        counters.messagesSent.incrementRelease();
        return true;
    }

    public int receive(final MessageHandler handler, final int limit)
    {
        if (ring.isEmpty() || limit <= 0)
        {
            return 0;
        }
        this.handler = handler;
        try
        {
            return ring.consume(consumer, limit);
        }
        finally
        {
            this.handler = null;
        }
    }

    /**
     * A {@code FunctionMessage} arrived: keep it for the functions of this executor.
     *
     * @param from   sender's address.
     * @param to     addressee: a message for another address is dropped.
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload.
     */
    void onMessage(final long from, final long to, final DirectBuffer buffer, final int offset, final int length)
    {
        if (to != address)
        {
            counters.messagesDropped.incrementRelease();
            return;
        }
        store(from, buffer, offset, length);
    }

    private boolean store(final long from, final DirectBuffer payload, final int offset, final int length)
    {
        if (FROM_LENGTH + length > entry.capacity())
        {
            counters.messagesDropped.incrementRelease();
            return false;
        }
        entry.putLong(0, from);
        entry.putBytes(FROM_LENGTH, payload, offset, length);
        if (!ring.append(entry, 0, FROM_LENGTH + length))
        {
            counters.messagesDropped.incrementRelease();
            return false;
        }
        counters.messagesReceived.incrementRelease();
        return true;
    }

    private boolean deliver(final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        handler.onMessage(buffer.getLong(offset), buffer, offset + FROM_LENGTH, length - FROM_LENGTH);
        return true;
    }
}
