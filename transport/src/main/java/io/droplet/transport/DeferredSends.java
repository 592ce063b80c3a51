package io.droplet.transport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;

/**
 * Sends for agents that must never wait: a message whose link is not connected yet or is briefly
 * back-pressured is kept and offered again on later duty cycles, until a retry window passes; then it
 * is dropped and counted. A link to another process connects asynchronously after its publication is
 * created, so without this the first messages on every new link would be lost.
 * <p>
 * Keeping a message copies it (the rare path); the common path is one offer, allocation-free.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent.
 */
public final class DeferredSends
{
    private record Deferred(long destination, byte[] frame, long giveUpNs)
    {
    }

    private final PeerDirectory peers;
    private final TransportCounters counters;
    private final long retryWindowNs;
    private final int capacity;
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    /**
     * @param peers         to find publishers in.
     * @param counters      of the owning node (messages given up count as send failures).
     * @param retryWindowNs how long a message is kept trying.
     * @param capacity      most messages kept; beyond it a failed send is dropped at once.
     */
    public DeferredSends(final PeerDirectory peers, final TransportCounters counters, final long retryWindowNs, final int capacity)
    {
        this.peers = peers;
        this.counters = counters;
        this.retryWindowNs = retryWindowNs;
        this.capacity = capacity;
    }

    /**
     * Offers a message now, or keeps it for later if its link is not ready.
     *
     * @param destination node id.
     * @param buffer      holding the message.
     * @param offset      of the message.
     * @param length      of the message.
     * @param nowNs       current time.
     * @return {@link SendStatus#OK} if sent or kept; otherwise the failure (unknown node, closed, too large, queue full).
     */
    public int send(final long destination, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final MessagePublisher publisher = peers.publisher(destination);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int status = publisher.offer(buffer, offset, length, nowNs);
        if ((status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED) && deferred.size() < capacity)
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            deferred.addLast(new Deferred(destination, frame, nowNs + retryWindowNs));
            return SendStatus.OK;
        }
        return status;
    }

    /**
     * Offers the kept messages again; drops those whose window passed.
     *
     * @param nowNs current time.
     * @return messages sent.
     */
    public int retry(final long nowNs)
    {
        int sent = 0;
        for (int i = deferred.size(); i > 0; i--)
        {
            final Deferred message = deferred.pollFirst();
            final MessagePublisher publisher = peers.publisher(message.destination());
            view.wrap(message.frame());
            final int status = null == publisher ? SendStatus.UNKNOWN_DESTINATION :
                publisher.offer(view, 0, message.frame().length, nowNs);
            if (status == SendStatus.OK)
            {
                sent++;
            }
            else if (nowNs - message.giveUpNs() < 0 && (status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED))
            {
                deferred.addLast(message);
            }
            else
            {
                counters.sendFailures.increment();
            }
        }
        return sent;
    }

    /**
     * @return messages kept for another try.
     */
    public int size()
    {
        return deferred.size();
    }
}
