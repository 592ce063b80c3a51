package io.droplet.store.client;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.Endpoint;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.Introductions;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.EpochNanoClock;

import java.util.List;

/**
 * Talks to the storage nodes of a ring: connect, put (a merge, with an ack level), get, multi-get,
 * subscribe. Requests for a key go to its primary replica unless a node is named. Each request gets
 * a correlation id and a deadline; its outcome reaches the {@link StoreClientListener} once, or as
 * TIMEOUT when the deadline passes first.
 * <p>
 * A thin duty cycle over the storage protocol's parts: a {@link StoreRequestPublisher} encodes the
 * requests, a {@link StoreResponseAdapter} decodes the answers, and {@link PendingStoreRequests} tracks
 * each request's node and deadline and fails a key over to its next replica (the public client uses the
 * same three).
 * <p>
 * <b>Note:</b> an agent: not thread-safe; requests and {@link #doWork()} run on one thread.
 */
public final class StoreClient implements Agent, FrameHandler, PendingRequests.TimeoutListener
{
    private static final int FRAGMENT_LIMIT = 64;

    private final NodeChannels channels;
    private final StoreClientListener listener;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final long sendTimeoutNs;
    private final InboundAdapter inbound;
    private final PendingStoreRequests pending;
    private final Introductions introductions;
    private final StoreRequestPublisher publisher;
    private final StoreResponseAdapter adapter;
    private long nextCorrelationId = 1;

    /**
     * @param channels          of the client node; its inbound side is opened here.
     * @param storageNodes      of the ring, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring (as the storage nodes use).
     * @param listener          of outcomes.
     */
    public StoreClient(
        final NodeChannels channels,
        final Long2ObjectHashMap<Endpoint> storageNodes,
        final int replicationFactor,
        final int virtualNodes,
        final StoreClientListener listener)
    {
        this(channels, storageNodes, replicationFactor, virtualNodes, listener, channels.transport().context().nanoClock(),
            new SystemEpochNanoClock(), ReplicaFailover.DEFAULT_SUSPECT_NS);
    }

    /**
     * A storage client on its owning role's clocks: request deadlines the role computes are compared on the
     * same clock they were computed on.
     *
     * @param channels          of the client node; its inbound side is opened here.
     * @param storageNodes      of the ring, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring (as the storage nodes use).
     * @param listener          of outcomes.
     * @param clock             the owning role's monotonic clock (deadlines, suspicion).
     * @param epochClock        the owning role's wall clock (the time a Connect carries).
     * @param suspectNs         how long a storage node that left a request unanswered is passed over.
     */
    public StoreClient(
        final NodeChannels channels,
        final Long2ObjectHashMap<Endpoint> storageNodes,
        final int replicationFactor,
        final int virtualNodes,
        final StoreClientListener listener,
        final NanoClock clock,
        final EpochNanoClock epochClock,
        final long suspectNs)
    {
        this.channels = channels;
        this.epochClock = epochClock;
        this.listener = listener;
        final HashRing ring = new HashRing(virtualNodes);
        storageNodes.forEach((node, endpoint) ->
        {
            ring.add(node);
            channels.peers().register(node, endpoint);
        });
        this.clock = clock;
        this.sendTimeoutNs = channels.transport().context().sendTimeoutNs();
        this.pending = new PendingStoreRequests(
            channels.transport().context().maxPendingRequests(), clock.nanoTime(), channels.counters(),
            new ReplicaFailover(ring, replicationFactor, suspectNs, clock));
        this.introductions = new Introductions(channels.peers(), channels.counters());
        this.publisher = new StoreRequestPublisher(channels.peers(), channels.nodeId());
        this.adapter = new StoreResponseAdapter(new Answers());
        this.inbound = channels.open(adapter);
    }

    /**
     * @param key    buffer holding a key.
     * @param offset of the key.
     * @param length of the key.
     * @return the key's primary storage node, or its next replica while the primary is suspected down.
     */
    public long primaryOf(final DirectBuffer key, final int offset, final int length)
    {
        return pending.nodeFor(key, offset, length);
    }

