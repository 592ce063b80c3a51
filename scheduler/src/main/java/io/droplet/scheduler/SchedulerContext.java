package io.droplet.scheduler;

import io.droplet.store.ring.HashRing;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.SystemUtil;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Parts and settings of a {@link SchedulerAgent}.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the agent.
 */
public final class SchedulerContext
{
    /** How long an executor may stay silent before no more work is placed on it. */
    public static final String EXECUTOR_TIMEOUT_PROP_NAME = "droplet.scheduler.executor.timeout";
    /** Default executor timeout: 1 s (ten heartbeats). */
    public static final String EXECUTOR_TIMEOUT_DEFAULT = "1s";

    private NodeChannels channels;
    private PlacementPolicy placement = PlacementPolicy.leastLoaded();
    private long executorTimeoutNs = SystemUtil.parseDuration(EXECUTOR_TIMEOUT_PROP_NAME,
        System.getProperty(EXECUTOR_TIMEOUT_PROP_NAME, EXECUTOR_TIMEOUT_DEFAULT));
    private NodeChannels registryChannels;
    private Long2ObjectHashMap<Endpoint> storageNodes = new Long2ObjectHashMap<>();
    private int replicationFactor = 1;
    private int virtualNodes = HashRing.DEFAULT_VIRTUAL_NODES;

    /**
     * @return the scheduler's channels.
     */
    public NodeChannels channels()
    {
        return channels;
    }

    /**
     * @param channels of the scheduler; its inbound side is opened by the agent.
     * @return this context.
     */
    public SchedulerContext channels(final NodeChannels channels)
    {
        this.channels = channels;
        return this;
    }

    /**
     * @return the placement policy.
     */
    public PlacementPolicy placement()
    {
        return placement;
    }

    /**
     * @param placement policy choosing each stage's executor.
     * @return this context.
     */
    public SchedulerContext placement(final PlacementPolicy placement)
    {
        this.placement = placement;
        return this;
    }

    /**
     * @return executor timeout in nanoseconds.
     */
    public long executorTimeoutNs()
    {
        return executorTimeoutNs;
    }

    /**
     * @param executorTimeoutNs silence after which no work is placed on an executor.
     * @return this context.
     */
    public SchedulerContext executorTimeoutNs(final long executorTimeoutNs)
    {
        this.executorTimeoutNs = executorTimeoutNs;
        return this;
    }

    /**
     * Stores the registry in the lattice KVS (the deployment's storage nodes), so that any scheduler
     * can serve any call and registrations are read-your-writes. Without it the registry lives in this
     * scheduler's memory only (a single scheduler, or tests of the scheduler alone).
     *
     * @param registryChannels  of the scheduler's storage client: a node id and stream of its own.
     * @param storageNodes      of the ring, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring.
     * @return this context.
     */
    public SchedulerContext registryStorage(
        final NodeChannels registryChannels,
        final Long2ObjectHashMap<Endpoint> storageNodes,
        final int replicationFactor,
        final int virtualNodes)
    {
        this.registryChannels = registryChannels;
        this.storageNodes = storageNodes;
        this.replicationFactor = replicationFactor;
        this.virtualNodes = virtualNodes;
        return this;
    }

    /**
     * @return channels of the registry's storage client, or null for an in-memory registry.
     */
    public NodeChannels registryChannels()
    {
        return registryChannels;
    }

    /**
     * @return storage nodes holding the registry.
     */
    public Long2ObjectHashMap<Endpoint> storageNodes()
    {
        return storageNodes;
    }

    /**
     * @return replication factor of the storage ring.
     */
    public int replicationFactor()
    {
        return replicationFactor;
    }

    /**
     * @return virtual nodes per storage node on the ring.
     */
    public int virtualNodes()
    {
        return virtualNodes;
    }
}
