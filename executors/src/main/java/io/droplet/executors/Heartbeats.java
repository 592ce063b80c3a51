package io.droplet.executors;

import java.util.Arrays;

/**
 * An executor's heartbeats and capacity reports, to every scheduler it knows (those it was given and those
 * introduced to it since). A heartbeat goes on a period and carries the executor's functions, each marked
 * inline (declared short: takes no worker) or pooled, and its capacity: the pool's workers and free slots.
 * Anything that cannot go now is not kept: the next report supersedes it.
 * <p>
 * Free slots are the workers not busy; the pool's queue is not counted. A scheduler places a pooled stage
 * only where it knows of a free slot and queues the call otherwise, within the call's deadline, until one
 * frees: a stage placed in an executor's queue would wait behind whatever runs there, however long, while a
 * worker elsewhere (or here, sooner) might take it. The executor's queue is the slack for what a scheduler
 * cannot see: stages it placed that crossed a report in flight, stages of other schedulers, and child stages,
 * which executors trigger without asking a scheduler.
 * <p>
 * A scheduler counts the slots it fills between two reports of an executor. So that the calls it queued do
 * not wait for the next heartbeat once slots free, the executor reports its capacity early (a
 * {@code Capacity} message, no function list) when a scheduler may count it full, that is when the pool has
 * been handed at least as many stages as the last report gave free slots, and it has a free slot again;
 * that covers a pool going from full to free. It also heartbeats early when its function table changed, so
 * a new function's lane is known before calls of it are placed. Both are sent at most once per report
 * interval.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent. A tick allocates nothing.
 */
final class Heartbeats
{
    /**
     * What a heartbeat says of the worker pool.
     * <p>
     * <b>Note:</b> read on the executor agent's thread.
     */
    interface PoolSlots
    {
        /**
         * @return worker threads.
         */
        int workers();

        /**
         * @return runs on the pool: running, queued, or back and not yet handed on.
         */
        int busy();

        /**
         * @return stages the pool was handed so far, refused ones included.
         */
        long claims();
    }

    /** No pool: no workers, so no pooled stage is placed on it. */
    static final PoolSlots NO_POOL = new PoolSlots()
    {
        public int workers()
        {
            return 0;
        }

        public int busy()
        {
            return 0;
        }

        public long claims()
        {
            return 0;
        }
    };

    private final ExecutorSends sends;
    private final LocalFunctions functions;
    private PoolSlots pool = NO_POOL;
    private final long periodNs;
    private final long reportIntervalNs;
    private long[] schedulers = new long[4];
    private int count;
    private long nextNs;
    private long lastReportNs;
    private LocalFunctions.Announcement announced;
    private int freeAtReport;
    private long claimsAtReport;

    /**
     * Heartbeats of an executor without a pool, on the period only.
     *
     * @param sends     to encode with.
     * @param functions whose names are announced.
     * @param periodNs  between heartbeats.
     * @param nowNs     the first heartbeat is due at once.
     */
    Heartbeats(final ExecutorSends sends, final LocalFunctions functions, final long periodNs, final long nowNs)
    {
        this(sends, functions, periodNs, periodNs, nowNs);
    }

    /**
     * Heartbeats with no pool until {@link #pool(PoolSlots)} gives one.
     *
     * @param sends            to encode with.
     * @param functions        whose names and lanes are announced.
     * @param periodNs         between heartbeats.
     * @param reportIntervalNs least time between reports sent before the heartbeat is due.
     * @param nowNs            the first heartbeat is due at once.
     */
    Heartbeats(
        final ExecutorSends sends, final LocalFunctions functions, final long periodNs, final long reportIntervalNs,
        final long nowNs)
    {
        this.sends = sends;
        this.functions = functions;
        this.periodNs = periodNs;
        this.reportIntervalNs = reportIntervalNs;
        this.nextNs = nowNs;
        this.lastReportNs = nowNs - reportIntervalNs;
    }

    /**
     * @param pool whose capacity is reported (made after the heartbeats, which the pool's runs use through the
     *             executor's nested calls).
     * @return this.
     */
    Heartbeats pool(final PoolSlots pool)
    {
        this.pool = pool;
        return this;
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
     * @return the pool's free slots now: workers not busy.
     */
    int freeSlots()
    {
        return Math.max(0, pool.workers() - pool.busy());
    }

    /**
     * @param nowNs of the agent's nano clock.
     * @return false if {@link #tick} would surely send nothing now: no heartbeat due and the last report too recent.
     */
    boolean mayTick(final long nowNs)
    {
        return nowNs - nextNs >= 0 || nowNs - lastReportNs >= reportIntervalNs;
    }

    /**
     * Sends a heartbeat if one is due (or the function table changed), else a capacity report if a scheduler
     * may count the pool full while it has a free slot.
     *
     * @param nowNs      of the agent's nano clock.
     * @param epochNowNs the heartbeat's timestamp.
     * @param queueDepth stages waiting.
     * @return messages sent.
     */
    int tick(final long nowNs, final long epochNowNs, final int queueDepth)
    {
        if (nowNs - nextNs >= 0)
        {
            return heartbeat(nowNs, epochNowNs, queueDepth);
        }
        if (nowNs - lastReportNs < reportIntervalNs)
        {
            return 0;
        }
        if (functions.announcement() != announced)
        {
            return heartbeat(nowNs, epochNowNs, queueDepth);
        }
        final int free = freeSlots();
        final long claims = pool.claims();
        if (free > 0 && claims - claimsAtReport >= freeAtReport)
        {
            reported(nowNs, free, claims);
            return sends.capacity(schedulers, count, pool.workers(), free);
        }
        return 0;
    }

    private int heartbeat(final long nowNs, final long epochNowNs, final int queueDepth)
    {
        nextNs = nowNs + periodNs;
        announced = functions.announcement();
        final int workers = pool.workers();
        final int busy = pool.busy();
        final int free = Math.max(0, workers - busy);
        reported(nowNs, free, pool.claims());
        final int utilisationPerMille = 0 == workers ? 0 : (int)(1000L * Math.min(busy, workers) / workers);
        return sends.heartbeat(schedulers, count, epochNowNs, queueDepth, workers, free, busy, utilisationPerMille, announced);
    }

    private void reported(final long nowNs, final int free, final long claims)
    {
        lastReportNs = nowNs;
        freeAtReport = free;
        claimsAtReport = claims;
    }
}
