package io.droplet.store.node;

import io.droplet.store.ring.HashRing;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreCounters;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.SystemUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;

/**
 * Settings and parts of a {@link StorageNode}. Ring membership comes from configuration for now:
 * every storage node of the ring with its endpoint ({@link #peer(long, Endpoint)}).
 * <p>
 * Every clock, period, size and limit the node and its state machines use is read from here after
 * {@link #conclude()} (the node calls it): settings left unset take the transport's values (clock, send
 * timeout, message length, requests in flight) or the defaults below.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the node.
 */
public final class StorageNodeContext
{
    /** Replication factor R. */
    public static final String REPLICATION_FACTOR_PROP_NAME = "droplet.store.replication.factor";
    /** Default R: 3 (fewer if the ring has fewer nodes). */
    public static final int REPLICATION_FACTOR_DEFAULT = 3;
    /** Gossip period. */
    public static final String GOSSIP_PERIOD_PROP_NAME = "droplet.store.gossip.period";
    /** Default gossip period: 100 ms. */
    public static final String GOSSIP_PERIOD_DEFAULT = "100ms";
    /** How long a coordinator waits for replicas' acknowledgements. */
    public static final String REPLICA_TIMEOUT_PROP_NAME = "droplet.store.replica.timeout";
    /** Default replica timeout: 2 s. */
    public static final String REPLICA_TIMEOUT_DEFAULT = "2s";
    /** Most keys in one gossip message. */
    public static final int GOSSIP_BATCH_DEFAULT = 256;
    /** Most gossip messages to one peer in one round, by default. */
    public static final int MAX_GOSSIP_BATCHES_PER_PEER_DEFAULT = 8;
    /** How long an answer whose link is not ready is kept and offered again. */
    public static final String SEND_RETRY_WINDOW_PROP_NAME = "droplet.store.send.retry.window";
    /** Default send retry window: 2 s. */
    public static final String SEND_RETRY_WINDOW_DEFAULT = "2s";
    /** Most answers kept for another try at once, by default. */
    public static final int MAX_DEFERRED_SENDS_DEFAULT = 4096;
    /** Most fragments polled in one duty cycle, by default. */
    public static final int FRAGMENT_LIMIT_DEFAULT = 64;
    /** Most keys watched by subscribers at once. */
    public static final String MAX_SUBSCRIBED_KEYS_PROP_NAME = "droplet.store.max.subscribed.keys";
    /** Default most keys watched: 1,048,576. */
    public static final int MAX_SUBSCRIBED_KEYS_DEFAULT = 1 << 20;

    private int replicationFactor = Integer.getInteger(REPLICATION_FACTOR_PROP_NAME, REPLICATION_FACTOR_DEFAULT);
    private long gossipPeriodNs = SystemUtil.parseDuration(GOSSIP_PERIOD_PROP_NAME,
        System.getProperty(GOSSIP_PERIOD_PROP_NAME, GOSSIP_PERIOD_DEFAULT));
    private long replicaTimeoutNs = SystemUtil.parseDuration(REPLICA_TIMEOUT_PROP_NAME,
        System.getProperty(REPLICA_TIMEOUT_PROP_NAME, REPLICA_TIMEOUT_DEFAULT));
    private int gossipBatch = GOSSIP_BATCH_DEFAULT;
    private int virtualNodes = HashRing.DEFAULT_VIRTUAL_NODES;
    private int maxGossipBatchesPerPeer = MAX_GOSSIP_BATCHES_PER_PEER_DEFAULT;
    private int fragmentLimit = FRAGMENT_LIMIT_DEFAULT;
    private int maxSubscribedKeys = Integer.getInteger(MAX_SUBSCRIBED_KEYS_PROP_NAME, MAX_SUBSCRIBED_KEYS_DEFAULT);
    private SubscriptionBounds subscriptionBounds = new SubscriptionBounds();
    private long sendTimeoutNs = -1;
    private long sendRetryWindowNs = SystemUtil.parseDuration(SEND_RETRY_WINDOW_PROP_NAME,
        System.getProperty(SEND_RETRY_WINDOW_PROP_NAME, SEND_RETRY_WINDOW_DEFAULT));
    private int maxDeferredSends = MAX_DEFERRED_SENDS_DEFAULT;
    private int maxMessageLength;
    private int maxPendingPuts;
    private int maxGroupCount;
    private NanoClock nanoClock;
    private EpochClock epochClock;
    private boolean concluded;
    private final Long2ObjectHashMap<Endpoint> peers = new Long2ObjectHashMap<>();
    private NodeChannels channels;
    private LatticeStore store;
    private StoreCounters counters;

