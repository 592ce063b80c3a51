package io.droplet.executors;

import java.util.Arrays;

/**
 * An executor's heartbeats: on a period, to every scheduler it knows (those it was given and those
 * introduced to it since), carrying its functions and load. A heartbeat that cannot go now is not kept:
 * the next one supersedes it.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class Heartbeats
{
    private final ExecutorSends sends;
    private final LocalFunctions functions;
    private final long periodNs;
    private long[] schedulers = new long[4];
    private int count;
    private long nextNs;

    /**
     * @param sends     to encode with.
     * @param functions whose names are announced.
     * @param periodNs  between heartbeats.
     * @param nowNs     the first heartbeat is due at once.
     */
    Heartbeats(final ExecutorSends sends, final LocalFunctions functions, final long periodNs, final long nowNs)
    {
        this.sends = sends;
        this.functions = functions;
        this.periodNs = periodNs;
        this.nextNs = nowNs;
    }

    /**
     * Adds a scheduler to heartbeat to; known ones are ignored.
     *
     * @return true if it was new.
     */
    boolean addScheduler(final long scheduler)
    {
        for (int i = 0; i < count; i++)
        {
            if (schedulers[i] == scheduler)
            {
                return false;
            }
        }
        if (count == schedulers.length)
        {
            schedulers = Arrays.copyOf(schedulers, 2 * count);
        }
        schedulers[count++] = scheduler;
        return true;
    }

    /**
     * @return schedulers heartbeated to.
     */
    int schedulers()
    {
        return count;
    }

    /**
     * @return the ids of the schedulers heartbeated to, the first {@link #schedulers()} of them in use; not a copy.
     */
    long[] schedulerIds()
    {
        return schedulers;
    }

    /**
     * Sends a heartbeat if one is due.
     *
     * @param nowNs      of the agent's nano clock.
     * @param epochNowNs the heartbeat's timestamp.
     * @param queueDepth stages waiting.
     * @return heartbeats sent.
     */
    int tick(final long nowNs, final long epochNowNs, final int queueDepth)
    {
        if (nowNs - nextNs < 0)
        {
            return 0;
        }
        nextNs = nowNs + periodNs;
        return sends.heartbeat(schedulers, count, epochNowNs, queueDepth, functions.names());
    }
}
