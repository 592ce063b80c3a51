package io.droplet.scheduler;

import io.droplet.transport.NodeChannels;
import org.agrona.SystemUtil;

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
}
