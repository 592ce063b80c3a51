package io.droplet.store.node;

import io.droplet.codecs.sbe.AckDecoder;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.ConnectedDecoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.KeyUpdateDecoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsGetResponseDecoder;
import io.droplet.codecs.sbe.KvsMultiGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.SubscribeEncoder;
import io.droplet.codecs.sbe.UnsubscribeEncoder;
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
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Talks to the storage nodes of a ring: connect, put (a merge, with an ack level), get, multi-get,
 * subscribe. Requests for a key go to its primary replica unless a node is named. Each request gets
 * a correlation id and a deadline; its outcome reaches the {@link StoreClientListener} once, or as
 * TIMEOUT when the deadline passes first.
 * <p>
 * <b>Note:</b> an agent: not thread-safe; requests and {@link #doWork()} run on one thread.
 */
public final class StoreClient implements Agent, FrameHandler, PendingRequests.TimeoutListener
{
    private static final int FRAGMENT_LIMIT = 64;

    private final NodeChannels channels;
    private final StoreClientListener listener;
    private final HashRing ring;
    /** Sends a key's requests to its first replica not suspected down. */
    private final ReplicaFailover failover;
    /** The node each keyed request went to, so an unanswered one can make it suspected. */
    private final org.agrona.collections.Long2LongHashMap nodeByCorrelation = new org.agrona.collections.Long2LongHashMap(-1);
    private final int replicationFactor;
    private final NanoClock clock;
    private final InboundAdapter inbound;
    private final PendingRequests pending;
    private final Introductions introductions;
    private final UnsafeBuffer message;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final ConnectedDecoder connectedDecoder = new ConnectedDecoder();
    private final KvsPutEncoder putEncoder = new KvsPutEncoder();
    private final KvsPutResponseDecoder putResponseDecoder = new KvsPutResponseDecoder();
    private final KvsGetEncoder getEncoder = new KvsGetEncoder();
    private final KvsMultiGetEncoder multiGetEncoder = new KvsMultiGetEncoder();
    private final KvsGetResponseDecoder getResponseDecoder = new KvsGetResponseDecoder();
    private final SubscribeEncoder subscribeEncoder = new SubscribeEncoder();
    private final UnsubscribeEncoder unsubscribeEncoder = new UnsubscribeEncoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final KeyUpdateDecoder keyUpdateDecoder = new KeyUpdateDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
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
        this.channels = channels;
        this.listener = listener;
        this.replicationFactor = replicationFactor;
        this.ring = new HashRing(virtualNodes);
        storageNodes.forEach((node, endpoint) ->
        {
            ring.add(node);
            channels.peers().register(node, endpoint);
        });
        this.clock = channels.transport().context().nanoClock();
        this.failover = new ReplicaFailover(ring, replicationFactor, ReplicaFailover.DEFAULT_SUSPECT_NS, clock);
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(channels.transport().context().maxMessageLength()));
        this.pending = new PendingRequests(
            channels.transport().context().maxPendingRequests(), clock.nanoTime(), channels.counters());
        this.introductions = new Introductions(channels.peers(), channels.counters());
        this.inbound = channels.open(this);
    }

    /**
     * @param key    buffer holding a key.
     * @param offset of the key.
     * @param length of the key.
     * @return the key's primary storage node, or its next replica while the primary is suspected down.
     */
    public long primaryOf(final DirectBuffer key, final int offset, final int length)
    {
        return failover.choose(key, offset, length);
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
        connectEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .clientNode(channels.nodeId())
            .timestamp(System.currentTimeMillis() * 1_000_000L)
            .namespaceName("")
            .identity("")
            .replyEndpoint(channels.self().toString());
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength();
        final byte[] frame = new byte[length];
        message.getBytes(0, frame);
        // Sent again whenever the link comes back: a restarted storage node must learn where to answer.
        introductions.remember(node, frame);
        // Control path (before the client's agent runs): may wait for the link within the deadline.
        return send(node, correlationId, length, deadlineNs, true);
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
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + KvsPutEncoder.BLOCK_LENGTH +
            KvsPutEncoder.keyHeaderLength() + keyLength + KvsPutEncoder.valueHeaderLength() + valueLength;
        if (length > message.capacity())
        {
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        putEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .replyTo(channels.nodeId())
            .ack(ack)
            .putKey(key, keyOffset, keyLength)
            .putValue(value, valueOffset, valueLength);
        return send(node, correlationId, length, deadlineNs);
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
        getEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .replyTo(channels.nodeId())
            .putKey(key, keyOffset, keyLength);
        return send(node, correlationId, MessageHeaderEncoder.ENCODED_LENGTH + getEncoder.encodedLength(), deadlineNs);
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
        multiGetEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .replyTo(channels.nodeId());
        final KvsMultiGetEncoder.KeysEncoder group = multiGetEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        return send(node, correlationId, MessageHeaderEncoder.ENCODED_LENGTH + multiGetEncoder.encodedLength(), deadlineNs);
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
        subscribeEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .subscriber(channels.nodeId());
        final SubscribeEncoder.KeysEncoder group = subscribeEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        return send(node, correlationId, MessageHeaderEncoder.ENCODED_LENGTH + subscribeEncoder.encodedLength(), deadlineNs);
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
        unsubscribeEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .subscriber(channels.nodeId());
        final UnsubscribeEncoder.KeysEncoder group = unsubscribeEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        return send(node, correlationId, MessageHeaderEncoder.ENCODED_LENGTH + unsubscribeEncoder.encodedLength(), deadlineNs);
    }

    private long send(final long node, final long correlationId, final int length, final long deadlineNs)
    {
        return send(node, correlationId, length, deadlineNs, false);
    }

    private long send(final long node, final long correlationId, final int length, final long deadlineNs, final boolean mayWait)
    {
        final MessagePublisher publisher = channels.peers().publisher(node);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        if (!pending.track(correlationId, deadlineNs))
        {
            return SendStatus.NO_RESOURCES;
        }
        // Never wait out the request's deadline here: this runs on a node's duty cycle, and a peer that takes
        // nothing (partitioned away, or held by a dead subscriber) would stall every role of the node with it.
        // A refused offer fails the request at once, and the node is passed over for a while.
        final long now = clock.nanoTime();
        final int status = publisher.offer(message, 0, length,
            mayWait ? deadlineNs : Math.min(deadlineNs, now + channels.transport().context().sendTimeoutNs()));
        if (status != SendStatus.OK)
        {
            pending.cancel(correlationId);
            if (status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED)
            {
                failover.suspect(node);
            }
            return status;
        }
        nodeByCorrelation.put(correlationId, node);
        return correlationId;
    }

    /**
     * @param node a storage node.
     * @return true once this client's publication to it is connected.
     */
    public boolean isConnectedTo(final long node)
    {
        final MessagePublisher publisher = channels.peers().publisher(node);
        return null != publisher && publisher.isConnected();
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
        final long node = nodeByCorrelation.remove(correlationId);
        if (node != -1)
        {
            failover.suspect(node);
        }
        listener.onError(correlationId, ErrorCode.TIMEOUT);
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case KvsPutResponseDecoder.TEMPLATE_ID:
            {
                putResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = putResponseDecoder.correlationId();
                if (answered(correlationId))
                {
                    final ErrorCode code = putResponseDecoder.code();
                    if (code == ErrorCode.NONE)
                    {
                        listener.onPutAcknowledged(correlationId);
                    }
                    else
                    {
                        listener.onError(correlationId, code);
                    }
                }
                break;
            }
            case KvsGetResponseDecoder.TEMPLATE_ID:
                onGetResponse(buffer, offset);
                break;
            case ConnectedDecoder.TEMPLATE_ID:
            {
                connectedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = connectedDecoder.correlationId();
                if (answered(correlationId))
                {
                    listener.onConnected(correlationId);
                }
                break;
            }
            case AckDecoder.TEMPLATE_ID:
            {
                ackDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = ackDecoder.correlationId();
                if (answered(correlationId))
                {
                    listener.onAck(correlationId);
                }
                break;
            }
            case KeyUpdateDecoder.TEMPLATE_ID:
            {
                keyUpdateDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long source = keyUpdateDecoder.source();
                final int keyLength = keyUpdateDecoder.keyLength();
                final int keyOffset = keyUpdateDecoder.limit() + KeyUpdateDecoder.keyHeaderLength();
                keyUpdateDecoder.skipKey();
                final int valueLength = keyUpdateDecoder.valueLength();
                final int valueOffset = keyUpdateDecoder.limit() + KeyUpdateDecoder.valueHeaderLength();
                listener.onKeyUpdate(source, buffer, keyOffset, keyLength, valueOffset, valueLength);
                break;
            }
            case ErrorDecoder.TEMPLATE_ID:
            {
                errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = errorDecoder.correlationId();
                if (answered(correlationId))
                {
                    listener.onError(correlationId, errorDecoder.code());
                }
                break;
            }
            default:
                break;
        }
    }

    /**
     * @return true if the answer is to a request still pending (then its node is known to be up).
     */
    private boolean answered(final long correlationId)
    {
        final long node = nodeByCorrelation.remove(correlationId);
        if (node != -1)
        {
            failover.clear(node);
        }
        return pending.complete(correlationId);
    }

    private void onGetResponse(final DirectBuffer buffer, final int offset)
    {
        getResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = getResponseDecoder.correlationId();
        if (!answered(correlationId))
        {
            return;
        }
        int index = 0;
        for (final KvsGetResponseDecoder.EntriesDecoder entry : getResponseDecoder.entries())
        {
            final boolean found = entry.found() == BooleanType.TRUE;
            final int keyLength = entry.keyLength();
            final int keyOffset = getResponseDecoder.limit() + KvsGetResponseDecoder.EntriesDecoder.keyHeaderLength();
            entry.skipKey();
            final int valueLength = entry.valueLength();
            final int valueOffset = getResponseDecoder.limit() + KvsGetResponseDecoder.EntriesDecoder.valueHeaderLength();
            entry.skipValue();
            listener.onGetEntry(correlationId, index++, found, buffer, keyOffset, keyLength, valueOffset, valueLength);
        }
        listener.onGetComplete(correlationId);
    }
}
