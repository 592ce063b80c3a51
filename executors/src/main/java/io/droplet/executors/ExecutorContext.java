package io.droplet.executors;

import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

/**
 * Parts and settings of an {@link ExecutorAgent}: every clock, period, size and limit the agent and its
 * state machines use, resolved once by {@link #conclude()} (the agent concludes its context). Each setting's
 * system property and default are in {@link ExecutorConfiguration}.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the agent.
 */
public final class ExecutorContext
{
    private NodeChannels channels;
    private NanoClock nanoClock;
    private EpochNanoClock epochClock;
    private long sendRetryWindowNs = ExecutorConfiguration.duration(ExecutorConfiguration.SEND_RETRY_WINDOW_PROP_NAME, ExecutorConfiguration.SEND_RETRY_WINDOW_DEFAULT);
    private int deferredSendsCapacity = Integer.getInteger(ExecutorConfiguration.DEFERRED_SENDS_CAPACITY_PROP_NAME, ExecutorConfiguration.DEFERRED_SENDS_CAPACITY_DEFAULT);
    private long processTimeoutNs = ExecutorConfiguration.duration(ExecutorConfiguration.PROCESS_TIMEOUT_PROP_NAME, ExecutorConfiguration.PROCESS_TIMEOUT_DEFAULT);
    private int processPoolSize = Integer.getInteger(ExecutorConfiguration.PROCESS_POOL_PROP_NAME, ExecutorConfiguration.PROCESS_POOL_DEFAULT);
    private long expiryCheckPeriodNs;
    private int fragmentLimit = ExecutorConfiguration.FRAGMENT_LIMIT_DEFAULT;
    private int mailboxCapacity = (int)ExecutorConfiguration.size(ExecutorConfiguration.MAILBOX_CAPACITY_PROP_NAME, ExecutorConfiguration.MAILBOX_CAPACITY_DEFAULT);
    private int workers = Integer.getInteger(ExecutorConfiguration.WORKERS_PROP_NAME, ExecutorConfiguration.WORKERS_DEFAULT);
    private int keyedActivations = Integer.getInteger(ExecutorConfiguration.KEYED_ACTIVATIONS_PROP_NAME, ExecutorConfiguration.KEYED_ACTIVATIONS_DEFAULT);
    private int queue = Integer.getInteger(ExecutorConfiguration.QUEUE_PROP_NAME, ExecutorConfiguration.QUEUE_DEFAULT);
    private long workerSpinNs = ExecutorConfiguration.WORKER_SPIN_BY_PROFILE;
    private int maxMessageLength;
    private int maxPayloadLength;
    private long startedAtNs;
    private boolean concluded;
    private ExecutorBounds bounds = new ExecutorBounds();
    private HostCache cache;
    private long cacheNode;
    private Endpoint cacheEndpoint;
    private LocalFunctions functions;
    private final org.agrona.collections.Long2ObjectHashMap<Endpoint> schedulers = new org.agrona.collections.Long2ObjectHashMap<>();
    private long heartbeatPeriodNs = ExecutorConfiguration.duration(ExecutorConfiguration.HEARTBEAT_PERIOD_PROP_NAME, ExecutorConfiguration.HEARTBEAT_PERIOD_DEFAULT);
    private int nestedCallsInFlight = Integer.getInteger(ExecutorConfiguration.NESTED_CALLS_IN_FLIGHT_PROP_NAME, ExecutorConfiguration.NESTED_CALLS_IN_FLIGHT_DEFAULT);
    private long cancelCheckPeriodNs = ExecutorConfiguration.duration(ExecutorConfiguration.CANCEL_CHECK_PERIOD_PROP_NAME, ExecutorConfiguration.CANCEL_CHECK_PERIOD_DEFAULT);
    private long completionsLingerNs = ExecutorConfiguration.duration(ExecutorConfiguration.COMPLETIONS_LINGER_PROP_NAME, ExecutorConfiguration.COMPLETIONS_LINGER_DEFAULT);
    private long reportIntervalNs = ExecutorConfiguration.duration(ExecutorConfiguration.REPORT_INTERVAL_PROP_NAME, ExecutorConfiguration.REPORT_INTERVAL_DEFAULT);

