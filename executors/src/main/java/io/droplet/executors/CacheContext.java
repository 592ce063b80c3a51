package io.droplet.executors;

import io.droplet.store.ring.HashRing;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.SystemUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

/**
 * Parts and settings of a {@link CacheAgent}: its channels, its client of the storage nodes, the host
 * cache it writes, and every clock, period and size it uses, resolved once by {@link #conclude()}.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the agent.
 */
public final class CacheContext
{
    /** How long a fetch, write or subscription waits for a storage node. */
    public static final String STORAGE_TIMEOUT_PROP_NAME = "droplet.cache.storage.timeout";
    /** Default storage timeout: 5 s. */
    public static final String STORAGE_TIMEOUT_DEFAULT = "5s";
    /** How often the cache agent announces the keys it holds to the schedulers. */
    public static final String HEARTBEAT_PERIOD_PROP_NAME = "droplet.cache.heartbeat.period";
    /** Default announcement period: 100 ms. */
    public static final String HEARTBEAT_PERIOD_DEFAULT = "100ms";
    /** Default size of the buffer a write is merged into the cached value in: 64 KiB. */
    public static final int MERGE_BUFFER_LENGTH_DEFAULT = 64 * 1024;
    /** Most frames polled per duty cycle. */
    public static final int FRAGMENT_LIMIT_DEFAULT = 64;

    private NodeChannels channels;
    private NodeChannels storageChannels;
    private Long2ObjectHashMap<Endpoint> storageNodes;
    private int replicationFactor = 1;
    private int virtualNodes = HashRing.DEFAULT_VIRTUAL_NODES;
    private HostCache cache;
    private NanoClock nanoClock;
    private EpochNanoClock epochClock;
    private long storageTimeoutNs = SystemUtil.parseDuration(STORAGE_TIMEOUT_PROP_NAME,
        System.getProperty(STORAGE_TIMEOUT_PROP_NAME, STORAGE_TIMEOUT_DEFAULT));
    private long heartbeatPeriodNs = SystemUtil.parseDuration(HEARTBEAT_PERIOD_PROP_NAME,
        System.getProperty(HEARTBEAT_PERIOD_PROP_NAME, HEARTBEAT_PERIOD_DEFAULT));
    private int mergeBufferLength = MERGE_BUFFER_LENGTH_DEFAULT;
    private int fragmentLimit = FRAGMENT_LIMIT_DEFAULT;
    private long startedAtNs;
    private boolean concluded;

    /**
     * Resolves defaults and checks the settings; idempotent.
     *
     * @return this context.
     * @throws IllegalStateException if a part is missing or a setting is out of range.
     */
    public CacheContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (null == channels || null == storageChannels || null == storageNodes || null == cache)
        {
            throw new IllegalStateException("a cache agent needs its channels, storage channels, storage nodes and cache");
        }
        if (storageTimeoutNs <= 0 || heartbeatPeriodNs <= 0 || mergeBufferLength <= 0 || fragmentLimit <= 0)
        {
            throw new IllegalStateException("cache agent periods, sizes and limits must be positive");
        }
        if (null == nanoClock)
        {
            nanoClock = channels.transport().context().nanoClock();
        }
        if (null == epochClock)
        {
            epochClock = new SystemEpochNanoClock();
        }
        if (0 == startedAtNs)
        {
            startedAtNs = epochClock.nanoTime();
        }
        concluded = true;
        return this;
    }

    /**
     * @param channels        of the cache agent, where executors send their misses; opened by the agent.
     * @param storageChannels of the agent's client of the storage nodes; opened by the agent.
     * @return this context.
     */
    public CacheContext channels(final NodeChannels channels, final NodeChannels storageChannels)
    {
        this.channels = channels;
        this.storageChannels = storageChannels;
        return this;
    }

    /**
     * @param storageNodes      of the ring, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring.
     * @return this context.
     */
    public CacheContext storage(final Long2ObjectHashMap<Endpoint> storageNodes, final int replicationFactor, final int virtualNodes)
    {
        this.storageNodes = storageNodes;
        this.replicationFactor = replicationFactor;
        this.virtualNodes = virtualNodes;
        return this;
    }

    /**
     * @param cache the host cache the agent writes.
     * @return this context.
     */
    public CacheContext cache(final HostCache cache)
    {
        this.cache = cache;
        return this;
    }

    /** @return the agent's channels. */
    public NodeChannels channels()
    {
        return channels;
    }

    /** @return the channels of the agent's storage client. */
    public NodeChannels storageChannels()
    {
        return storageChannels;
    }

    /** @return the storage nodes of the ring. */
    public Long2ObjectHashMap<Endpoint> storageNodes()
    {
        return storageNodes;
    }

    /** @return the ring's replication factor. */
    public int replicationFactor()
    {
        return replicationFactor;
    }

    /** @return the ring's virtual nodes. */
    public int virtualNodes()
    {
        return virtualNodes;
    }

    /** @return the host cache. */
    public HostCache cache()
    {
        return cache;
    }

    /** @return the clock duty cycles, announcements and storage deadlines run on (default: the transport's). */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param nanoClock duty cycles, announcements and storage deadlines run on.
     * @return this context.
     */
    public CacheContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /** @return the clock announcements are stamped with. */
    public EpochNanoClock epochClock()
    {
        return epochClock;
    }

    /**
     * @param epochClock announcements are stamped with.
     * @return this context.
     */
    public CacheContext epochClock(final EpochNanoClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /** @return how long a storage request waits, in nanoseconds. */
    public long storageTimeoutNs()
    {
        return storageTimeoutNs;
    }

    /**
     * @param storageTimeoutNs how long a storage request waits.
     * @return this context.
     */
    public CacheContext storageTimeoutNs(final long storageTimeoutNs)
    {
        this.storageTimeoutNs = storageTimeoutNs;
        return this;
    }

    /** @return the announcement period in nanoseconds. */
    public long heartbeatPeriodNs()
    {
        return heartbeatPeriodNs;
    }

    /**
     * @param heartbeatPeriodNs between announcements.
     * @return this context.
     */
    public CacheContext heartbeatPeriodNs(final long heartbeatPeriodNs)
    {
        this.heartbeatPeriodNs = heartbeatPeriodNs;
        return this;
    }

    /** @return bytes of the buffer a write is merged in. */
    public int mergeBufferLength()
    {
        return mergeBufferLength;
    }

    /**
     * @param mergeBufferLength bytes of the buffer a write is merged in.
     * @return this context.
     */
    public CacheContext mergeBufferLength(final int mergeBufferLength)
    {
        this.mergeBufferLength = mergeBufferLength;
        return this;
    }

    /** @return most frames polled per duty cycle. */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /**
     * @param fragmentLimit most frames polled per duty cycle.
     * @return this context.
     */
    public CacheContext fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return this;
    }

    /** @return when this incarnation started, epoch nanoseconds, after {@link #conclude()}. */
    public long startedAtNs()
    {
        return startedAtNs;
    }
}