    /** @return replication factor R. */
    public int replicationFactor()
    {
        return replicationFactor;
    }

    /**
     * @param replicationFactor R.
     * @return this context.
     */
    public StorageNodeContext replicationFactor(final int replicationFactor)
    {
        this.replicationFactor = replicationFactor;
        return this;
    }

    /** @return gossip period in nanoseconds. */
    public long gossipPeriodNs()
    {
        return gossipPeriodNs;
    }

    /**
     * @param gossipPeriodNs between gossip rounds.
     * @return this context.
     */
    public StorageNodeContext gossipPeriodNs(final long gossipPeriodNs)
    {
        this.gossipPeriodNs = gossipPeriodNs;
        return this;
    }

    /** @return how long a coordinator waits for replica acknowledgements, in nanoseconds. */
    public long replicaTimeoutNs()
    {
        return replicaTimeoutNs;
    }

    /**
     * @param replicaTimeoutNs how long a coordinator waits for replica acknowledgements.
     * @return this context.
     */
    public StorageNodeContext replicaTimeoutNs(final long replicaTimeoutNs)
    {
        this.replicaTimeoutNs = replicaTimeoutNs;
        return this;
    }

    /** @return most keys per gossip message. */
    public int gossipBatch()
    {
        return gossipBatch;
    }

    /**
     * @param gossipBatch most keys per gossip message.
     * @return this context.
     */
    public StorageNodeContext gossipBatch(final int gossipBatch)
    {
        this.gossipBatch = gossipBatch;
        return this;
    }

    /**
     * @return virtual nodes per node on the ring.
     */
    public int virtualNodes()
    {
        return virtualNodes;
    }

    /**
     * @param virtualNodes per node on the ring; every node of a ring must use the same number.
     * @return this context.
     */
    public StorageNodeContext virtualNodes(final int virtualNodes)
    {
        this.virtualNodes = virtualNodes;
        return this;
    }

    /**
     * Adds a storage node of the ring (this node included).
     *
     * @param nodeId   of the storage node.
     * @param endpoint where it receives.
     * @return this context.
     */
    public StorageNodeContext peer(final long nodeId, final Endpoint endpoint)
    {
        peers.put(nodeId, endpoint);
        return this;
    }

    /**
     * @return every storage node of the ring, by id.
     */
    public Long2ObjectHashMap<Endpoint> peers()
    {
        return peers;
    }

    /**
     * @return this node's channels.
     */
    public NodeChannels channels()
    {
        return channels;
    }

    /**
     * @param channels of this node (its inbound side is opened by the node).
     * @return this context.
     */
    public StorageNodeContext channels(final NodeChannels channels)
    {
        this.channels = channels;
        return this;
    }

    /**
     * @return the node's store.
     */
    public LatticeStore store()
    {
        return store;
    }

    /**
     * @param store this node serves.
     * @return this context.
     */
    public StorageNodeContext store(final LatticeStore store)
    {
        this.store = store;
        return this;
    }

    /**
     * @return the store's counters.
     */
    public StoreCounters counters()
    {
        return counters;
    }

    /**
     * @param counters the store's counters (gossip rounds, puts are counted here too).
     * @return this context.
     */
    public StorageNodeContext counters(final StoreCounters counters)
    {
        this.counters = counters;
        return this;
    }

    /**
     * Validates the settings and resolves the defaults; called by the node, idempotent.
     *
     * @return this context.
     * @throws IllegalStateException if a part is missing or a setting is out of range.
     */
    public StorageNodeContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (null == channels || null == store || null == counters)
        {
            throw new IllegalStateException("channels, store and counters are required");
        }
        if (replicationFactor < 1 || gossipPeriodNs <= 0 || replicaTimeoutNs <= 0 || gossipBatch < 1 ||
            maxGossipBatchesPerPeer < 1 || fragmentLimit < 1 || maxSubscribedKeys < 0 || sendRetryWindowNs < 0 ||
            maxDeferredSends < 1)
        {
            throw new IllegalStateException("storage node settings out of range");
        }
        final io.droplet.transport.TransportContext transport = channels.transport().context();
        if (null == nanoClock)
        {
            nanoClock = transport.nanoClock();
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        if (sendTimeoutNs < 0)
        {
            sendTimeoutNs = transport.sendTimeoutNs();
        }
        if (0 == maxMessageLength)
        {
            maxMessageLength = transport.maxMessageLength();
        }
        if (0 == maxPendingPuts)
        {
            maxPendingPuts = transport.maxPendingRequests();
        }
        if (0 == maxGroupCount)
        {
            maxGroupCount = transport.maxGroupCount();
        }
        concluded = true;
        return this;
    }

