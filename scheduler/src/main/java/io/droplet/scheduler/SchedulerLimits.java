package io.droplet.scheduler;

/**
 * What one request may ask of a scheduler, beside the sizes in {@link SchedulerContext}: the shortest period of
 * a periodic call, how many periodic calls one caller may hold (and all of them, in bytes), and whether classes registered by name must load
 * from the scheduler's class path. Defaults come from {@link SchedulerConfiguration}'s system properties; the
 * setters override them before the context is concluded.
 * <p>
 * <b>Note:</b> not thread-safe; set up before the scheduler starts, read-only after.
 */
public final class SchedulerLimits
{
    private long minPeriodNs = SchedulerConfiguration.minPeriodNs();
    private int periodicCallsPerCaller = SchedulerConfiguration.periodicCallsPerCaller();
    private int periodicCalls = SchedulerConfiguration.periodicCalls();
    private long periodicCallBytes = SchedulerConfiguration.periodicCallBytes();
    private boolean classesShared = SchedulerConfiguration.classesShared();

    /** @return shortest period of a periodic call, and shortest gap between two of its given times. */
    public long minPeriodNs()
    {
        return minPeriodNs;
    }

    /**
     * @param minPeriodNs shortest period of a periodic call, and shortest gap between two of its given times.
     * @return this.
     */
    public SchedulerLimits minPeriodNs(final long minPeriodNs)
    {
        this.minPeriodNs = minPeriodNs;
        return this;
    }

    /** @return periodic calls one caller may hold at once. */
    public int periodicCallsPerCaller()
    {
        return periodicCallsPerCaller;
    }

    /**
     * @param periodicCallsPerCaller periodic calls one caller may hold at once; past it a new one is refused.
     * @return this.
     */
    public SchedulerLimits periodicCallsPerCaller(final int periodicCallsPerCaller)
    {
        this.periodicCallsPerCaller = periodicCallsPerCaller;
        return this;
    }

    /** @return periodic calls all callers may hold at once. */
    public int periodicCalls()
    {
        return periodicCalls;
    }

    /**
     * @param periodicCalls periodic calls all callers may hold at once; past it a new one is refused.
     * @return this.
     */
    public SchedulerLimits periodicCalls(final int periodicCalls)
    {
        this.periodicCalls = periodicCalls;
        return this;
    }

    /** @return bytes all periodic calls may hold (arguments, given times, 256 a call). */
    public long periodicCallBytes()
    {
        return periodicCallBytes;
    }

    /**
     * @param periodicCallBytes bytes all periodic calls may hold; past it a new one is refused.
     * @return this.
     */
    public SchedulerLimits periodicCallBytes(final long periodicCallBytes)
    {
        this.periodicCallBytes = periodicCallBytes;
        return this;
    }

    /** @return true if a class registered by name must load from the scheduler's class path. */
    public boolean classesShared()
    {
        return classesShared;
    }

    /**
     * @param classesShared true if the scheduler's class path holds the classes executors load by name.
     * @return this.
     */
    public SchedulerLimits classesShared(final boolean classesShared)
    {
        this.classesShared = classesShared;
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the first setting out of range.
     */
    void conclude()
    {
        if (minPeriodNs <= 0)
        {
            throw new IllegalArgumentException(SchedulerConfiguration.PERIOD_MIN_PROP_NAME + " must be positive: " + minPeriodNs);
        }
        if (periodicCallBytes < PeriodicCalls.CALL_OVERHEAD)
        {
            throw new IllegalArgumentException(
                SchedulerConfiguration.PERIODIC_BYTES_PROP_NAME + " must be at least 256: " + periodicCallBytes);
        }
        if (periodicCalls <= 0)
        {
            throw new IllegalArgumentException(SchedulerConfiguration.PERIODIC_MAX_PROP_NAME + " must be positive: " + periodicCalls);
        }
        if (periodicCallsPerCaller <= 0)
        {
            throw new IllegalArgumentException(
                SchedulerConfiguration.PERIODIC_PER_CALLER_PROP_NAME + " must be positive: " + periodicCallsPerCaller);
        }
    }
}
