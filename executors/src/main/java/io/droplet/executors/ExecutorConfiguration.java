package io.droplet.executors;

/**
 * The executor's settings as system properties, with their defaults: what {@link ExecutorContext} reads when a
 * setting is not given to it (as Aeron keeps a {@code Configuration} beside each {@code Context}).
 * <p>
 * <b>Note:</b> constants only; thread-safe.
 */
public final class ExecutorConfiguration
{
    /** How often an executor heartbeats to its scheduler. */
    public static final String HEARTBEAT_PERIOD_PROP_NAME = "droplet.executor.heartbeat.period";
    /** Default heartbeat period: 100 ms. */
    public static final String HEARTBEAT_PERIOD_DEFAULT = "100ms";

    /** Longest an answered invocation waits before the schedulers are told (see {@code Completions}). */
    public static final String COMPLETIONS_LINGER_PROP_NAME = "droplet.executor.completions.linger";
    /** Default completions linger: 1 ms. */
    public static final String COMPLETIONS_LINGER_DEFAULT = "1ms";

    /** How often runs on the worker pool are checked against their invocation's deadline (and cancelled past it). */
    public static final String CANCEL_CHECK_PERIOD_PROP_NAME = "droplet.executor.cancel.check.period";
    /** Default cancel check period: 10 ms. */
    public static final String CANCEL_CHECK_PERIOD_DEFAULT = "10ms";

    /**
     * Least time between two reports an executor sends before its heartbeat is due: a capacity report (free
     * slots again after a scheduler may have counted it full) or a heartbeat announcing a changed function table.
     */
    public static final String REPORT_INTERVAL_PROP_NAME = "droplet.executor.report.interval";
    /**
     * Default report interval: 50 us. A scheduler counts the slots it fills between reports, so this bounds how
     * long a call it queued waits after a worker frees, and with 16 workers it bounds pooled runs of microsecond
     * functions to about 16 per interval per executor (at 1 ms, one call in flight of such a function waited up to
     * a millisecond every 16th call). Reports go only while slots are free again after a scheduler may have counted
     * the executor full, so a saturated pool sends none, and an idle one none either.
     */
    public static final String REPORT_INTERVAL_DEFAULT = "50us";

    /** Most calls an executor's running functions have out at once (sent to a scheduler, not answered). */
    public static final String NESTED_CALLS_IN_FLIGHT_PROP_NAME = "droplet.executor.nested.calls.in.flight";
    /** Default nested calls in flight: 256, enough to keep a scheduler busy, few enough to leave its link room. */
    public static final int NESTED_CALLS_IN_FLIGHT_DEFAULT = 256;