    /**
     * Introduces this client to a storage node so its replies can reach us.
     *
     * @param node       storage node.
     * @param deadlineNs for the answer.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long connect(final long node, final long deadlineNs)
    {
        final long correlationId = nextCorrelationId++;
        if (null == channels.peers().publisher(node))
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        if (!pending.track(correlationId, node, deadlineNs))
        {
            return SendStatus.NO_RESOURCES;
        }
        // Control path (before the client's agent runs): may wait for the link within the deadline. The frame is
        // kept and sent again whenever the link comes back: a restarted storage node must learn where to answer.
        final int status = publisher.connect(node, correlationId, epochClock.nanoTime(), "", "",
            channels.self().toString(), introductions, deadlineNs);
        return sent(correlationId, status);
    }

    /**
     * Puts (merges) a lattice value through the key's primary replica.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param value       buffer holding the encoded lattice.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     * @param ack         ONE or ALL.
     * @param deadlineNs  for the acknowledgement.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long put(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength,
        final AckLevel ack, final long deadlineNs)
    {
        return putVia(primaryOf(key, keyOffset, keyLength), key, keyOffset, keyLength, value, valueOffset, valueLength,
            ack, deadlineNs);
    }

    /**
     * Puts through a chosen node, which coordinates the replicas.
     *
     * @param node        coordinating storage node.
     * @param key         buffer holding the key.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param value       buffer holding the encoded lattice.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     * @param ack         ONE or ALL.
     * @param deadlineNs  for the acknowledgement.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long putVia(
        final long node,
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength,
        final AckLevel ack, final long deadlineNs)
    {
        final long correlationId = nextCorrelationId++;
        final int tracked = track(correlationId, node, deadlineNs);
        if (tracked != SendStatus.OK)
        {
            return tracked;
        }
        return sent(correlationId, publisher.put(node, correlationId, ack, key, keyOffset, keyLength,
            value, valueOffset, valueLength, sendDeadline(deadlineNs)));
    }

    /**
     * Gets a key's value from its primary replica.
     *
     * @param key        buffer holding the key.
     * @param keyOffset  of the key.
     * @param keyLength  of the key.
     * @param deadlineNs for the answer.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long get(final DirectBuffer key, final int keyOffset, final int keyLength, final long deadlineNs)
    {
        return getFrom(primaryOf(key, keyOffset, keyLength), key, keyOffset, keyLength, deadlineNs);
    }

    /**
     * Gets a key's value from a chosen node.
     *
     * @param node       storage node.
     * @param key        buffer holding the key.
     * @param keyOffset  of the key.
     * @param keyLength  of the key.
     * @param deadlineNs for the answer.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long getFrom(final long node, final DirectBuffer key, final int keyOffset, final int keyLength, final long deadlineNs)
    {
        final long correlationId = nextCorrelationId++;
        final int tracked = track(correlationId, node, deadlineNs);
        if (tracked != SendStatus.OK)
        {
            return tracked;
        }
        return sent(correlationId, publisher.get(node, correlationId, key, keyOffset, keyLength, sendDeadline(deadlineNs)));
    }

    /**
     * Gets several keys from one node in one round trip (control path: takes arrays).
     *
     * @param node       storage node.
     * @param keys       to get.
     * @param deadlineNs for the answer.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long multiGet(final long node, final List<byte[]> keys, final long deadlineNs)
    {
        final long correlationId = nextCorrelationId++;
        final int tracked = track(correlationId, node, deadlineNs);
        if (tracked != SendStatus.OK)
        {
            return tracked;
        }
        return sent(correlationId, publisher.multiGet(node, correlationId, keys, sendDeadline(deadlineNs)));
    }

    /**
     * Subscribes this client to updates of keys held by a node.
     *
     * @param node       storage node.
     * @param keys       to follow.
     * @param deadlineNs for the acknowledgement.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long subscribe(final long node, final List<byte[]> keys, final long deadlineNs)
    {
        final long correlationId = nextCorrelationId++;
        final int tracked = track(correlationId, node, deadlineNs);
        if (tracked != SendStatus.OK)
        {
            return tracked;
        }
        return sent(correlationId, publisher.subscribe(node, correlationId, keys, sendDeadline(deadlineNs)));
    }

    /**
     * Stops following keys.
     *
     * @param node       storage node.
     * @param keys       to stop following.
     * @param deadlineNs for the acknowledgement.
     * @return the correlation id, or a negative {@link SendStatus}.
     */
    public long unsubscribe(final long node, final List<byte[]> keys, final long deadlineNs)
    {
        final long correlationId = nextCorrelationId++;
        final int tracked = track(correlationId, node, deadlineNs);
        if (tracked != SendStatus.OK)
        {
            return tracked;
        }
        return sent(correlationId, publisher.unsubscribe(node, correlationId, keys, sendDeadline(deadlineNs)));
    }

