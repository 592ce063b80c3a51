package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckDecoder;
import io.droplet.codecs.sbe.AckEncoder;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.ConnectedEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.GossipDecoder;
import io.droplet.codecs.sbe.GossipEncoder;
import io.droplet.codecs.sbe.KeyUpdateEncoder;
import io.droplet.codecs.sbe.KvsGetDecoder;
import io.droplet.codecs.sbe.KvsGetResponseEncoder;
import io.droplet.codecs.sbe.KvsMergeDecoder;
import io.droplet.codecs.sbe.KvsMergeEncoder;
import io.droplet.codecs.sbe.KvsMultiGetDecoder;
import io.droplet.codecs.sbe.KvsPutDecoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.KvsPutResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.SubscribeDecoder;
import io.droplet.codecs.sbe.UnsubscribeDecoder;
import io.droplet.store.ring.HashRing;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreCounters;
import io.droplet.store.storage.StoreStatus;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The storage node agent: serves its shard of the lattice KVS over the transport (see the package
 * documentation for the protocol: coordination of puts, ack levels, gossip, hello, subscriptions).
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class StorageNode implements Agent, FrameHandler, PendingRequests.TimeoutListener
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final long NO_REPLY = 0;
    private static final int MAX_GOSSIP_BATCHES_PER_PEER = 8;

    /** A client's put waiting for replica acknowledgements. */
    private static final class PendingPut
    {
        final long correlationId;
        final long replyTo;
        int remaining;
        boolean done;

        PendingPut(final long correlationId, final long replyTo, final int remaining)
        {
            this.correlationId = correlationId;
            this.replyTo = replyTo;
            this.remaining = remaining;
        }
    }

    private final long nodeId;
    private final NodeChannels channels;
    private final LatticeStore store;
    private final StoreCounters counters;
    private final HashRing ring;
    private final int replicationFactor;
    private final long gossipPeriodNs;
    private final long replicaTimeoutNs;
    private final int gossipBatch;
    private final NanoClock clock;
    private final InboundAdapter inbound;
    private final ErrorReplier errorReplier;
    private final PendingRequests forwardAcks;
    private final Long2ObjectHashMap<PendingPut> putByForwardId = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LinkedHashSet<ByteKey>> dirtyByPeer = new Long2ObjectHashMap<>();
    private final LongHashSet helloPending = new LongHashSet();
    private final LongHashSet unreachablePeers = new LongHashSet();
    private final Object2ObjectHashMap<ByteKey, LongHashSet> subscribersByKey = new Object2ObjectHashMap<>();
    private final List<ByteKey> batch = new ArrayList<>();
    private final long[] replicas;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final KvsGetDecoder getDecoder = new KvsGetDecoder();
    private final KvsMultiGetDecoder multiGetDecoder = new KvsMultiGetDecoder();
    private final KvsGetResponseEncoder getResponseEncoder = new KvsGetResponseEncoder();
    private final KvsPutDecoder putDecoder = new KvsPutDecoder();
    private final KvsMergeDecoder mergeDecoder = new KvsMergeDecoder();
    private final KvsMergeEncoder mergeEncoder = new KvsMergeEncoder();
    private final KvsPutResponseDecoder putResponseDecoder = new KvsPutResponseDecoder();
    private final KvsPutResponseEncoder putResponseEncoder = new KvsPutResponseEncoder();
    private final SubscribeDecoder subscribeDecoder = new SubscribeDecoder();
    private final UnsubscribeDecoder unsubscribeDecoder = new UnsubscribeDecoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final GossipDecoder gossipDecoder = new GossipDecoder();
    private final GossipEncoder gossipEncoder = new GossipEncoder();
    private final KeyUpdateEncoder keyUpdateEncoder = new KeyUpdateEncoder();

    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer value;
    private final UnsafeBuffer message;
    private final int[] batchValueOffsets;
    private final int[] batchValueLengths;
    private long nextForwardId = 1;
    private long gossipRound;
    private long nextGossipNs;
    private long repliesUndeliverable;

    /**
     * @param context parts and settings; the node opens the inbound side of its channels.
     */
    public StorageNode(final StorageNodeContext context)
    {
        this.channels = context.channels();
        this.nodeId = channels.nodeId();
        this.store = context.store();
        this.counters = context.counters();
        this.replicationFactor = context.replicationFactor();
        this.gossipPeriodNs = context.gossipPeriodNs();
        this.replicaTimeoutNs = context.replicaTimeoutNs();
        this.gossipBatch = context.gossipBatch();
        this.clock = channels.transport().context().nanoClock();
        this.replicas = new long[Math.max(1, replicationFactor)];
        this.ring = new HashRing(context.virtualNodes());
        context.peers().forEach((peer, endpoint) ->
        {
            ring.add(peer);
            if (peer != nodeId)
            {
                channels.peers().register(peer, endpoint);
                dirtyByPeer.put(peer, new LinkedHashSet<>());
                helloPending.add(peer);
            }
        });
        if (!ring.contains(nodeId))
        {
            throw new IllegalArgumentException("node " + nodeId + " is not among the configured storage peers");
        }

        final int maxMessage = channels.transport().context().maxMessageLength();
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.batchValueOffsets = new int[gossipBatch];
        this.batchValueLengths = new int[gossipBatch];
        this.errorReplier = new ErrorReplier(channels);
        this.forwardAcks = new PendingRequests(
            channels.transport().context().maxPendingRequests(), clock.nanoTime(), channels.counters());
        this.nextGossipNs = clock.nanoTime();
        this.inbound = channels.open(this);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long now = clock.nanoTime();
        int work = inbound.poll(FRAGMENT_LIMIT);
        work += forwardAcks.expire(now, this);
        if (now - nextGossipNs >= 0)
        {
            nextGossipNs = now + gossipPeriodNs;
            work += gossip();
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-storage-node";
    }

    /**
     * @return this node's ring (its own copy).
     */
    public HashRing ring()
    {
        return ring;
    }

    /**
     * @return replies that could not be sent because the requester is unknown or unreachable.
     */
    public long repliesUndeliverable()
    {
        return repliesUndeliverable;
    }

    /**
     * @return keys waiting to be gossiped, over all peers.
     */
    public int pendingGossip()
    {
        int total = 0;
        for (final LinkedHashSet<ByteKey> dirty : dirtyByPeer.values())
        {
            total += dirty.size();
        }
        return total + helloPending.size();
    }

    // ------------------------------------------------------------------ inbound

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case KvsGetDecoder.TEMPLATE_ID:
                onGet(buffer, offset);
                break;
            case KvsMultiGetDecoder.TEMPLATE_ID:
                onMultiGet(buffer, offset);
                break;
            case KvsPutDecoder.TEMPLATE_ID:
                onPut(buffer, offset);
                break;
            case KvsMergeDecoder.TEMPLATE_ID:
                onReplicaMerge(buffer, offset);
                break;
            case KvsPutResponseDecoder.TEMPLATE_ID:
                onReplicaAck(buffer, offset);
                break;
            case GossipDecoder.TEMPLATE_ID:
                onGossip(buffer, offset);
                break;
            case SubscribeDecoder.TEMPLATE_ID:
                onSubscribe(buffer, offset);
                break;
            case UnsubscribeDecoder.TEMPLATE_ID:
                onUnsubscribe(buffer, offset);
                break;
            case ConnectDecoder.TEMPLATE_ID:
                onConnect(buffer, offset);
                break;
            default:
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        errorReplier.replyToRejected(rejection, buffer, offset, length);
    }

    private void onConnect(final DirectBuffer buffer, final int offset)
    {
        connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = connectDecoder.correlationId();
        final long clientNode = connectDecoder.clientNode();
        connectDecoder.skipNamespaceName();
        connectDecoder.skipIdentity();
        final Endpoint endpoint;
        try
        {
            endpoint = Endpoint.parse(connectDecoder.replyEndpoint());
        }
        catch (final IllegalArgumentException ex)
        {
            channels.transport().errorHandler().onError(ex);
            return;
        }
        channels.peers().register(clientNode, endpoint);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ConnectedEncoder.BLOCK_LENGTH;
        connectedEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            // A secured node answers an authenticated client with its session token (0 otherwise: the client id).
            .sessionId(0 != inbound.sessionToken() ? inbound.sessionToken() : clientNode)
            .leaseTimeoutNs(0);
        send(clientNode, length);
    }

    private void onGet(final DirectBuffer buffer, final int offset)
    {
        getDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = getDecoder.correlationId();
        final long replyTo = getDecoder.replyTo();
        getDecoder.wrapKey(keyView);
        counters.gets.increment();

        getResponseEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId);
        final int found = store.get(keyView, 0, keyView.capacity(), value, 0, value.capacity());
        getResponseEncoder.code(found >= 0 ? ErrorCode.NONE : ErrorCode.KEY_NOT_FOUND);
        final KvsGetResponseEncoder.EntriesEncoder entries = getResponseEncoder.entriesCount(1);
        putEntry(entries.next(), found);
        send(replyTo, MessageHeaderEncoder.ENCODED_LENGTH + getResponseEncoder.encodedLength());
    }

    private void onMultiGet(final DirectBuffer buffer, final int offset)
    {
        multiGetDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = multiGetDecoder.correlationId();
        final long replyTo = multiGetDecoder.replyTo();
        final KvsMultiGetDecoder.KeysDecoder keys = multiGetDecoder.keys();

        getResponseEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .code(ErrorCode.NONE);
        final KvsGetResponseEncoder.EntriesEncoder entries = getResponseEncoder.entriesCount(keys.count());
        final int budget = message.capacity() - 1024;
        while (keys.hasNext())
        {
            keys.next().wrapKey(keyView);
            counters.gets.increment();
            final int found = store.get(keyView, 0, keyView.capacity(), value, 0, value.capacity());
            if (getResponseEncoder.limit() + keyView.capacity() + Math.max(0, found) + 16 > budget)
            {
                errorReplier.reply(replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE, "multi-get answer exceeds the message limit");
                return;
            }
            putEntry(entries.next(), found);
        }
        send(replyTo, MessageHeaderEncoder.ENCODED_LENGTH + getResponseEncoder.encodedLength());
    }

    private void putEntry(final KvsGetResponseEncoder.EntriesEncoder entry, final int valueLength)
    {
        entry.found(valueLength >= 0 ? BooleanType.TRUE : BooleanType.FALSE)
            .putKey(keyView, 0, keyView.capacity())
            .putValue(value, 0, Math.max(0, valueLength));
    }

    private void onPut(final DirectBuffer buffer, final int offset)
    {
        counters.puts.increment();
        putDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = putDecoder.correlationId();
        final long replyTo = putDecoder.replyTo();
        final AckLevel ack = putDecoder.ack();
        putDecoder.wrapKey(keyView);
        putDecoder.wrapValue(valueView);

        final int replicaCount = ring.replicas(keyView, 0, keyView.capacity(), replicationFactor, replicas);
        final int needed = ack == AckLevel.ALL ? replicaCount : 1;
        int acknowledged = 0;
        if (isReplica(replicaCount))
        {
            final int status = mergeLocally(NO_REPLY);
            if (status < 0)
            {
                errorReplier.reply(replyTo, correlationId, errorCodeOf(status), "put refused: " + statusName(status));
                return;
            }
            acknowledged = 1;
        }

        final PendingPut pending = acknowledged >= needed ? null : new PendingPut(correlationId, replyTo, needed - acknowledged);
        if (null == pending)
        {
            replyPut(replyTo, correlationId, ErrorCode.NONE);
        }
        final long deadline = clock.nanoTime() + replicaTimeoutNs;
        for (int i = 0; i < replicaCount; i++)
        {
            final long replica = replicas[i];
            if (replica == nodeId)
            {
                continue;
            }
            long forwardId = NO_REPLY;
            if (null != pending)
            {
                forwardId = nextForwardId++;
                forwardAcks.track(forwardId, deadline);
                putByForwardId.put(forwardId, pending);
            }
            // A forward that cannot be sent now is left to gossip; its ack, if awaited, times out.
            forwardMerge(replica, forwardId);
        }
    }

    private boolean isReplica(final int replicaCount)
    {
        for (int i = 0; i < replicaCount; i++)
        {
            if (replicas[i] == nodeId)
            {
                return true;
            }
        }
        return false;
    }

    private void forwardMerge(final long replica, final long forwardId)
    {
        mergeEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(forwardId)
            .replyTo(forwardId == NO_REPLY ? NO_REPLY : nodeId)
            .putKey(keyView, 0, keyView.capacity())
            .putValue(valueView, 0, valueView.capacity());
        send(replica, MessageHeaderEncoder.ENCODED_LENGTH + mergeEncoder.encodedLength());
    }

    private void onReplicaMerge(final DirectBuffer buffer, final int offset)
    {
        mergeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = mergeDecoder.correlationId();
        final long replyTo = mergeDecoder.replyTo();
        mergeDecoder.wrapKey(keyView);
        mergeDecoder.wrapValue(valueView);
        final int status = mergeLocally(replyTo);
        if (replyTo != NO_REPLY)
        {
            replyPut(replyTo, correlationId, status >= 0 ? ErrorCode.NONE : errorCodeOf(status));
        }
    }

    private void onReplicaAck(final DirectBuffer buffer, final int offset)
    {
        putResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long forwardId = putResponseDecoder.correlationId();
        final ErrorCode code = putResponseDecoder.code();
        final PendingPut pending = putByForwardId.remove(forwardId);
        if (null == pending || !forwardAcks.complete(forwardId) || pending.done)
        {
            return;
        }
        if (code != ErrorCode.NONE)
        {
            pending.done = true;
            errorReplier.reply(pending.replyTo, pending.correlationId, code, "a replica refused the put");
        }
        else if (--pending.remaining == 0)
        {
            pending.done = true;
            replyPut(pending.replyTo, pending.correlationId, ErrorCode.NONE);
        }
    }

    /**
     * A replica did not acknowledge in time: the client hears TIMEOUT once; merges that did happen stay.
     * {@inheritDoc}
     */
    public void onTimeout(final long forwardId)
    {
        final PendingPut pending = putByForwardId.remove(forwardId);
        if (null != pending && !pending.done)
        {
            pending.done = true;
            errorReplier.reply(pending.replyTo, pending.correlationId, ErrorCode.TIMEOUT, "replicas did not acknowledge in time");
        }
    }

    private void replyPut(final long replyTo, final long correlationId, final ErrorCode code)
    {
        putResponseEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .code(code);
        send(replyTo, MessageHeaderEncoder.ENCODED_LENGTH + KvsPutResponseEncoder.BLOCK_LENGTH);
    }

    /**
     * Merges keyView/valueView into the store; on a change, queues the key for the other replicas
     * (except {@code source}, which has it) and pushes it to subscribers.
     */
    private int mergeLocally(final long source)
    {
        final int status = store.merge(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity());
        if (status == StoreStatus.CHANGED)
        {
            onChanged(source);
        }
        return status;
    }

    private void onChanged(final long source)
    {
        final int replicaCount = ring.replicas(keyView, 0, keyView.capacity(), replicationFactor, replicas);
        ByteKey key = null;
        for (int i = 0; i < replicaCount; i++)
        {
            final long replica = replicas[i];
            if (replica != nodeId && replica != source)
            {
                if (null == key)
                {
                    key = ByteKey.copyOf(keyView, 0, keyView.capacity());
                }
                dirtyByPeer.get(replica).add(key);
            }
        }
        if (!subscribersByKey.isEmpty())
        {
            pushToSubscribers(null != key ? key : ByteKey.copyOf(keyView, 0, keyView.capacity()));
        }
    }

    private void pushToSubscribers(final ByteKey key)
    {
        final LongHashSet subscribers = subscribersByKey.get(key);
        if (null == subscribers || subscribers.isEmpty())
        {
            return;
        }
        final int valueLength = store.get(keyView, 0, keyView.capacity(), value, 0, value.capacity());
        if (valueLength < 0)
        {
            return;
        }
        keyUpdateEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .source(nodeId)
            .timestamp(System.currentTimeMillis() * 1_000_000L)
            .putKey(keyView, 0, keyView.capacity())
            .putValue(value, 0, valueLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + keyUpdateEncoder.encodedLength();
        final LongHashSet.LongIterator iterator = subscribers.iterator();
        while (iterator.hasNext())
        {
            send(iterator.nextValue(), length);
        }
    }

    private void onSubscribe(final DirectBuffer buffer, final int offset)
    {
        subscribeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = subscribeDecoder.correlationId();
        final long subscriber = subscribeDecoder.subscriber();
        for (final SubscribeDecoder.KeysDecoder key : subscribeDecoder.keys())
        {
            key.wrapKey(keyView);
            subscribersByKey.computeIfAbsent(ByteKey.copyOf(keyView, 0, keyView.capacity()), k -> new LongHashSet())
                .add(subscriber);
        }
        replyAck(subscriber, correlationId);
    }

    private void onUnsubscribe(final DirectBuffer buffer, final int offset)
    {
        unsubscribeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = unsubscribeDecoder.correlationId();
        final long subscriber = unsubscribeDecoder.subscriber();
        for (final UnsubscribeDecoder.KeysDecoder key : unsubscribeDecoder.keys())
        {
            key.wrapKey(keyView);
            final ByteKey byteKey = ByteKey.copyOf(keyView, 0, keyView.capacity());
            final LongHashSet subscribers = subscribersByKey.get(byteKey);
            if (null != subscribers && subscribers.remove(subscriber) && subscribers.isEmpty())
            {
                subscribersByKey.remove(byteKey);
            }
        }
        replyAck(subscriber, correlationId);
    }

    private void replyAck(final long replyTo, final long correlationId)
    {
        ackEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId);
        send(replyTo, MessageHeaderEncoder.ENCODED_LENGTH + AckDecoder.BLOCK_LENGTH);
    }

    // ------------------------------------------------------------------ gossip

    private void onGossip(final DirectBuffer buffer, final int offset)
    {
        gossipDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long sender = gossipDecoder.sender();
        final long round = gossipDecoder.round();
        for (final GossipDecoder.EntriesDecoder entry : gossipDecoder.entries())
        {
            entry.wrapKey(keyView);
            entry.wrapValue(valueView);
            mergeLocally(sender);
        }
        if (round == 0 && dirtyByPeer.containsKey(sender))
        {
            onHello(sender);
        }
    }

    /**
     * A peer whose link went down (a partition, a crash) and came back may have missed gossip that was sent
     * into the void before the link was seen to be down: queue every key it shares with us, as for a hello.
     */
    private void catchUpReturnedPeers()
    {
        for (final long peer : dirtyByPeer.keySet())
        {
            final io.droplet.transport.MessagePublisher publisher = channels.peers().publisher(peer);
            final boolean connected = null != publisher && publisher.isConnected();
            if (!connected)
            {
                unreachablePeers.add(peer);
            }
            else if (unreachablePeers.remove(peer))
            {
                onHello(peer);
            }
        }
    }

    /**
     * A peer (re)started: queue every key it is a replica of, so it catches up whatever it missed.
     */
    private void onHello(final long peer)
    {
        final LinkedHashSet<ByteKey> dirty = dirtyByPeer.get(peer);
        final UnsafeBuffer key = new UnsafeBuffer(0, 0);
        final long[] owners = new long[replicas.length];
        store.forEach((keyBytes, valueBytes) ->
        {
            key.wrap(keyBytes);
            final int count = ring.replicas(key, 0, keyBytes.length, replicationFactor, owners);
            for (int i = 0; i < count; i++)
            {
                if (owners[i] == peer)
                {
                    dirty.add(new ByteKey(keyBytes));
                    break;
                }
            }
        });
    }

    private int gossip()
    {
        counters.gossipRounds.increment();
        gossipRound++;
        int work = 0;
        catchUpReturnedPeers();

        if (!helloPending.isEmpty())
        {
            final LongHashSet.LongIterator iterator = helloPending.iterator();
            while (iterator.hasNext())
            {
                final long peer = iterator.nextValue();
                gossipEncoder.wrapAndApplyHeader(message, 0, headerEncoder).sender(nodeId).round(0).entriesCount(0);
                if (send(peer, MessageHeaderEncoder.ENCODED_LENGTH + gossipEncoder.encodedLength()) == SendStatus.OK)
                {
                    iterator.remove();
                    work++;
                }
            }
        }

        for (final Long2ObjectHashMap<LinkedHashSet<ByteKey>>.EntryIterator peers = dirtyByPeer.entrySet().iterator();
            peers.hasNext(); )
        {
            peers.next();
            final long peer = peers.getLongKey();
            final LinkedHashSet<ByteKey> dirty = peers.getValue();
            for (int batches = 0; batches < MAX_GOSSIP_BATCHES_PER_PEER && !dirty.isEmpty(); batches++)
            {
                if (!sendGossipBatch(peer, dirty))
                {
                    break;
                }
                work++;
            }
        }
        return work;
    }

    /**
     * Sends the first keys of a peer's dirty set; removes them only if the send succeeded.
     */
    private boolean sendGossipBatch(final long peer, final LinkedHashSet<ByteKey> dirty)
    {
        batch.clear();
        int valuesLength = 0;
        final int budget = value.capacity() / 2;
        final Iterator<ByteKey> iterator = dirty.iterator();
        while (iterator.hasNext() && batch.size() < gossipBatch)
        {
            final ByteKey key = iterator.next();
            keyView.wrap(key.bytes());
            final int length = store.get(keyView, 0, key.bytes().length, value, valuesLength, value.capacity() - valuesLength);
            if (length < 0)
            {
                // Gone (dropped as corrupt) or larger than what is left: nothing to send for it now.
                if (length != StoreStatus.TOO_LARGE)
                {
                    iterator.remove();
                }
                break;
            }
            batchValueOffsets[batch.size()] = valuesLength;
            batchValueLengths[batch.size()] = length;
            batch.add(key);
            valuesLength += length + key.bytes().length;
            if (valuesLength > budget)
            {
                break;
            }
        }
        if (batch.isEmpty())
        {
            return !dirty.isEmpty();
        }

        gossipEncoder.wrapAndApplyHeader(message, 0, headerEncoder).sender(nodeId).round(gossipRound);
        final GossipEncoder.EntriesEncoder entries = gossipEncoder.entriesCount(batch.size());
        for (int i = 0; i < batch.size(); i++)
        {
            final byte[] key = batch.get(i).bytes();
            entries.next().putKey(key, 0, key.length).putValue(value, batchValueOffsets[i], batchValueLengths[i]);
        }
        if (send(peer, MessageHeaderEncoder.ENCODED_LENGTH + gossipEncoder.encodedLength()) != SendStatus.OK)
        {
            return false;
        }
        for (int i = 0; i < batch.size(); i++)
        {
            dirty.remove(batch.get(i));
        }
        return true;
    }

    // ------------------------------------------------------------------ sending

    private int send(final long destination, final int length)
    {
        final MessagePublisher publisher = channels.peers().publisher(destination);
        if (null == publisher)
        {
            repliesUndeliverable++;
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int status = publisher.offer(message, 0, length, clock.nanoTime() + channels.transport().context().sendTimeoutNs());
        if (status != SendStatus.OK)
        {
            repliesUndeliverable++;
        }
        return status;
    }

    private static ErrorCode errorCodeOf(final int status)
    {
        switch (status)
        {
            case StoreStatus.TOO_LARGE:
                return ErrorCode.PAYLOAD_TOO_LARGE;
            case StoreStatus.FULL:
                return ErrorCode.NO_RESOURCES;
            default:
                return ErrorCode.INVALID_ARGUMENT;
        }
    }

    private static String statusName(final int status)
    {
        switch (status)
        {
            case StoreStatus.TYPE_MISMATCH:
                return "lattice type differs from the stored one";
            case StoreStatus.INVALID:
                return "not a valid lattice encoding";
            case StoreStatus.TOO_LARGE:
                return "value too large";
            case StoreStatus.FULL:
                return "store full";
            case StoreStatus.INVALID_KEY:
                return "key empty or too long";
            default:
                return "status " + status;
        }
    }
}