    /** How long an output whose link is not ready is kept trying. */
    public static final String SEND_RETRY_WINDOW_PROP_NAME = "droplet.executor.send.retry.window";
    /** Default send retry window: 2 s. */
    public static final String SEND_RETRY_WINDOW_DEFAULT = "2s";
    /** Most outputs kept for links that are not ready. */
    public static final String DEFERRED_SENDS_CAPACITY_PROP_NAME = "droplet.executor.deferred.sends.capacity";
    /** Default capacity of kept outputs: 4096 messages. */
    public static final int DEFERRED_SENDS_CAPACITY_DEFAULT = 4096;
    /**
     * Longest call of a process function whose invocation has no deadline (one with a deadline is bounded by it):
     * the process that has not answered by then is killed and replaced.
     */
    public static final String PROCESS_TIMEOUT_PROP_NAME = "droplet.executor.process.timeout";
    /** Default process function timeout: 10 s. */
    public static final String PROCESS_TIMEOUT_DEFAULT = "10s";
    /** Most processes each process function keeps running on one executor; 0 for as many as the executor's workers. */
    public static final String PROCESS_POOL_PROP_NAME = "droplet.executor.process.pool";
    /**
     * Default process pool: 0, one per worker ({@link #WORKERS_DEFAULT}), so a call never waits for a process while
     * a worker could run it. Processes start on first need only, so a function called one at a time runs one.
     */
    public static final int PROCESS_POOL_DEFAULT = 0;
    /** Most frames polled per duty cycle. */
    public static final int FRAGMENT_LIMIT_DEFAULT = 64;
    /** Largest total of messages waiting in an executor's mailbox, in bytes, before new ones are dropped. */
    public static final String MAILBOX_CAPACITY_PROP_NAME = "droplet.executor.mailbox.capacity";
    /** Default mailbox capacity: 1 MiB. */
    public static final String MAILBOX_CAPACITY_DEFAULT = "1m";
    /** Worker threads that run the functions not declared short (see {@code ShortFunction}). */
    public static final String WORKERS_PROP_NAME = "droplet.executor.workers";
    /**
     * Default workers: 16. Functions on the pool may wait on I/O, so more workers than cores is the point; an idle
     * worker is a parked thread, and a CPU-bound pool on a small host shares its cores fairly anyway.
     */
    public static final int WORKERS_DEFAULT = 16;
    /** Activations of keyed functions an executor holds at most (see {@code KeyedFunction}). */
    public static final String KEYED_ACTIVATIONS_PROP_NAME = "droplet.executor.keyed.activations";
    /**
     * Default activations: 10,000. An activation is an instance of its class plus its state value; its state is in
     * the KVS after every call, so evicting an idle one (the least recently used) loses nothing but its fields.
     */
    public static final int KEYED_ACTIVATIONS_DEFAULT = 10_000;
    /** Runs that may wait for a free worker before new ones are answered NO_RESOURCES. */
    public static final String QUEUE_PROP_NAME = "droplet.executor.queue";
    /**
     * Default queue: 4,096 runs. Each waiting run holds a copy of its arguments (and, once run, its result) until
     * the agent hands it on, so the queue bounds memory as well as waiting time; runs are made on first need, so
     * an executor that never queues much never holds them. It is this deep because when an executor dies the
     * scheduler re-runs, at once, every invocation placed on it that no executor reported answered and whose
     * deadline has not passed, and a surviving executor must absorb that burst without refusing the live calls
     * among it.
     */
    public static final int QUEUE_DEFAULT = 4096;
    /** How long an idle worker spins for the next run before it parks; one worker of a pool spins at a time. */
    public static final String WORKER_SPIN_PROP_NAME = "droplet.executor.worker.spin";
    /**
     * Default worker spin in the shared and invoker threading profiles: 0, park at once. Spinning is for a host with a
     * free core per spinning thread: with 50 us a run handed to an idle pool starts in about a microsecond instead of
     * after a thread wake-up (pooled call1 p50 18.6 -> 5.6 us in the harness), but under a CPU hog on two cores it
     * slowed a remote client's pooled DAG calls so much that SlowConsumerTest went from 120 s to past its 180 s limit
     * (122 s again with 0).
     */
    public static final String WORKER_SPIN_DEFAULT = "0";
    /**
     * Default worker spin in the dedicated (busy-spinning, low-latency) threading profile: 50 us. Choosing that
     * profile says the host has a core for each spinning thread, and one worker of a pool spins at a time.
     */
    public static final String WORKER_SPIN_DEDICATED_DEFAULT = "50us";
    /** A context's worker spin until it is concluded: {@link #workerSpinNs} by the transport's threading profile. */
    static final long WORKER_SPIN_BY_PROFILE = -1;

    private ExecutorConfiguration()
    {
    }

    /**
     * @param propName     of a duration setting.
     * @param defaultValue used when the property is not set.
     * @return the setting in nanoseconds.
     */
    static long duration(final String propName, final String defaultValue)
    {
        return org.agrona.SystemUtil.parseDuration(propName, System.getProperty(propName, defaultValue));
    }

    /**
     * @param profile    the transport's threading profile.
     * @param configured the value of {@link #WORKER_SPIN_PROP_NAME}, or null if it is not set.
     * @return the configured spin if set; otherwise the profile's default, in nanoseconds.
     */
    static long workerSpinNs(final io.droplet.transport.ThreadingProfile profile, final String configured)
    {
        return org.agrona.SystemUtil.parseDuration(WORKER_SPIN_PROP_NAME, null != configured ? configured :
            profile == io.droplet.transport.ThreadingProfile.DEDICATED ? WORKER_SPIN_DEDICATED_DEFAULT : WORKER_SPIN_DEFAULT);
    }

    /**
     * @param propName     of a size setting (with an optional k, m or g suffix).
     * @param defaultValue used when the property is not set.
     * @return the setting in bytes.
     */
    static long size(final String propName, final String defaultValue)
    {
        return org.agrona.SystemUtil.parseSize(propName, System.getProperty(propName, defaultValue));
    }
}
