package io.droplet.store.client;

import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.SendStatus;
import io.droplet.transport.TransportCounters;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The storage requests of one client in flight: the node each went to and its deadline, by correlation id,
 * and what that says about the node. A key's request goes to the first of its replicas not suspected down
 * ({@link ReplicaFailover}); a request left unanswered until its deadline, or refused by a link that stays
 * back-pressured or down, makes its node suspected, so the key's next replica takes the following requests;
 * any answer from a node clears it. Each request ends once: answered, failed to send, or timed out.
 * <p>
 * Shared by every storage client (host cache, registry, public client), so the failover logic exists once.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the client's agent thread. {@link #failover(ReplicaFailover)} may be
 * set from another thread (a client learning its storage nodes).
 */
public final class PendingStoreRequests implements PendingRequests.TimeoutListener
{
    private static final long NO_NODE = -1;

    private final PendingRequests pending;
    private final Long2LongHashMap nodeByCorrelation = new Long2LongHashMap(NO_NODE);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private volatile ReplicaFailover failover;
    private PendingRequests.TimeoutListener timeoutListener;

    /**
     * @param capacity most requests in flight.
     * @param nowNs    current time on the clock deadlines use.
     * @param counters for timeouts, late answers and refusals.
     * @param failover of the storage ring, or null until the client knows its storage nodes.
     */
    public PendingStoreRequests(
        final int capacity, final long nowNs, final TransportCounters counters, final ReplicaFailover failover)
    {
        this.pending = new PendingRequests(capacity, nowNs, counters);
        this.failover = failover;
    }

    /**
     * @param failover of a new storage ring.
     */
    public void failover(final ReplicaFailover failover)
    {
        this.failover = failover;
    }

    /**
     * @return the storage ring's failover, or null.
     */
    public ReplicaFailover failover()
    {
        return failover;
    }

    /**
     * @param key    buffer holding a key.
     * @param offset of the key.
     * @param length of the key.
     * @return the node to send the key's request to: its primary, or its next replica not suspected down.
     * @throws IllegalStateException if no storage nodes are known.
     */
    public long nodeFor(final DirectBuffer key, final int offset, final int length)
    {
        final ReplicaFailover current = failover;
        if (null == current)
        {
            throw new IllegalStateException("no storage nodes known");
        }
        return current.choose(key, offset, length);
    }

    /**
     * @param key a key, as bytes.
     * @return the node to send the key's request to: its primary, or its next replica not suspected down.
     * @throws IllegalStateException if no storage nodes are known.
     */
    public long nodeFor(final byte[] key)
    {
        keyView.wrap(key);
        return nodeFor(keyView, 0, key.length);
    }

    /**
     * Starts tracking a request before it is sent.
     *
     * @param correlationId of the request.
     * @param node          it goes to.
     * @param deadlineNs    by which it must be answered.
     * @return false if too many are in flight (counted) or the id is in flight already.
     */
    public boolean track(final long correlationId, final long node, final long deadlineNs)
    {
        if (!pending.track(correlationId, deadlineNs))
        {
            return false;
        }
        nodeByCorrelation.put(correlationId, node);
        return true;
    }

    /**
     * The request could not be sent: forget it; a node whose link stayed down or back-pressured is passed
     * over for a while.
     *
     * @param correlationId of the request.
     * @param status        the send's {@link SendStatus}.
     */
    public void onSendFailed(final long correlationId, final int status)
    {
        pending.cancel(correlationId);
        final long node = nodeByCorrelation.remove(correlationId);
        if (node != NO_NODE && (status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED))
        {
            suspect(node);
        }
    }

    /**
     * An answer arrived: its node is up.
     *
     * @param correlationId from the answer.
     * @return true if the request was in flight; false for a late or duplicate answer (counted: drop it).
     */
    public boolean onAnswer(final long correlationId)
    {
        final long node = nodeByCorrelation.remove(correlationId);
        final ReplicaFailover current = failover;
        if (node != NO_NODE && null != current)
        {
            current.clear(node);
        }
        return pending.complete(correlationId);
    }

    /**
     * Ends the requests whose deadline passed, suspecting their nodes.
     *
     * @param nowNs    current time.
     * @param listener told each request that timed out, after its node was suspected.
     * @return requests timed out.
     */
    public int expire(final long nowNs, final PendingRequests.TimeoutListener listener)
    {
        timeoutListener = listener;
        return pending.expire(nowNs, this);
    }

    /**
     * {@inheritDoc}
     */
    public void onTimeout(final long correlationId)
    {
        final long node = nodeByCorrelation.remove(correlationId);
        if (node != NO_NODE)
        {
            suspect(node);
        }
        timeoutListener.onTimeout(correlationId);
    }

    /**
     * @param correlationId of a request.
     * @return true while it is in flight.
     */
    public boolean isPending(final long correlationId)
    {
        return pending.isPending(correlationId);
    }

    /**
     * @return requests in flight.
     */
    public int size()
    {
        return pending.size();
    }

    private void suspect(final long node)
    {
        final ReplicaFailover current = failover;
        if (null != current)
        {
            current.suspect(node);
        }
    }
}