    /**
     * @return most gossip messages to one peer in one round.
     */
    public int maxGossipBatchesPerPeer()
    {
        return maxGossipBatchesPerPeer;
    }

    /**
     * @param maxGossipBatchesPerPeer most gossip messages to one peer in one round.
     * @return this context.
     */
    public StorageNodeContext maxGossipBatchesPerPeer(final int maxGossipBatchesPerPeer)
    {
        this.maxGossipBatchesPerPeer = maxGossipBatchesPerPeer;
        return this;
    }

    /**
     * @return most fragments polled in one duty cycle.
     */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /**
     * @param fragmentLimit most fragments polled in one duty cycle.
     * @return this context.
     */
    public StorageNodeContext fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return this;
    }

    /** @return most keys watched by subscribers at once. */
    public int maxSubscribedKeys()
    {
        return maxSubscribedKeys;
    }

    /** @param maxSubscribedKeys most keys watched by subscribers at once. @return this context. */
    public StorageNodeContext maxSubscribedKeys(final int maxSubscribedKeys)
    {
        this.maxSubscribedKeys = maxSubscribedKeys;
        return this;
    }

    /** @return what one subscriber may watch, and the bytes of all watched keys. */
    public SubscriptionBounds subscriptionBounds()
    {
        return subscriptionBounds;
    }

    /** @param bounds what one subscriber may watch, and the bytes of all watched keys. @return this context. */
    public StorageNodeContext subscriptionBounds(final SubscriptionBounds bounds)
    {
        this.subscriptionBounds = bounds;
        return this;
    }

    /**
     * @return how long a gossip send may wait for its link, in nanoseconds (-1 until concluded: the transport's).
     */
    public long sendTimeoutNs()
    {
        return sendTimeoutNs;
    }

    /**
     * @param sendTimeoutNs how long a gossip send may wait for its link; -1 for the transport's.
     * @return this context.
     */
    public StorageNodeContext sendTimeoutNs(final long sendTimeoutNs)
    {
        this.sendTimeoutNs = sendTimeoutNs;
        return this;
    }

    /**
     * @return longest message sent or answered (0 until concluded: the transport's).
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * @param maxMessageLength longest message; 0 for the transport's.
     * @return this context.
     */
    public StorageNodeContext maxMessageLength(final int maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
        return this;
    }

    /**
     * @return most forwarded puts awaiting acknowledgement (0 until concluded: the transport's requests in flight).
     */
    public int maxPendingPuts()
    {
        return maxPendingPuts;
    }

    /**
     * @param maxPendingPuts most forwards awaiting acknowledgement; 0 for the transport's limit.
     * @return this context.
     */
    public StorageNodeContext maxPendingPuts(final int maxPendingPuts)
    {
        this.maxPendingPuts = maxPendingPuts;
        return this;
    }

    /**
     * @return the clock of deadlines and gossip periods (null until concluded: the transport's).
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param nanoClock of deadlines and gossip periods; null for the transport's.
     * @return this context.
     */
    public StorageNodeContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return the clock that stamps subscriber updates (null until concluded: the system's).
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * @param epochClock stamps subscriber updates; null for the system's.
     * @return this context.
     */
    public StorageNodeContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @return how long an answer whose link is not ready is kept and offered again, in nanoseconds.
     */
    public long sendRetryWindowNs()
    {
        return sendRetryWindowNs;
    }

    /**
     * @param sendRetryWindowNs how long an answer whose link is not ready is kept and offered again.
     * @return this context.
     */
    public StorageNodeContext sendRetryWindowNs(final long sendRetryWindowNs)
    {
        this.sendRetryWindowNs = sendRetryWindowNs;
        return this;
    }

    /**
     * @return most answers kept for another try at once.
     */
    public int maxDeferredSends()
    {
        return maxDeferredSends;
    }

    /**
     * @param maxDeferredSends most answers kept for another try at once.
     * @return this context.
     */
    public StorageNodeContext maxDeferredSends(final int maxDeferredSends)
    {
        this.maxDeferredSends = maxDeferredSends;
        return this;
    }

    /**
     * @return most entries in a received group (0 until concluded: the transport's, which its validator enforces).
     */
    public int maxGroupCount()
    {
        return maxGroupCount;
    }

    /**
     * @param maxGroupCount most entries in a received group, sizing the reused batches; 0 for the transport's.
     * @return this context.
     */
    public StorageNodeContext maxGroupCount(final int maxGroupCount)
    {
        this.maxGroupCount = maxGroupCount;
        return this;
    }
}
