package io.droplet.transport;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.ReservedValueSupplier;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Sends messages to one peer, encoded in place.
 * <p>
 * {@link #claim(int, long)} reserves {@code length} bytes: in the publication's term through
 * {@code tryClaim} when the message fits one frame, otherwise in a reused buffer that
 * {@link #commit()} offers (and Aeron fragments). The caller encodes its SBE flyweight at
 * {@link #buffer()} / {@link #offset()} and commits. Every offer result is handled: back-pressure,
 * admin actions and a not-yet-connected peer are retried until the caller's deadline, idling with
 * the configured strategy and driving the transport's conductors in between (so an invoker-profile
 * driver makes progress); a closed publication or exhausted position fails at once. Each outcome is
 * counted in {@link TransportCounters}.
 * <pre>
 *   if (publisher.claim(length, deadline) == SendStatus.OK) {
 *       encodeMessage(publisher.buffer(), publisher.offset());   // a publisher's SBE encoder, in place
 *       status = publisher.commit();
 *   }
 * </pre>
 * <b>Note:</b> not thread-safe: one sending thread per publisher (the publication is exclusive).
 */
public final class MessagePublisher implements AutoCloseable
{
    private static final int NONE = 0;
    private static final int CLAIMED = 1;
    private static final int SCRATCH = 2;
    private static final int RETRY = 1;
    private static final int MAX_IMMEDIATE_ADMIN_RETRIES = 3;

    private final ExclusivePublication publication;
    private final BufferClaim bufferClaim = new BufferClaim();
    private final TransportCounters counters;
    private final IdleStrategy idleStrategy;
    private final NanoClock clock;
    private final Transport transport;
    private final int maxMessageLength;
    private final long defaultSendTimeoutNs;
    private UnsafeBuffer scratch;
    private int state = NONE;
    private int scratchLength;
    private long scratchDeadlineNs;
    private int adminActions;
    private long reservedValue;
    /** Puts {@link #reservedValue} in the header of every frame an offer writes; made once. */
    private final ReservedValueSupplier reservedValueSupplier = (termBuffer, termOffset, frameLength) -> reservedValue;

    /**
     * @param publication          exclusive to this publisher.
     * @param transport            whose conductors are driven while waiting (invoker profile).
     * @param counters             of the owning node.
     */
    MessagePublisher(final ExclusivePublication publication, final Transport transport, final TransportCounters counters)
    {
        this.publication = publication;
        this.transport = transport;
        this.counters = counters;
        this.idleStrategy = transport.context().idleStrategy();
        this.clock = transport.context().nanoClock();
        this.maxMessageLength = transport.context().maxMessageLength();
        this.defaultSendTimeoutNs = transport.context().sendTimeoutNs();
    }

    /**
     * Claims space with the configured default send timeout.
     *
     * @param length of the message, header included.
     * @return a {@link SendStatus}.
     */
    public int claim(final int length)
    {
        return claim(length, clock.nanoTime() + defaultSendTimeoutNs);
    }

    /**
     * Claims space for one message.
     *
     * @param length     of the message, header included.
     * @param deadlineNs by which the claim must succeed (on the transport's nano clock).
     * @return {@link SendStatus#OK} and the space is at {@link #buffer()}/{@link #offset()}, or a
     * negative {@link SendStatus}.
     */
    public int claim(final int length, final long deadlineNs)
    {
        if (state != NONE)
        {
            throw new IllegalStateException("previous claim neither committed nor aborted");
        }
        if (length > maxMessageLength || length < 0)
        {
            counters.payloadTooLarge.increment();
            counters.sendFailures.increment();
            return SendStatus.PAYLOAD_TOO_LARGE;
        }

        if (length <= publication.maxPayloadLength())
        {
            boolean backPressured = false;
            boolean notConnected = false;
            while (true)
            {
                final long result = publication.tryClaim(length, bufferClaim);
                if (result > 0)
                {
                    adminActions = 0;
                    bufferClaim.reservedValue(reservedValue);
                    state = CLAIMED;
                    return SendStatus.OK;
                }
                final int status = onOfferFailure(result, deadlineNs, backPressured, notConnected);
                if (status != RETRY)
                {
                    return status;
                }
                backPressured |= result == Publication.BACK_PRESSURED;
                notConnected |= result == Publication.NOT_CONNECTED;
            }
        }

        if (null == scratch)
        {
            // Allocated once, on the first message larger than a frame: the large-message path only.
            scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        }
        state = SCRATCH;
        scratchLength = length;
        scratchDeadlineNs = deadlineNs;
        return SendStatus.OK;
    }

    /**
     * One attempt to claim space in the publication's term for a message that fits one frame, for a
     * caller that never waits ({@link DeferredSends#claim}): a term rotation is retried at once, anything
     * else is returned without waiting and without counting (the caller counts refusals once per message).
     *
     * @param length of the message, header included, at most {@link #maxPayloadLength()}.
     * @return {@link SendStatus#OK} and the space is at {@link #buffer()}/{@link #offset()} until
     * {@link #commit()} or {@link #abort()}; or {@link SendStatus#BACK_PRESSURED},
     * {@link SendStatus#NOT_CONNECTED}, {@link SendStatus#CLOSED}, {@link SendStatus#MAX_POSITION_EXCEEDED}.
     */
    int tryClaim(final int length)
    {
        if (state != NONE)
        {
            throw new IllegalStateException("previous claim neither committed nor aborted");
        }
        while (true)
        {
            final long result = publication.tryClaim(length, bufferClaim);
            if (result > 0)
            {
                adminActions = 0;
                bufferClaim.reservedValue(reservedValue);
                state = CLAIMED;
                return SendStatus.OK;
            }
            if (result == Publication.ADMIN_ACTION && ++adminActions <= MAX_IMMEDIATE_ADMIN_RETRIES)
            {
                continue;
            }
            adminActions = 0;
            if (result == Publication.CLOSED)
            {
                return SendStatus.CLOSED;
            }
            if (result == Publication.MAX_POSITION_EXCEEDED)
            {
                return SendStatus.MAX_POSITION_EXCEEDED;
            }
            return result == Publication.NOT_CONNECTED ? SendStatus.NOT_CONNECTED : SendStatus.BACK_PRESSURED;
        }
    }

    /**
     * @return the buffer to encode the claimed message into.
     */
    public MutableDirectBuffer buffer()
    {
        return state == CLAIMED ? bufferClaim.buffer() : scratch;
    }

    /**
     * @return the offset in {@link #buffer()} where the claimed message starts.
     */
    public int offset()
    {
        return state == CLAIMED ? bufferClaim.offset() : 0;
    }

    /**
     * Sends the claimed message.
     *
     * @return a {@link SendStatus}; for a large message, the outcome of its offer.
     */
    public int commit()
    {
        if (state == CLAIMED)
        {
            final int length = bufferClaim.length();
            bufferClaim.commit();
            state = NONE;
            counters.messagesSent.increment();
            counters.bytesSent.getAndAdd(length);
            return SendStatus.OK;
        }
        if (state == SCRATCH)
        {
            state = NONE;
            return offer(scratch, 0, scratchLength, scratchDeadlineNs);
        }
        throw new IllegalStateException("nothing claimed");
    }

    /**
     * Abandons the claimed message; the peer sees padding, or nothing for a large message.
     */
    public void abort()
    {
        if (state == CLAIMED)
        {
            bufferClaim.abort();
        }
        state = NONE;
    }

    /**
     * Sends a message already encoded in a buffer (copying it).
     *
     * @param buffer     holding the message.
     * @param offset     of its first byte.
     * @param length     of the message.
     * @param deadlineNs by which it must be accepted.
     * @return a {@link SendStatus}.
     */
    public int offer(final DirectBuffer buffer, final int offset, final int length, final long deadlineNs)
    {
        if (length > maxMessageLength || length < 0)
        {
            counters.payloadTooLarge.increment();
            counters.sendFailures.increment();
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        boolean backPressured = false;
        boolean notConnected = false;
        while (true)
        {
            final long result = offerOnce(buffer, offset, length);
            if (result > 0)
            {
                return SendStatus.OK;
            }
            final int status = onOfferFailure(result, deadlineNs, backPressured, notConnected);
            if (status != RETRY)
            {
                return status;
            }
            backPressured |= result == Publication.BACK_PRESSURED;
            notConnected |= result == Publication.NOT_CONNECTED;
        }
    }

    /**
     * One attempt to send a message (copying it), for a caller that keeps refused messages and tries them
     * again later ({@link DeferredSends}). A term rotation is retried at once; anything else is returned
     * without waiting. Only a message sent is counted here: whether a refusal is a back-pressured send or a
     * send given up is the caller's to say, and to count, once per message however often it is retried.
     *
     * @param buffer holding the message.
     * @param offset of its first byte.
     * @param length of the message.
     * @return {@link SendStatus#OK}, {@link SendStatus#BACK_PRESSURED}, {@link SendStatus#NOT_CONNECTED},
     * {@link SendStatus#CLOSED}, {@link SendStatus#MAX_POSITION_EXCEEDED} or {@link SendStatus#PAYLOAD_TOO_LARGE}.
     */
    int tryOffer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength || length < 0)
        {
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        while (true)
        {
            final long result = offerOnce(buffer, offset, length);
            if (result > 0)
            {
                return SendStatus.OK;
            }
            if (result == Publication.ADMIN_ACTION && ++adminActions <= MAX_IMMEDIATE_ADMIN_RETRIES)
            {
                continue;
            }
            adminActions = 0;
            if (result == Publication.CLOSED)
            {
                return SendStatus.CLOSED;
            }
            if (result == Publication.MAX_POSITION_EXCEEDED)
            {
                return SendStatus.MAX_POSITION_EXCEEDED;
            }
            return result == Publication.NOT_CONNECTED ? SendStatus.NOT_CONNECTED : SendStatus.BACK_PRESSURED;
        }
    }

    private long offerOnce(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = publication.offer(buffer, offset, length, reservedValueSupplier);
        if (result > 0)
        {
            adminActions = 0;
            counters.messagesSent.increment();
            counters.bytesSent.getAndAdd(length);
        }
        return result;
    }

    private int onOfferFailure(
        final long result, final long deadlineNs, final boolean seenBackPressure, final boolean seenNotConnected)
    {
        if (result == Publication.ADMIN_ACTION && ++adminActions <= MAX_IMMEDIATE_ADMIN_RETRIES)
        {
            // A term rotation: the next attempt usually succeeds. Only a few immediate retries, though: if the
            // driver has not cleaned the next term yet, spinning here would starve it on a small host.
            return RETRY;
        }
        if (result == Publication.CLOSED)
        {
            counters.sendFailures.increment();
            return SendStatus.CLOSED;
        }
        if (result == Publication.MAX_POSITION_EXCEEDED)
        {
            counters.sendFailures.increment();
            return SendStatus.MAX_POSITION_EXCEEDED;
        }
        if (result == Publication.BACK_PRESSURED && !seenBackPressure)
        {
            counters.backPressured.increment();
        }
        else if (result == Publication.NOT_CONNECTED && !seenNotConnected)
        {
            counters.notConnected.increment();
        }

        if (deadlineNs - clock.nanoTime() < 0)
        {
            counters.sendFailures.increment();
            adminActions = 0;
            return result == Publication.NOT_CONNECTED ? SendStatus.NOT_CONNECTED : SendStatus.BACK_PRESSURED;
        }
        // Let an invoker-profile driver move (it may be what we wait for), then back off.
        transport.invoke();
        idleStrategy.idle();
        return RETRY;
    }

    /**
     * Sets the value every later frame carries in its header's reserved field: the deployment's node token,
     * or a client's session token for this peer (see {@link SessionGate}); 0 for none.
     *
     * @param reservedValue to carry.
     */
    public void reservedValue(final long reservedValue)
    {
        this.reservedValue = reservedValue;
    }

    /**
     * @return the value frames carry in their header's reserved field.
     */
    public long reservedValue()
    {
        return reservedValue;
    }

    /**
     * @return true if a subscriber is connected.
     */
    public boolean isConnected()
    {
        return publication.isConnected();
    }

    /**
     * @return the longest message this publisher sends (the transport's configured maximum).
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * @return the largest message sent in one frame through {@code tryClaim}; larger ones are fragmented.
     */
    public int maxPayloadLength()
    {
        return publication.maxPayloadLength();
    }

    /**
     * @return the publication's channel.
     */
    public String channel()
    {
        return publication.channel();
    }

    /**
     * Closes the publication.
     */
    public void close()
    {
        CloseHelper.close(publication);
    }
}
