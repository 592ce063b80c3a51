package io.droplet.executors;

/**
 * The invocations this executor has answered (a result or a typed error to the caller), told to the
 * schedulers in batches so that a scheduler re-runs, when an executor dies, only invocations no executor
 * has answered. Without it a scheduler that declares an executor dead re-runs every logged invocation
 * placed there, completed or not.
 * <p>
 * The hot path only appends an id to a primitive array. A batch goes to every scheduler the executor
 * heartbeats to (each keeps the ids it started and ignores the rest) when it is full, or once the oldest
 * id in it has waited the linger: short enough that a scheduler rarely re-runs an answered invocation of an
 * executor that dies or falls silent just after answering it, long enough that a stream of microsecond
 * calls shares one message among many. An id not told (the executor died first, or the message could not
 * go) costs at most a re-run, whose duplicate answer the caller's client drops.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent. Allocation-free.
 */
final class Completions
{
    /** Most ids in one {@code InvocationsCompleted}: 1 KiB of ids, well inside any message limit. */
    static final int BATCH = 128;

    private static final long NOT_DUE = Long.MAX_VALUE;

    private final ExecutorSends sends;
    private final Heartbeats heartbeats;
    private final long lingerNs;
    private final long[] invocationIds = new long[BATCH];
    private int count;
    private long dueNs = NOT_DUE;
    private boolean dueUnset;

    /**
     * @param sends      to encode with.
     * @param heartbeats whose schedulers are told.
     * @param lingerNs   longest an answered invocation waits to be told.
     */
    Completions(final ExecutorSends sends, final Heartbeats heartbeats, final long lingerNs)
    {
        this.sends = sends;
        this.heartbeats = heartbeats;
        this.lingerNs = lingerNs;
    }

    /**
     * Notes an invocation answered; sends the batch at once if it is full.
     *
     * @param invocationId answered.
     */
    void onCompleted(final long invocationId)
    {
        if (0 == count)
        {
            // The linger starts at the next poll: this path reads no clock.
            dueUnset = true;
        }
        invocationIds[count++] = invocationId;
        if (BATCH == count)
        {
            flush();
        }
    }

    /**
     * Sends the batch if its oldest id has waited the linger.
     *
     * @param nowNs of the agent's nano clock.
     * @return messages sent.
     */
    int poll(final long nowNs)
    {
        if (0 == count)
        {
            return 0;
        }
        if (dueUnset)
        {
            dueUnset = false;
            dueNs = nowNs + lingerNs;
        }
        return nowNs - dueNs >= 0 ? flush() : 0;
    }

    /**
     * @return ids noted and not yet told.
     */
    int pending()
    {
        return count;
    }

    private int flush()
    {
        final int sent = sends.invocationsCompleted(heartbeats.schedulerIds(), heartbeats.schedulers(), invocationIds, count);
        count = 0;
        dueNs = NOT_DUE;
        dueUnset = false;
        return sent;
    }
}
