package io.droplet.scheduler;

import io.droplet.store.ring.HashRing;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

/**
 * Parts and settings of a {@link SchedulerAgent}: every clock, period, size and limit the scheduler's
 * state machines use comes from here, resolved once by {@link #conclude()} (the agent calls it).
 * <p>
 * Each setting starts from its system property or default ({@link SchedulerConfiguration}); a setter
 * overrides both.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the agent.
 */
public final class SchedulerContext
{
    /** How long an executor may stay silent before no more work is placed on it. */
    public static final String EXECUTOR_TIMEOUT_PROP_NAME = SchedulerConfiguration.EXECUTOR_TIMEOUT_PROP_NAME;
    /** Default executor timeout: 1 s (ten heartbeats). */
    public static final String EXECUTOR_TIMEOUT_DEFAULT = SchedulerConfiguration.EXECUTOR_TIMEOUT_DEFAULT;

    /** Ticks per revolution of the periodic-call timer wheel. */
    static final int TIMER_TICKS_PER_WHEEL = SchedulerConfiguration.TIMER_TICKS_PER_WHEEL;

    private NodeChannels channels;
    private PlacementPolicy placement = PlacementPolicy.leastLoaded();
    private long executorTimeoutNs = SchedulerConfiguration.executorTimeoutNs();
    private NodeChannels registryChannels;
    private Long2ObjectHashMap<Endpoint> storageNodes = new Long2ObjectHashMap<>();
    private int replicationFactor = 1;
    private int virtualNodes = HashRing.DEFAULT_VIRTUAL_NODES;
    private NanoClock nanoClock;
    private EpochNanoClock epochClock;
    private long discoveryPeriodNs = SchedulerConfiguration.discoveryPeriodNs();
    private long replayIntervalNs = SchedulerConfiguration.replayIntervalNs();
    private long minTimedRunNs = SchedulerConfiguration.minTimedRunNs();
    private long lastTimedRunNs = SchedulerConfiguration.lastTimedRunNs();
    private int invocationLogCapacity = SchedulerConfiguration.invocationLogCapacity();
    private int invocationLogArgsBytes = SchedulerConfiguration.invocationLogArgsBytes();
    private long sendRetryWindowNs = SchedulerConfiguration.sendRetryWindowNs();
    private int sendCapacity = SchedulerConfiguration.sendCapacity();
    private long registryTimeoutNs = SchedulerConfiguration.registryTimeoutNs();
    private long timerTickNs = SchedulerConfiguration.timerTickNs();
    private int fragmentLimit = SchedulerConfiguration.fragmentLimit();
    private int queueCapacity = SchedulerConfiguration.queueCapacity();
    private long queueBytes = SchedulerConfiguration.queueBytes();
    private long queueTimeoutNs = SchedulerConfiguration.queueTimeoutNs();
    private final SchedulerLimits limits = new SchedulerLimits();
    private boolean concluded;

