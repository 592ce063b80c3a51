package io.droplet.executors;

import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.SystemUtil;

/**
 * Parts and settings of an {@link ExecutorAgent}.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the agent.
 */
public final class ExecutorContext
{
    /** How often an executor heartbeats to its scheduler. */
    public static final String HEARTBEAT_PERIOD_PROP_NAME = "droplet.executor.heartbeat.period";
    /** Default heartbeat period: 100 ms. */
    public static final String HEARTBEAT_PERIOD_DEFAULT = "100ms";

    private NodeChannels channels;
    private HostCache cache;
    private long cacheNode;
    private Endpoint cacheEndpoint;
    private LocalFunctions functions;
    private final org.agrona.collections.Long2ObjectHashMap<Endpoint> schedulers = new org.agrona.collections.Long2ObjectHashMap<>();
    private long heartbeatPeriodNs = SystemUtil.parseDuration(HEARTBEAT_PERIOD_PROP_NAME,
        System.getProperty(HEARTBEAT_PERIOD_PROP_NAME, HEARTBEAT_PERIOD_DEFAULT));

    /**
     * @return the executor's channels.
     */
    public NodeChannels channels()
    {
        return channels;
    }

    /**
     * @param channels of the executor; its inbound side is opened by the agent.
     * @return this context.
     */
    public ExecutorContext channels(final NodeChannels channels)
    {
        this.channels = channels;
        return this;
    }

    /**
     * @return the functions the executor runs.
     */
    public LocalFunctions functions()
    {
        return functions;
    }

    /**
     * @param functions the executor runs.
     * @return this context.
     */
    public ExecutorContext functions(final LocalFunctions functions)
    {
        this.functions = functions;
        return this;
    }

    /**
     * @return the schedulers heartbeats go to, with their endpoints.
     */
    public org.agrona.collections.Long2ObjectHashMap<Endpoint> schedulers()
    {
        return schedulers;
    }

    /**
     * Adds a scheduler the executor heartbeats to; call once per scheduler of the deployment, so that
     * any of them can place work here.
     *
     * @param schedulerNode     id of the scheduler.
     * @param schedulerEndpoint where it receives.
     * @return this context.
     */
    public ExecutorContext scheduler(final long schedulerNode, final Endpoint schedulerEndpoint)
    {
        schedulers.put(schedulerNode, schedulerEndpoint);
        return this;
    }

    /**
     * Lets the executor resolve KVS references through the host cache.
     *
     * @param cache         the host cache, read directly.
     * @param cacheNode     the cache agent's node id, asked on a miss.
     * @param cacheEndpoint where the cache agent receives.
     * @return this context.
     */
    public ExecutorContext cache(final HostCache cache, final long cacheNode, final Endpoint cacheEndpoint)
    {
        this.cache = cache;
        this.cacheNode = cacheNode;
        this.cacheEndpoint = cacheEndpoint;
        return this;
    }

    /**
     * @return the host cache, or null if references are not resolved here.
     */
    public HostCache cache()
    {
        return cache;
    }

    /**
     * @return the cache agent's node id.
     */
    public long cacheNode()
    {
        return cacheNode;
    }

    /**
     * @return where the cache agent receives.
     */
    public Endpoint cacheEndpoint()
    {
        return cacheEndpoint;
    }

    /**
     * @return heartbeat period in nanoseconds.
     */
    public long heartbeatPeriodNs()
    {
        return heartbeatPeriodNs;
    }

    /**
     * @param heartbeatPeriodNs between heartbeats.
     * @return this context.
     */
    public ExecutorContext heartbeatPeriodNs(final long heartbeatPeriodNs)
    {
        this.heartbeatPeriodNs = heartbeatPeriodNs;
        return this;
    }
}
