package io.droplet.executors;

/**
 * What requests may hold on one executor between messages: the partial outputs of fan-in stages (per invocation
 * and in all, in bytes, and how long one waits when its invocation has no deadline), the triggers parked for the
 * host cache (count and bytes), and the shipped-code files waiting to load. Past a bound the request is answered
 * NO_RESOURCES (or PAYLOAD_TOO_LARGE) and counted, so no caller can make an executor hold without limit. Kept
 * beside {@link ExecutorContext} to keep that class small; each setting's system property and default are here.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the context.
 */
public final class ExecutorBounds
{
    /** Most bytes of parents' outputs one fan-in stage of one invocation holds; 0 for the transport's longest message. */
    public static final String FAN_IN_INVOCATION_BYTES_PROP_NAME = "droplet.executor.fanin.invocation.bytes";
    /** Default: 0, the transport's longest message (the fan-in's arguments must fit one anyway). */
    public static final String FAN_IN_INVOCATION_BYTES_DEFAULT = "0";
    /** Most bytes of parents' outputs all fan-in stages waiting on one executor hold. */
    public static final String FAN_IN_TOTAL_BYTES_PROP_NAME = "droplet.executor.fanin.total.bytes";
    /** Default: 64 MiB. */
    public static final String FAN_IN_TOTAL_BYTES_DEFAULT = "64m";
    /** Longest a fan-in stage of an invocation with no deadline waits for its other parents. */
    public static final String FAN_IN_WAIT_PROP_NAME = "droplet.executor.fanin.wait";
    /** Default: 5 minutes, past any parent a caller without a deadline could reasonably wait for. */
    public static final String FAN_IN_WAIT_DEFAULT = "300s";
    /** Most triggers parked waiting for the host cache to fetch a referenced key. */
    public static final String PARKED_TRIGGERS_PROP_NAME = "droplet.executor.parked.triggers";
    /** Default: 4,096. */
    public static final int PARKED_TRIGGERS_DEFAULT = 4096;
    /** Most bytes of arguments the parked triggers hold. */
    public static final String PARKED_BYTES_PROP_NAME = "droplet.executor.parked.bytes";
    /** Default: 64 MiB. */
    public static final String PARKED_BYTES_DEFAULT = "64m";

    private long fanInInvocationBytes = ExecutorConfiguration.size(FAN_IN_INVOCATION_BYTES_PROP_NAME, FAN_IN_INVOCATION_BYTES_DEFAULT);
    private long fanInTotalBytes = ExecutorConfiguration.size(FAN_IN_TOTAL_BYTES_PROP_NAME, FAN_IN_TOTAL_BYTES_DEFAULT);
    private long fanInWaitNs = ExecutorConfiguration.duration(FAN_IN_WAIT_PROP_NAME, FAN_IN_WAIT_DEFAULT);
    private int parkedTriggers = Integer.getInteger(PARKED_TRIGGERS_PROP_NAME, PARKED_TRIGGERS_DEFAULT);
    private long parkedBytes = ExecutorConfiguration.size(PARKED_BYTES_PROP_NAME, PARKED_BYTES_DEFAULT);

    /**
     * Checks the bounds and resolves the per-invocation fan-in bound against the transport.
     *
     * @param maxMessageLength of the transport.
     * @throws IllegalStateException if a bound is out of range.
     */
    void conclude(final int maxMessageLength)
    {
        if (fanInInvocationBytes < 0 || fanInTotalBytes <= 0 || fanInWaitNs <= 0 || parkedTriggers <= 0 || parkedBytes <= 0)
        {
            throw new IllegalStateException("executor bounds must be positive");
        }
        if (0 == fanInInvocationBytes || fanInInvocationBytes > maxMessageLength)
        {
            fanInInvocationBytes = maxMessageLength;
        }
    }

    /** @return most bytes of parents' outputs one fan-in stage of one invocation holds. */
    public long fanInInvocationBytes()
    {
        return fanInInvocationBytes;
    }

    /**
     * @param bytes most bytes of parents' outputs one fan-in stage of one invocation holds; 0 for the longest message.
     * @return this.
     */
    public ExecutorBounds fanInInvocationBytes(final long bytes)
    {
        this.fanInInvocationBytes = bytes;
        return this;
    }

    /** @return most bytes of parents' outputs all waiting fan-in stages hold. */
    public long fanInTotalBytes()
    {
        return fanInTotalBytes;
    }

    /**
     * @param bytes most bytes of parents' outputs all waiting fan-in stages hold (default 64 MiB).
     * @return this.
     */
    public ExecutorBounds fanInTotalBytes(final long bytes)
    {
        this.fanInTotalBytes = bytes;
        return this;
    }

    /** @return longest a fan-in stage of an invocation with no deadline waits, in nanoseconds. */
    public long fanInWaitNs()
    {
        return fanInWaitNs;
    }

    /**
     * @param waitNs longest a fan-in stage of an invocation with no deadline waits for its other parents (default 5 min).
     * @return this.
     */
    public ExecutorBounds fanInWaitNs(final long waitNs)
    {
        this.fanInWaitNs = waitNs;
        return this;
    }

    /** @return most triggers parked for the host cache. */
    public int parkedTriggers()
    {
        return parkedTriggers;
    }

    /**
     * @param triggers most triggers parked for the host cache (default {@value #PARKED_TRIGGERS_DEFAULT}).
     * @return this.
     */
    public ExecutorBounds parkedTriggers(final int triggers)
    {
        this.parkedTriggers = triggers;
        return this;
    }

    /** @return most bytes of arguments the parked triggers hold. */
    public long parkedBytes()
    {
        return parkedBytes;
    }

    /**
     * @param bytes most bytes of arguments the parked triggers hold (default 64 MiB).
     * @return this.
     */
    public ExecutorBounds parkedBytes(final long bytes)
    {
        this.parkedBytes = bytes;
        return this;
    }
}