    /** @return the executor's channels. */
    public NodeChannels channels()
    {
        return channels;
    }

    /** @param channels of the executor; its inbound side is opened by the agent. @return this context. */
    public ExecutorContext channels(final NodeChannels channels)
    {
        this.channels = channels;
        return this;
    }

    /** @return the functions the executor runs. */
    public LocalFunctions functions()
    {
        return functions;
    }

    /** @param functions the executor runs. @return this context. */
    public ExecutorContext functions(final LocalFunctions functions)
    {
        this.functions = functions;
        return this;
    }

    /** @return the schedulers heartbeats go to, with their endpoints. */
    public org.agrona.collections.Long2ObjectHashMap<Endpoint> schedulers()
    {
        return schedulers;
    }

    /**
     * Adds a scheduler the executor heartbeats to (once per scheduler of the deployment: any may place work here).
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

    /** @return the host cache, or null if references are not resolved here. */
    public HostCache cache()
    {
        return cache;
    }

    /** @return the cache agent's node id. */
    public long cacheNode()
    {
        return cacheNode;
    }

    /** @return where the cache agent receives. */
    public Endpoint cacheEndpoint()
    {
        return cacheEndpoint;
    }

    /** @return heartbeat period in nanoseconds. */
    public long heartbeatPeriodNs()
    {
        return heartbeatPeriodNs;
    }

    /** @param heartbeatPeriodNs between heartbeats. @return this context. */
    public ExecutorContext heartbeatPeriodNs(final long heartbeatPeriodNs)
    {
        this.heartbeatPeriodNs = heartbeatPeriodNs;
        return this;
    }

    /** @return most calls the executor's running functions have out at once. */
    public int nestedCallsInFlight()
    {
        return nestedCallsInFlight;
    }

    /**
     * @param nestedCallsInFlight most calls the executor's running functions have out at once.
     * @return this context.
     */
    public ExecutorContext nestedCallsInFlight(final int nestedCallsInFlight)
    {
        this.nestedCallsInFlight = nestedCallsInFlight;
        return this;
    }

    /** @return how often runs on the worker pool are checked against their deadline, in nanoseconds. */
    public long cancelCheckPeriodNs()
    {
        return cancelCheckPeriodNs;
    }

    /**
     * @param cancelCheckPeriodNs how often runs on the worker pool are checked against their deadline.
     * @return this context.
     */
    public ExecutorContext cancelCheckPeriodNs(final long cancelCheckPeriodNs)
    {
        this.cancelCheckPeriodNs = cancelCheckPeriodNs;
        return this;
    }

    /** @return longest an answered invocation waits before the schedulers are told, in nanoseconds. */
    public long completionsLingerNs()
    {
        return completionsLingerNs;
    }

    /**
     * @param completionsLingerNs longest an answered invocation waits before the schedulers are told.
     * @return this context.
     */
    public ExecutorContext completionsLingerNs(final long completionsLingerNs)
    {
        this.completionsLingerNs = completionsLingerNs;
        return this;
    }

    /** @return least time between two reports sent before the heartbeat is due, in nanoseconds. */
    public long reportIntervalNs()
    {
        return reportIntervalNs;
    }

    /**
     * @param reportIntervalNs least time between two capacity reports or early heartbeats (default
     *                         {@value #ExecutorConfiguration.REPORT_INTERVAL_DEFAULT}).
     * @return this context.
     */
    public ExecutorContext reportIntervalNs(final long reportIntervalNs)
    {
        this.reportIntervalNs = reportIntervalNs;
        return this;
    }