    private int track(final long correlationId, final long node, final long deadlineNs)
    {
        if (null == channels.peers().publisher(node))
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        return pending.track(correlationId, node, deadlineNs) ? SendStatus.OK : SendStatus.NO_RESOURCES;
    }

    /**
     * Never wait out the request's deadline when sending: this runs on a node's duty cycle, and a peer that takes
     * nothing (partitioned away, or held by a dead subscriber) would stall every role of the node with it. A
     * refused offer fails the request at once, and the node is passed over for a while.
     */
    private long sendDeadline(final long deadlineNs)
    {
        return Math.min(deadlineNs, clock.nanoTime() + sendTimeoutNs);
    }

    private long sent(final long correlationId, final int status)
    {
        if (status != SendStatus.OK)
        {
            pending.onSendFailed(correlationId, status);
            return status;
        }
        return correlationId;
    }

    /**
     * @param node a storage node.
     * @return true once this client's publication to it is connected.
     */
    public boolean isConnectedTo(final long node)
    {
        final MessagePublisher nodePublisher = channels.peers().publisher(node);
        return null != nodePublisher && nodePublisher.isConnected();
    }

    /**
     * @return requests in flight.
     */
    public int inFlight()
    {
        return pending.size();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long now = clock.nanoTime();
        return inbound.poll(FRAGMENT_LIMIT) + pending.expire(now, this) + introductions.check(now);
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-store-client";
    }

    /**
     * {@inheritDoc}
     */
    public void onTimeout(final long correlationId)
    {
        introductions.onTimeout();
        listener.onError(correlationId, ErrorCode.TIMEOUT);
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        adapter.onFrame(templateId, buffer, offset, length);
    }

    /**
     * Answers from the adapter: each reaches the {@link StoreClientListener} only if its request is still in
     * flight (a late or duplicate answer is counted and dropped).
     */
    private final class Answers implements StoreResponseListener
    {
        public void onConnected(final long correlationId, final long sessionId)
        {
            if (pending.onAnswer(correlationId))
            {
                listener.onConnected(correlationId);
            }
        }

        public void onPutResponse(final long correlationId, final ErrorCode code)
        {
            if (pending.onAnswer(correlationId))
            {
                if (code == ErrorCode.NONE)
                {
                    listener.onPutAcknowledged(correlationId);
                }
                else
                {
                    listener.onError(correlationId, code);
                }
            }
        }

        public boolean onGetResponse(final long correlationId, final ErrorCode code)
        {
            return pending.onAnswer(correlationId);
        }

        public void onGetEntry(
            final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
            final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
        {
            listener.onGetEntry(correlationId, index, found, buffer, keyOffset, keyLength, valueOffset, valueLength);
        }

        public void onGetComplete(final long correlationId)
        {
            listener.onGetComplete(correlationId);
        }

        public void onAck(final long correlationId)
        {
            if (pending.onAnswer(correlationId))
            {
                listener.onAck(correlationId);
            }
        }

        public void onKeyUpdate(
            final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength,
            final int valueOffset, final int valueLength)
        {
            listener.onKeyUpdate(source, buffer, keyOffset, keyLength, valueOffset, valueLength);
        }

        public void onError(
            final long correlationId, final ErrorCode code, final DirectBuffer buffer, final int detailOffset,
            final int detailLength)
        {
            if (pending.onAnswer(correlationId))
            {
                listener.onError(correlationId, code);
            }
        }
    }
}
