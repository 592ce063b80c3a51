package io.droplet.transport;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;

/**
 * Sends for agents that must never wait: a message whose link is not connected yet or is briefly
 * back-pressured is kept and offered again on later duty cycles, until a retry window passes; then it
 * is dropped and counted. A link to another process connects asynchronously after its publication is
 * created, so without this the first messages on every new link would be lost.
 * <p>
 * Bounded, so a peer that stops reading cannot take the node's memory or time: at most {@code capacity}
 * messages and {@link #DEFAULT_MAX_BYTES} bytes are kept, at most a quarter of those bytes for any one
 * destination; beyond that a send fails at once (a caller's deadline then answers). Order per
 * destination is kept: while messages wait for a destination, new ones to it queue behind them. A
 * retry pass offers to a destination until its first refusal and skips the rest of its messages, so a
 * stalled peer costs one offer per duty cycle.
 * <p>
 * Keeping a message copies it (the rare path); the common path is one offer, allocation-free. Counters
 * count messages, not attempts: a message kept counts once as back-pressured (or not connected) when
 * first refused, and once as a send failure if it is given up, however often it was offered between.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent.
 */
public final class DeferredSends
{
    /** Bytes of kept messages, at most, by default. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    private record Deferred(long destination, byte[] frame, long giveUpNs)
    {
    }

    private final PeerDirectory peers;
    private final TransportCounters counters;
    private final long retryWindowNs;
    private final int capacity;
    private final long maxBytes;
    private final long maxBytesPerDestination;
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
    private final Long2LongHashMap waitingByDestination = new Long2LongHashMap(0);
    private final Long2LongHashMap bytesByDestination = new Long2LongHashMap(-1);
    private final LongHashSet refusedThisPass = new LongHashSet();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long bytes;

    /**
     * @param peers         to find publishers in.
     * @param counters      of the owning node (messages given up count as send failures).
     * @param retryWindowNs how long a message is kept trying.
     * @param capacity      most messages kept; beyond it a failed send is dropped at once.
     */
    public DeferredSends(final PeerDirectory peers, final TransportCounters counters, final long retryWindowNs, final int capacity)
    {
        this(peers, counters, retryWindowNs, capacity, DEFAULT_MAX_BYTES);
    }

    /**
     * @param peers         to find publishers in.
     * @param counters      of the owning node (messages given up count as send failures).
     * @param retryWindowNs how long a message is kept trying.
     * @param capacity      most messages kept.
     * @param maxBytes      most bytes kept; a quarter of it for one destination.
     */
    public DeferredSends(
        final PeerDirectory peers, final TransportCounters counters, final long retryWindowNs, final int capacity,
        final long maxBytes)
    {
        this.peers = peers;
        this.counters = counters;
        this.retryWindowNs = retryWindowNs;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.maxBytesPerDestination = maxBytes / 4;
    }

    /**
     * Offers a message now, or keeps it for later if its link is not ready (or messages wait for it).
     *
     * @param destination node id.
     * @param buffer      holding the message.
     * @param offset      of the message.
     * @param length      of the message.
     * @param nowNs       current time.
     * @return {@link SendStatus#OK} if sent or kept; otherwise the failure (unknown node, closed, too large, over the bounds).
     */
    public int send(final long destination, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final MessagePublisher publisher = peers.publisher(destination);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int status;
        if (waitingByDestination.get(destination) > 0)
        {
            status = SendStatus.BACK_PRESSURED; // behind messages already waiting: order per destination
        }
        else
        {
            status = publisher.tryOffer(buffer, offset, length);
            countRefusal(status);
        }
        if (status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED)
        {
            if (deferred.size() >= capacity || bytes + length > maxBytes ||
                bytesOf(destination) + length > maxBytesPerDestination)
            {
                counters.sendFailures.increment();
                return status;
            }
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            deferred.addLast(new Deferred(destination, frame, nowNs + retryWindowNs));
            waitingByDestination.put(destination, waitingByDestination.get(destination) + 1);
            bytesByDestination.put(destination, bytesOf(destination) + length);
            bytes += length;
            return SendStatus.OK;
        }
        if (status != SendStatus.OK)
        {
            counters.sendFailures.increment();
        }
        return status;
    }

    private void countRefusal(final int status)
    {
        if (status == SendStatus.BACK_PRESSURED)
        {
            counters.backPressured.increment();
        }
        else if (status == SendStatus.NOT_CONNECTED)
        {
            counters.notConnected.increment();
        }
        else if (status == SendStatus.PAYLOAD_TOO_LARGE)
        {
            counters.payloadTooLarge.increment();
        }
    }

    /**
     * Offers the kept messages again, in order per destination; drops those whose window passed.
     *
     * @param nowNs current time.
     * @return messages sent.
     */
    public int retry(final long nowNs)
    {
        int sent = 0;
        refusedThisPass.clear();
        for (int i = deferred.size(); i > 0; i--)
        {
            final Deferred message = deferred.pollFirst();
            final long destination = message.destination();
            final int status;
            if (refusedThisPass.contains(destination))
            {
                status = SendStatus.BACK_PRESSURED;
            }
            else
            {
                final MessagePublisher publisher = peers.publisher(destination);
                view.wrap(message.frame());
                status = null == publisher ? SendStatus.UNKNOWN_DESTINATION : publisher.tryOffer(view, 0, message.frame().length);
            }
            if (status == SendStatus.OK)
            {
                sent++;
                forget(message);
            }
            else if (nowNs - message.giveUpNs() < 0 && (status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED))
            {
                refusedThisPass.add(destination);
                deferred.addLast(message);
            }
            else
            {
                // Given up, once: the refusals before this were retries, not failures.
                counters.sendFailures.increment();
                forget(message);
            }
        }
        return sent;
    }

    private long bytesOf(final long destination)
    {
        return Math.max(0, bytesByDestination.get(destination));
    }

    private void forget(final Deferred message)
    {
        final long destination = message.destination();
        final long waiting = waitingByDestination.get(destination) - 1;
        if (waiting <= 0)
        {
            waitingByDestination.remove(destination);
            bytesByDestination.remove(destination);
        }
        else
        {
            waitingByDestination.put(destination, waiting);
            bytesByDestination.put(destination, Math.max(0, bytesOf(destination) - message.frame().length));
        }
        bytes -= message.frame().length;
    }

    /**
     * @return messages kept for another try.
     */
    public int size()
    {
        return deferred.size();
    }

    /**
     * @return bytes of the messages kept.
     */
    public long bytes()
    {
        return bytes;
    }
}
