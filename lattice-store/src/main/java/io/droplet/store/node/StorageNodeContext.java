package io.droplet.store.node;

import io.droplet.store.ring.HashRing;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreCounters;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.SystemUtil;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Settings and parts of a {@link StorageNode}. Ring membership comes from configuration for now:
 * every storage node of the ring with its endpoint ({@link #peer(long, Endpoint)}).
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

    private int replicationFactor = Integer.getInteger(REPLICATION_FACTOR_PROP_NAME, REPLICATION_FACTOR_DEFAULT);
    private long gossipPeriodNs = SystemUtil.parseDuration(GOSSIP_PERIOD_PROP_NAME,
        System.getProperty(GOSSIP_PERIOD_PROP_NAME, GOSSIP_PERIOD_DEFAULT));
    private long replicaTimeoutNs = SystemUtil.parseDuration(REPLICA_TIMEOUT_PROP_NAME,
        System.getProperty(REPLICA_TIMEOUT_PROP_NAME, REPLICA_TIMEOUT_DEFAULT));
    private int gossipBatch = GOSSIP_BATCH_DEFAULT;
    private int virtualNodes = HashRing.DEFAULT_VIRTUAL_NODES;
    private final Long2ObjectHashMap<Endpoint> peers = new Long2ObjectHashMap<>();
    private NodeChannels channels;
    private LatticeStore store;
    private StoreCounters counters;

    /**
     * @return replication factor R.
     */
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

    /**
     * @return gossip period in nanoseconds.
     */
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

    /**
     * @return how long a coordinator waits for replica acknowledgements, in nanoseconds.
     */
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

    /**
     * @return most keys per gossip message.
     */
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
}