    /**
     * Resolves defaults and checks the settings; idempotent.
     *
     * @return this context.
     * @throws IllegalStateException if no channels or functions were given, or a setting is out of range.
     */
    public ExecutorContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (null == channels || null == functions)
        {
            throw new IllegalStateException("an executor needs channels and functions");
        }
        workerSpinNs = workerSpinNs == ExecutorConfiguration.WORKER_SPIN_BY_PROFILE ?
            ExecutorConfiguration.workerSpinNs(channels.transport().context().threadingProfile(),
            System.getProperty(ExecutorConfiguration.WORKER_SPIN_PROP_NAME)) : workerSpinNs;
        if (heartbeatPeriodNs <= 0 || completionsLingerNs < 0 || cancelCheckPeriodNs <= 0 || nestedCallsInFlight <= 0 || reportIntervalNs < 0 || sendRetryWindowNs <= 0 || deferredSendsCapacity <= 0 || processTimeoutNs <= 0 ||
            fragmentLimit <= 0 || mailboxCapacity <= 0 || workers <= 0 || queue < 0 || workerSpinNs < 0 ||
            processPoolSize < 0 || keyedActivations <= 0)
        {
            throw new IllegalStateException("executor periods, capacities and limits must be positive");
        }
        if (null == nanoClock)
        {
            nanoClock = channels.transport().context().nanoClock();
        }
        if (null == epochClock)
        {
            epochClock = new SystemEpochNanoClock();
        }
        processPoolSize = 0 == processPoolSize ? workers : processPoolSize;
        if (0 == expiryCheckPeriodNs)
        {
            // Expired fan-ins, parked triggers and held outputs are looked for as often as heartbeats go.
            expiryCheckPeriodNs = heartbeatPeriodNs;
        }
        maxMessageLength = channels.transport().context().maxMessageLength();
        maxPayloadLength = channels.transport().context().maxPayloadLength();
        bounds.conclude(maxMessageLength);
        if (0 == startedAtNs)
        {
            // Tells this incarnation from an earlier one with the same node id (a restart).
            startedAtNs = epochClock.nanoTime();
        }
        concluded = true;
        return this;
    }

    /** @return the clock duty cycles, heartbeats and send retries run on (default: the transport's). */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /** @param nanoClock the clock duty cycles, heartbeats and send retries run on. @return this context. */
    public ExecutorContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /** @return the clock deadlines are read against and writes stamped with (default: the system's). */
    public EpochNanoClock epochClock()
    {
        return epochClock;
    }

    /** @param epochClock deadlines are read against and writes stamped with. @return this context. */
    public ExecutorContext epochClock(final EpochNanoClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /** @return how long an output whose link is not ready is kept trying, in nanoseconds. */
    public long sendRetryWindowNs()
    {
        return sendRetryWindowNs;
    }

    /** @param sendRetryWindowNs how long an output whose link is not ready is kept trying. @return this context. */
    public ExecutorContext sendRetryWindowNs(final long sendRetryWindowNs)
    {
        this.sendRetryWindowNs = sendRetryWindowNs;
        return this;
    }

    /** @return most outputs kept for links that are not ready. */
    public int deferredSendsCapacity()
    {
        return deferredSendsCapacity;
    }

    /** @param deferredSendsCapacity most outputs kept for links that are not ready. @return this context. */
    public ExecutorContext deferredSendsCapacity(final int deferredSendsCapacity)
    {
        this.deferredSendsCapacity = deferredSendsCapacity;
        return this;
    }

    /** @return longest call of a process function without a deadline, in nanoseconds. */
    public long processTimeoutNs()
    {
        return processTimeoutNs;
    }

    /**
     * @param processTimeoutNs longest call of a process function whose invocation has no deadline.
     * @return this context.
     */
    public ExecutorContext processTimeoutNs(final long processTimeoutNs)
    {
        this.processTimeoutNs = processTimeoutNs;
        return this;
    }

    /** @return most processes per process function (after {@link #conclude()}, never 0: 0 became the workers). */
    public int processPoolSize()
    {
        return processPoolSize;
    }

    /**
     * @param processPoolSize most processes each process function keeps running here; 0 (default) for {@link #workers()}.
     * @return this context.
     */
    public ExecutorContext processPoolSize(final int processPoolSize)
    {
        this.processPoolSize = processPoolSize;
        return this;
    }

    /** @return how often expired fan-ins, parked triggers and held outputs are looked for (default: heartbeat period). */
    public long expiryCheckPeriodNs()
    {
        return expiryCheckPeriodNs;
    }

    /**
     * @param expiryCheckPeriodNs how often expired fan-ins, parked triggers and held outputs are looked for.
     * @return this context.
     */
    public ExecutorContext expiryCheckPeriodNs(final long expiryCheckPeriodNs)
    {
        this.expiryCheckPeriodNs = expiryCheckPeriodNs;
        return this;
    }

    /** @return most frames polled per duty cycle. */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /** @param fragmentLimit most frames polled per duty cycle. @return this context. */
    public ExecutorContext fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return this;
    }

    /** @return largest total of messages waiting in the mailbox, in bytes. */
    public int mailboxCapacity()
    {
        return mailboxCapacity;
    }

    /** @param mailboxCapacity largest total of messages waiting in the mailbox, in bytes. @return this context. */
    public ExecutorContext mailboxCapacity(final int mailboxCapacity)
    {
        this.mailboxCapacity = mailboxCapacity;
        return this;
    }

    /** @return worker threads that run the functions not declared short. */
    public int workers()
    {
        return workers;
    }

    /**
     * @param workers threads that run the functions not declared short (default {@value #ExecutorConfiguration.WORKERS_DEFAULT}).
     * @return this context.
     */
    public ExecutorContext workers(final int workers)
    {
        this.workers = workers;
        return this;
    }

    /** @return how long an idle worker spins for the next run before it parks (one worker at a time). */
    public long workerSpinNs()
    {
        return workerSpinNs;
    }

    /**
     * @param workerSpinNs how long an idle worker spins for a run before it parks (default by the threading profile).
     * @return this context.
     */
    public ExecutorContext workerSpinNs(final long workerSpinNs)
    {
        this.workerSpinNs = workerSpinNs;
        return this;
    }

    /** @return activations of keyed functions held at most. */
    public int keyedActivations()
    {
        return keyedActivations;
    }

    /**
     * @param activations of keyed functions held at most (default {@value #ExecutorConfiguration.KEYED_ACTIVATIONS_DEFAULT}); idle ones are
     *                    evicted past it, and a call that finds every one busy is answered NO_RESOURCES.
     * @return this context.
     */
    public ExecutorContext keyedActivations(final int activations)
    {
        this.keyedActivations = activations;
        return this;
    }

    /** @return runs that may wait for a free worker before new ones are answered NO_RESOURCES. */
    public int queue()
    {
        return queue;
    }

    /**
     * @param queue runs that may wait for a free worker (default {@value #ExecutorConfiguration.QUEUE_DEFAULT}); 0 for none.
     * @return this context.
     */
    public ExecutorContext queue(final int queue)
    {
        this.queue = queue;
        return this;
    }

    /** @return what requests may hold on the executor: fan-ins, parked triggers. */
    public ExecutorBounds bounds()
    {
        return bounds;
    }

    /** @param bounds what requests may hold on the executor (default: from system properties). @return this context. */
    public ExecutorContext bounds(final ExecutorBounds bounds)
    {
        this.bounds = bounds;
        return this;
    }

    /** @return the transport's longest message, after {@link #conclude()}. */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /** @return the transport's longest payload (a result's limit), after {@link #conclude()}. */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /** @return when this incarnation started, epoch nanoseconds, after {@link #conclude()}. */
    public long startedAtNs()
    {
        return startedAtNs;
    }

    /**
     * @param startedAtNs when this incarnation started (default: the epoch clock at {@link #conclude()}).
     * @return this context.
     */
    public ExecutorContext startedAtNs(final long startedAtNs)
    {
        this.startedAtNs = startedAtNs;
        return this;
    }
}
