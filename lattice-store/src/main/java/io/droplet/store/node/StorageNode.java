package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.ring.HashRing;
import io.droplet.transport.DeferredSends;
import io.droplet.transport.Endpoint;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PendingRequests;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * The storage node agent: serves its shard of the lattice KVS over the transport (see the package
 * documentation for the protocol: coordination of puts, ack levels, gossip, hello, subscriptions).
 * <p>
 * A thin duty cycle: it reads the clock once, polls its {@link StorageNodeAdapter} (which decodes each
 * message and calls this node as the {@link StorageNodeListener}), hands each message to the state machine
 * whose job it is ({@link ShardReader}, {@link ReplicaCoordinator}, {@link AntiEntropy},
 * {@link KeySubscriptions}), then lets the coordinator expire its deadlines, anti-entropy run a gossip
 * round when one is due, and the publisher offer again the answers whose link was not ready. Everything sent goes through a {@link StorageNodePublisher}. Settings come from
 * the {@link StorageNodeContext}, concluded here.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class StorageNode implements Agent, StorageNodeListener
{
    private final NodeChannels channels;
    private final NanoClock clock;
    private final CachedNanoClock cycleClock = new CachedNanoClock();
    private final int fragmentLimit;
    private final HashRing ring;
    private final StorageNodePublisher publisher;
    private final ShardReader reader;
    private final ReplicaCoordinator coordinator;
    private final AntiEntropy antiEntropy;
    private final KeySubscriptions subscriptions;
    private final InboundAdapter inbound;

    /**
     * @param context parts and settings, concluded here; the node opens the inbound side of its channels.
     */
    public StorageNode(final StorageNodeContext context)
    {
        context.conclude();
        this.channels = context.channels();
        final long nodeId = channels.nodeId();
        this.clock = context.nanoClock();
        this.fragmentLimit = context.fragmentLimit();
        final long nowNs = clock.nanoTime();
        cycleClock.update(nowNs);

        this.ring = new HashRing(context.virtualNodes());
        final LongArrayList peers = new LongArrayList();
        context.peers().forEach((peer, endpoint) ->
        {
            ring.add(peer);
            if (peer != nodeId)
            {
                channels.peers().keep(peer);
                channels.peers().register(peer, endpoint);
                peers.addLong(peer);
            }
        });
        if (!ring.contains(nodeId))
        {
            throw new IllegalArgumentException("node " + nodeId + " is not among the configured storage peers");
        }

        this.publisher = new StorageNodePublisher(channels, clock, context.sendTimeoutNs(), new DeferredSends(
            channels.peers(), channels.counters(), context.sendRetryWindowNs(), context.maxDeferredSends()));
        final LocalShard shard = new LocalShard(nodeId, context.store(), ring, context.replicationFactor());
        this.reader = new ShardReader(
            context.store(), publisher, context.counters().gets, context.counters().readsDataLost, context.maxMessageLength(),
            context.maxGroupCount(), context.counters().getsTooLarge);
        StoreLossReport.report(context.store(), nodeId, context.replicationFactor(), ring.size(),
            channels.transport().errorHandler());
        this.coordinator = new ReplicaCoordinator(shard, publisher, cycleClock, context.replicaTimeoutNs(),
            new PendingRequests(context.maxPendingPuts(), nowNs, channels.counters()), context.counters().puts,
            context.counters().mergesFromStrangers);
        this.antiEntropy = new AntiEntropy(shard, publisher, peers.toLongArray(), context.gossipPeriodNs(),
            context.gossipBatch(), context.maxGossipBatchesPerPeer(), context.maxMessageLength(),
            context.counters().gossipRounds, nowNs, context.counters().gossipFromStrangers);
        this.subscriptions = new KeySubscriptions(
            shard, publisher, context.epochClock(), context.maxSubscribedKeys(), context.maxMessageLength(),
            context.subscriptionBounds(), context.counters().subscriptionsRefused);
        shard.addChangeListener(antiEntropy);
        shard.addChangeListener(subscriptions);
        this.inbound = channels.open(new StorageNodeAdapter(this, context.maxGroupCount()));
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        cycleClock.update(nowNs);
        int work = inbound.poll(fragmentLimit);
        work += coordinator.doWork(nowNs);
        work += antiEntropy.doWork(nowNs);
        work += publisher.retry(nowNs);
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
        return publisher.repliesUndeliverable();
    }

    /**
     * @return keys waiting to be gossiped, over all peers.
     */
    public int pendingGossip()
    {
        return antiEntropy.pendingGossip();
    }

    // ------------------------------------------------------------------ listener: one line per message

    /**
     * {@inheritDoc}
     */
    public void onConnect(final long correlationId, final long clientNode, final String replyEndpoint)
    {
        final Endpoint endpoint;
        try
        {
            endpoint = Endpoint.parse(replyEndpoint);
        }
        catch (final IllegalArgumentException ex)
        {
            channels.transport().errorHandler().onError(Endpoint.MALFORMED);
            return;
        }
        if (!channels.peers().admitConnect(clientNode) || !channels.peers().registerConnecting(clientNode, endpoint))
        {
            return; // Counted: Connects rated, a claim on a kept or connected peer's id, or the directory full (see PeerLimits).
        }
        // A secured node answers an authenticated client with its session token (0 otherwise: the client id).
        final long sessionToken = inbound.sessionToken();
        publisher.connected(clientNode, correlationId, 0 != sessionToken ? sessionToken : clientNode);
    }

    /**
     * {@inheritDoc}
     */
    public void onGet(final long correlationId, final long replyTo, final DirectBuffer buffer, final int keyOffset, final int keyLength)
    {
        reader.onGet(correlationId, replyTo, buffer, keyOffset, keyLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onMultiGet(final long correlationId, final long replyTo, final EntryBatch keys)
    {
        reader.onMultiGet(correlationId, replyTo, keys);
    }

    /**
     * {@inheritDoc}
     */
    public void onPut(
        final long correlationId, final long replyTo, final AckLevel ack, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        coordinator.onPut(correlationId, replyTo, ack, buffer, keyOffset, keyLength, valueOffset, valueLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onReplicaMerge(
        final long correlationId, final long replyTo, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        coordinator.onReplicaMerge(correlationId, replyTo, buffer, keyOffset, keyLength, valueOffset, valueLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onReplicaAck(final long forwardId, final ErrorCode code)
    {
        coordinator.onReplicaAck(forwardId, code);
    }

    /**
     * {@inheritDoc}
     */
    public void onGossip(final long sender, final long round, final EntryBatch entries)
    {
        antiEntropy.onGossip(sender, round, entries);
    }

    /**
     * {@inheritDoc}
     */
    public void onSubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
    {
        subscriptions.onSubscribe(correlationId, subscriber, keys);
    }

    /**
     * {@inheritDoc}
     */
    public void onUnsubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
    {
        subscriptions.onUnsubscribe(correlationId, subscriber, keys);
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        publisher.replyToRejected(rejection, buffer, offset, length);
    }
}
