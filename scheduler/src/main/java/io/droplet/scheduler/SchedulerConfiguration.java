package io.droplet.scheduler;

import org.agrona.SystemUtil;

/**
 * The scheduler's settings as system properties, each {@code *_PROP_NAME} paired with its
 * {@code *_DEFAULT}; a {@link SchedulerContext} starts from these and its setters override them.
 * Durations take a unit ("100ms", "2s"); sizes are plain numbers.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
public final class SchedulerConfiguration
{
    /** How long an executor may stay silent before no more work is placed on it. */
    public static final String EXECUTOR_TIMEOUT_PROP_NAME = "droplet.scheduler.executor.timeout";
    /** Default executor timeout: 1 s (ten heartbeats). */
    public static final String EXECUTOR_TIMEOUT_DEFAULT = "1s";
    /** How often the scheduler announces itself in the KVS and reads the other schedulers. */
    public static final String DISCOVERY_PERIOD_PROP_NAME = "droplet.scheduler.discovery.period";
    /** Default discovery period: 1 s. */
    public static final String DISCOVERY_PERIOD_DEFAULT = "1s";
    /** Least time between two replays of shipped registrations to one executor whose heartbeats lack them. */
    public static final String REPLAY_INTERVAL_PROP_NAME = "droplet.scheduler.replay.interval";
    /** Default replay interval: 2 s. */
    public static final String REPLAY_INTERVAL_DEFAULT = "2s";
    /** Shortest deadline a run of a call at given times gets, when the next given time is sooner. */
    public static final String MIN_TIMED_RUN_PROP_NAME = "droplet.scheduler.timed.run.min";
    /** Default shortest timed run: 100 ms. */
    public static final String MIN_TIMED_RUN_DEFAULT = "100ms";
    /** Deadline of the last run of a call at given times (no next time bounds it). */
    public static final String LAST_TIMED_RUN_PROP_NAME = "droplet.scheduler.timed.run.last";
    /** Default last timed run: 10 s. */
    public static final String LAST_TIMED_RUN_DEFAULT = "10s";
    /** Invocations kept for re-running when an executor dies (a power of two). */
    public static final String INVOCATION_LOG_CAPACITY_PROP_NAME = "droplet.scheduler.invocation.log.capacity";
    /** Default invocation log capacity: 8,192. */
    public static final String INVOCATION_LOG_CAPACITY_DEFAULT = "8192";
    /** Bytes of source arguments kept per logged invocation; larger ones are not re-run. */
    public static final String INVOCATION_LOG_ARGS_PROP_NAME = "droplet.scheduler.invocation.log.args";
    /** Default bytes of arguments per logged invocation: 1,024. */
    public static final String INVOCATION_LOG_ARGS_DEFAULT = "1024";
    /** How long a message to a link that is not ready is kept trying. */
    public static final String SEND_RETRY_WINDOW_PROP_NAME = "droplet.scheduler.send.retry.window";
    /** Default send retry window: 2 s. */
    public static final String SEND_RETRY_WINDOW_DEFAULT = "2s";
    /** Most messages kept for links that are not ready. */
    public static final String SEND_CAPACITY_PROP_NAME = "droplet.scheduler.send.capacity";
    /** Default messages kept: 4,096. */
    public static final String SEND_CAPACITY_DEFAULT = "4096";
    /** How long a registry read or write in the KVS may take before it fails with TIMEOUT. */
    public static final String REGISTRY_TIMEOUT_PROP_NAME = "droplet.scheduler.registry.timeout";
    /** Default registry timeout: 5 s. */
    public static final String REGISTRY_TIMEOUT_DEFAULT = "5s";
    /** Tick of the timer wheel that runs periodic calls (rounded up to a power of two of nanoseconds). */
    public static final String TIMER_TICK_PROP_NAME = "droplet.scheduler.timer.tick";
    /** Default timer tick: 1 ms. */
    public static final String TIMER_TICK_DEFAULT = "1ms";
    /** Most frames polled per duty cycle. */
    public static final String FRAGMENT_LIMIT_PROP_NAME = "droplet.scheduler.fragment.limit";
    /** Default fragment limit: 64. */
    public static final String FRAGMENT_LIMIT_DEFAULT = "64";

    /** Calls that may wait at once for a free slot when every executor able to run them is full. */
    public static final String QUEUE_CAPACITY_PROP_NAME = "droplet.scheduler.queue.capacity";
    /** Default queue capacity: 4,096 calls (as deep as an executor's own queue). */
    public static final String QUEUE_CAPACITY_DEFAULT = "4096";
    /** Bytes of arguments the waiting calls may hold together; past it a call is answered NO_RESOURCES. */
    public static final String QUEUE_BYTES_PROP_NAME = "droplet.scheduler.queue.bytes";
    /** Default queue bytes: 64 MiB (64 calls of the largest message, or all 4,096 of 16 KiB each). */
    public static final String QUEUE_BYTES_DEFAULT = "64m";
    /** Longest a call that has no deadline waits for a free slot before it is answered TIMEOUT. */
    public static final String QUEUE_TIMEOUT_PROP_NAME = "droplet.scheduler.queue.timeout";
    /** Default longest wait of a call without a deadline: 5 s (the default request timeout). */
    public static final String QUEUE_TIMEOUT_DEFAULT = "5s";
    /** Shortest period of a periodic call, and shortest gap between two of its given times. */
    public static final String PERIOD_MIN_PROP_NAME = "droplet.scheduler.period.min";
    /** Default shortest period: 1 ms. */
    public static final String PERIOD_MIN_DEFAULT = "1ms";
    /** Periodic calls one caller may hold at once. */
    public static final String PERIODIC_PER_CALLER_PROP_NAME = "droplet.scheduler.periodic.per.caller";
    /** Default periodic calls per caller. */
    public static final String PERIODIC_PER_CALLER_DEFAULT = "1024";
    /** Periodic calls all callers may hold at once. */
    public static final String PERIODIC_MAX_PROP_NAME = "droplet.scheduler.periodic.max";
    /** Default periodic calls in all: 4,096. */
    public static final String PERIODIC_MAX_DEFAULT = "4096";
    /** Bytes all periodic calls may hold: arguments and given times, and 256 a call for the call itself. */
    public static final String PERIODIC_BYTES_PROP_NAME = "droplet.scheduler.periodic.bytes";
    /** Default bytes of periodic calls: 64 MiB. */
    public static final String PERIODIC_BYTES_DEFAULT = "64m";
    /**
     * Whether the scheduler's class path holds the classes executors load by name (true where roles share a
     * distribution): a class registered by name that the scheduler cannot load is then refused at registration.
     * False where executors have classes the scheduler lacks: such a class is then accepted unseen.
     */
    public static final String CLASSES_SHARED_PROP_NAME = "droplet.scheduler.classes.shared";
    /** Default: the scheduler sees the executors' classes. */
    public static final String CLASSES_SHARED_DEFAULT = "true";

    /** Ticks per revolution of the periodic-call timer wheel (a power of two). */
    public static final int TIMER_TICKS_PER_WHEEL = 512;

    private SchedulerConfiguration()
    {
    }

    /**
     * @return silence after which no work is placed on an executor, from {@link #EXECUTOR_TIMEOUT_PROP_NAME} or its default.
     */
    public static long executorTimeoutNs()
    {
        return duration(EXECUTOR_TIMEOUT_PROP_NAME, EXECUTOR_TIMEOUT_DEFAULT);
    }

    /**
     * @return period of scheduler discovery, from {@link #DISCOVERY_PERIOD_PROP_NAME} or its default.
     */
    public static long discoveryPeriodNs()
    {
        return duration(DISCOVERY_PERIOD_PROP_NAME, DISCOVERY_PERIOD_DEFAULT);
    }

    /**
     * @return least time between replays of shipped registrations to one executor, from {@link #REPLAY_INTERVAL_PROP_NAME} or its default.
     */
    public static long replayIntervalNs()
    {
        return duration(REPLAY_INTERVAL_PROP_NAME, REPLAY_INTERVAL_DEFAULT);
    }

    /**
     * @return shortest deadline of a run at a given time, from {@link #MIN_TIMED_RUN_PROP_NAME} or its default.
     */
    public static long minTimedRunNs()
    {
        return duration(MIN_TIMED_RUN_PROP_NAME, MIN_TIMED_RUN_DEFAULT);
    }

    /**
     * @return deadline of the last run at given times, from {@link #LAST_TIMED_RUN_PROP_NAME} or its default.
     */
    public static long lastTimedRunNs()
    {
        return duration(LAST_TIMED_RUN_PROP_NAME, LAST_TIMED_RUN_DEFAULT);
    }

    /**
     * @return invocations kept for re-running, from {@link #INVOCATION_LOG_CAPACITY_PROP_NAME} or its default.
     */
    public static int invocationLogCapacity()
    {
        return size(INVOCATION_LOG_CAPACITY_PROP_NAME, INVOCATION_LOG_CAPACITY_DEFAULT);
    }

    /**
     * @return bytes of arguments kept per logged invocation, from {@link #INVOCATION_LOG_ARGS_PROP_NAME} or its default.
     */
    public static int invocationLogArgsBytes()
    {
        return size(INVOCATION_LOG_ARGS_PROP_NAME, INVOCATION_LOG_ARGS_DEFAULT);
    }

    /**
     * @return how long a message to a link that is not ready is kept trying, from {@link #SEND_RETRY_WINDOW_PROP_NAME} or its default.
     */
    public static long sendRetryWindowNs()
    {
        return duration(SEND_RETRY_WINDOW_PROP_NAME, SEND_RETRY_WINDOW_DEFAULT);
    }

    /**
     * @return most messages kept for links that are not ready, from {@link #SEND_CAPACITY_PROP_NAME} or its default.
     */
    public static int sendCapacity()
    {
        return size(SEND_CAPACITY_PROP_NAME, SEND_CAPACITY_DEFAULT);
    }

    /**
     * @return how long a registry request in the KVS may take, from {@link #REGISTRY_TIMEOUT_PROP_NAME} or its default.
     */
    public static long registryTimeoutNs()
    {
        return duration(REGISTRY_TIMEOUT_PROP_NAME, REGISTRY_TIMEOUT_DEFAULT);
    }

    /**
     * @return tick of the periodic-call timer wheel, from {@link #TIMER_TICK_PROP_NAME} or its default.
     */
    public static long timerTickNs()
    {
        return duration(TIMER_TICK_PROP_NAME, TIMER_TICK_DEFAULT);
    }

    /**
     * @return most frames polled per duty cycle, from {@link #FRAGMENT_LIMIT_PROP_NAME} or its default.
     */
    public static int fragmentLimit()
    {
        return size(FRAGMENT_LIMIT_PROP_NAME, FRAGMENT_LIMIT_DEFAULT);
    }

    /**
     * @return calls that may wait for a free slot, from {@link #QUEUE_CAPACITY_PROP_NAME} or its default.
     */
    public static int queueCapacity()
    {
        return size(QUEUE_CAPACITY_PROP_NAME, QUEUE_CAPACITY_DEFAULT);
    }

    /**
     * @return bytes of arguments the waiting calls may hold, from {@link #QUEUE_BYTES_PROP_NAME} or its default.
     */
    public static long queueBytes()
    {
        return SystemUtil.parseSize(QUEUE_BYTES_PROP_NAME, System.getProperty(QUEUE_BYTES_PROP_NAME, QUEUE_BYTES_DEFAULT));
    }

    /**
     * @return longest wait of a call without a deadline, from {@link #QUEUE_TIMEOUT_PROP_NAME} or its default.
     */
    public static long queueTimeoutNs()
    {
        return duration(QUEUE_TIMEOUT_PROP_NAME, QUEUE_TIMEOUT_DEFAULT);
    }

    /**
     * @return shortest period of a periodic call, from {@link #PERIOD_MIN_PROP_NAME} or its default.
     */
    public static long minPeriodNs()
    {
        return duration(PERIOD_MIN_PROP_NAME, PERIOD_MIN_DEFAULT);
    }

    /**
     * @return periodic calls one caller may hold, from {@link #PERIODIC_PER_CALLER_PROP_NAME} or its default.
     */
    public static int periodicCallsPerCaller()
    {
        return size(PERIODIC_PER_CALLER_PROP_NAME, PERIODIC_PER_CALLER_DEFAULT);
    }

    /**
     * @return periodic calls all callers may hold, from {@link #PERIODIC_MAX_PROP_NAME} or its default.
     */
    public static int periodicCalls()
    {
        return size(PERIODIC_MAX_PROP_NAME, PERIODIC_MAX_DEFAULT);
    }

    /**
     * @return bytes all periodic calls may hold, from {@link #PERIODIC_BYTES_PROP_NAME} or its default.
     */
    public static long periodicCallBytes()
    {
        return SystemUtil.parseSize(PERIODIC_BYTES_PROP_NAME, System.getProperty(PERIODIC_BYTES_PROP_NAME, PERIODIC_BYTES_DEFAULT));
    }

    /**
     * @return whether classes registered by name must load here, from {@link #CLASSES_SHARED_PROP_NAME} or its default.
     */
    public static boolean classesShared()
    {
        return Boolean.parseBoolean(System.getProperty(CLASSES_SHARED_PROP_NAME, CLASSES_SHARED_DEFAULT).trim());
    }

    private static long duration(final String propName, final String defaultValue)
    {
        return SystemUtil.parseDuration(propName, System.getProperty(propName, defaultValue));
    }

    private static int size(final String propName, final String defaultValue)
    {
        return Integer.parseInt(System.getProperty(propName, defaultValue).trim());
    }
}