    /**
     * Resolves defaults (clocks from the transport, or the system's when there are no channels) and
     * validates every setting, once; later calls do nothing.
     *
     * @return this context.
     * @throws IllegalArgumentException naming the first setting out of range.
     */
    public SchedulerContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (null == nanoClock)
        {
            nanoClock = null != channels ? channels.transport().context().nanoClock() : System::nanoTime;
        }
        if (null == epochClock)
        {
            epochClock = new SystemEpochNanoClock();
        }
        positive(EXECUTOR_TIMEOUT_PROP_NAME, executorTimeoutNs);
        positive(SchedulerConfiguration.DISCOVERY_PERIOD_PROP_NAME, discoveryPeriodNs);
        positive(SchedulerConfiguration.REPLAY_INTERVAL_PROP_NAME, replayIntervalNs);
        positive(SchedulerConfiguration.MIN_TIMED_RUN_PROP_NAME, minTimedRunNs);
        positive(SchedulerConfiguration.LAST_TIMED_RUN_PROP_NAME, lastTimedRunNs);
        positive(SchedulerConfiguration.SEND_RETRY_WINDOW_PROP_NAME, sendRetryWindowNs);
        positive(SchedulerConfiguration.REGISTRY_TIMEOUT_PROP_NAME, registryTimeoutNs);
        positive(SchedulerConfiguration.TIMER_TICK_PROP_NAME, timerTickNs);
        positive(SchedulerConfiguration.SEND_CAPACITY_PROP_NAME, sendCapacity);
        positive(SchedulerConfiguration.FRAGMENT_LIMIT_PROP_NAME, fragmentLimit);
        positive(SchedulerConfiguration.INVOCATION_LOG_ARGS_PROP_NAME, invocationLogArgsBytes);
        positive(SchedulerConfiguration.QUEUE_CAPACITY_PROP_NAME, queueCapacity);
        positive(SchedulerConfiguration.QUEUE_BYTES_PROP_NAME, queueBytes);
        positive(SchedulerConfiguration.QUEUE_TIMEOUT_PROP_NAME, queueTimeoutNs);
        if (Integer.bitCount(invocationLogCapacity) != 1)
        {
            throw new IllegalArgumentException(
                SchedulerConfiguration.INVOCATION_LOG_CAPACITY_PROP_NAME + " must be a power of two: " + invocationLogCapacity);
        }
        // The timer wheel needs a power-of-two tick: the next one up keeps the configured resolution or better.
        timerTickNs = Long.highestOneBit(timerTickNs) == timerTickNs ? timerTickNs : Long.highestOneBit(timerTickNs) << 1;
        limits.conclude();
        concluded = true;
        return this;
    }

    private static void positive(final String name, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** @return the monotonic clock of membership, periods and deadlines of sends. */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param nanoClock monotonic clock; by default the transport's.
     * @return this context.
     */
    public SchedulerContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /** @return the wall clock of call deadlines and given times (epoch ns). */
    public EpochNanoClock epochClock()
    {
        return epochClock;
    }

    /**
     * @param epochClock wall clock in epoch nanoseconds; by default the system's.
     * @return this context.
     */
    public SchedulerContext epochClock(final EpochNanoClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /** @return period of scheduler discovery in the KVS. */
    public long discoveryPeriodNs()
    {
        return discoveryPeriodNs;
    }

    /**
     * @param discoveryPeriodNs period of scheduler discovery in the KVS.
     * @return this context.
     */
    public SchedulerContext discoveryPeriodNs(final long discoveryPeriodNs)
    {
        this.discoveryPeriodNs = discoveryPeriodNs;
        return this;
    }

    /** @return least time between replays of shipped registrations to one executor. */
    public long replayIntervalNs()
    {
        return replayIntervalNs;
    }

    /**
     * @param replayIntervalNs least time between replays of shipped registrations to one executor.
     * @return this context.
     */
    public SchedulerContext replayIntervalNs(final long replayIntervalNs)
    {
        this.replayIntervalNs = replayIntervalNs;
        return this;
    }

    /** @return shortest deadline of a run of a call at given times. */
    public long minTimedRunNs()
    {
        return minTimedRunNs;
    }

    /**
     * @param minTimedRunNs shortest deadline of a run of a call at given times.
     * @return this context.
     */
    public SchedulerContext minTimedRunNs(final long minTimedRunNs)
    {
        this.minTimedRunNs = minTimedRunNs;
        return this;
    }

    /** @return deadline of the last run of a call at given times. */
    public long lastTimedRunNs()
    {
        return lastTimedRunNs;
    }

    /**
     * @param lastTimedRunNs deadline of the last run of a call at given times.
     * @return this context.
     */
    public SchedulerContext lastTimedRunNs(final long lastTimedRunNs)
    {
        this.lastTimedRunNs = lastTimedRunNs;
        return this;
    }

    /** @return invocations kept for re-running (a power of two). */
    public int invocationLogCapacity()
    {
        return invocationLogCapacity;
    }

    /**
     * @param invocationLogCapacity invocations kept for re-running (a power of two).
     * @return this context.
     */
    public SchedulerContext invocationLogCapacity(final int invocationLogCapacity)
    {
        this.invocationLogCapacity = invocationLogCapacity;
        return this;
    }

    /** @return bytes of source arguments kept per logged invocation. */
    public int invocationLogArgsBytes()
    {
        return invocationLogArgsBytes;
    }

    /**
     * @param invocationLogArgsBytes bytes of source arguments kept per logged invocation.
     * @return this context.
     */
    public SchedulerContext invocationLogArgsBytes(final int invocationLogArgsBytes)
    {
        this.invocationLogArgsBytes = invocationLogArgsBytes;
        return this;
    }

    /** @return how long a message to a link that is not ready is kept trying. */
    public long sendRetryWindowNs()
    {
        return sendRetryWindowNs;
    }

    /**
     * @param sendRetryWindowNs how long a message to a link that is not ready is kept trying.
     * @return this context.
     */
    public SchedulerContext sendRetryWindowNs(final long sendRetryWindowNs)
    {
        this.sendRetryWindowNs = sendRetryWindowNs;
        return this;
    }

    /** @return most messages kept for links that are not ready. */
    public int sendCapacity()
    {
        return sendCapacity;
    }

    /**
     * @param sendCapacity most messages kept for links that are not ready.
     * @return this context.
     */
    public SchedulerContext sendCapacity(final int sendCapacity)
    {
        this.sendCapacity = sendCapacity;
        return this;
    }

    /** @return how long a registry read or write in the KVS may take. */
    public long registryTimeoutNs()
    {
        return registryTimeoutNs;
    }

    /**
     * @param registryTimeoutNs how long a registry read or write in the KVS may take.
     * @return this context.
     */
    public SchedulerContext registryTimeoutNs(final long registryTimeoutNs)
    {
        this.registryTimeoutNs = registryTimeoutNs;
        return this;
    }

    /** @return tick of the periodic-call timer wheel (a power of two after {@link #conclude()}). */
    public long timerTickNs()
    {
        return timerTickNs;
    }

    /**
     * @param timerTickNs tick of the periodic-call timer wheel.
     * @return this context.
     */
    public SchedulerContext timerTickNs(final long timerTickNs)
    {
        this.timerTickNs = timerTickNs;
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
    public SchedulerContext fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return this;
    }

    /** @return what one request may ask of the scheduler (periodic calls, classes registered by name); set it up here. */
    public SchedulerLimits limits()
    {
        return limits;
    }

    /** @return calls that may wait at once for a free slot. */
    public int queueCapacity()
    {
        return queueCapacity;
    }

    /**
     * @param queueCapacity calls that may wait at once for a free slot when every executor able to run them
     *                      is full; past it a call is answered NO_RESOURCES.
     * @return this context.
     */
    public SchedulerContext queueCapacity(final int queueCapacity)
    {
        this.queueCapacity = queueCapacity;
        return this;
    }

    /** @return bytes of arguments the waiting calls may hold together. */
    public long queueBytes()
    {
        return queueBytes;
    }

    /**
     * @param queueBytes bytes of arguments the waiting calls may hold together.
     * @return this context.
     */
    public SchedulerContext queueBytes(final long queueBytes)
    {
        this.queueBytes = queueBytes;
        return this;
    }

    /** @return longest wait for a free slot of a call that has no deadline. */
    public long queueTimeoutNs()
    {
        return queueTimeoutNs;
    }

    /**
     * @param queueTimeoutNs longest wait for a free slot of a call that has no deadline.
     * @return this context.
     */
    public SchedulerContext queueTimeoutNs(final long queueTimeoutNs)
    {
        this.queueTimeoutNs = queueTimeoutNs;
        return this;
    }

    /** @return the scheduler's channels. */
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

    /** @return the placement policy. */
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

    /** @return executor timeout in nanoseconds. */
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

    /** @return channels of the registry's storage client, or null for an in-memory registry. */
    public NodeChannels registryChannels()
    {
        return registryChannels;
    }

    /** @return storage nodes holding the registry. */
    public Long2ObjectHashMap<Endpoint> storageNodes()
    {
        return storageNodes;
    }

    /** @return replication factor of the storage ring. */
    public int replicationFactor()
    {
        return replicationFactor;
    }

    /** @return virtual nodes per storage node on the ring. */
    public int virtualNodes()
    {
        return virtualNodes;
    }
}
