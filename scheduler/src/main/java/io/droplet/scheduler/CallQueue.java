package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.concurrent.NanoClock;

/**
 * The calls waiting at the scheduler for a free slot, as the caller sees them: a call is kept
 * ({@link WaitingCalls}) or refused NO_RESOURCES when the queue is full, answered TIMEOUT when its time passes,
 * and taken out when its caller cancels it. {@link InvocationLauncher} starts the waiting calls when slots free.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's agent. Allocation-free.
 */
final class CallQueue
{
    private final WaitingCalls waiting;
    private final ClientReplies replies;
    private final SchedulerCounters counters;
    private final NanoClock clock;
    private final long longestWaitNs;

    /**
     * @param waiting       the calls.
     * @param replies       to callers.
     * @param counters      of the scheduler.
     * @param clock         scheduler's nano clock, of waiting calls' times.
     * @param longestWaitNs of a waiting call that has no deadline.
     */
    CallQueue(
        final WaitingCalls waiting, final ClientReplies replies, final SchedulerCounters counters, final NanoClock clock,
        final long longestWaitNs)
    {
        this.waiting = waiting;
        this.replies = replies;
        this.counters = counters;
        this.clock = clock;
        this.longestWaitNs = longestWaitNs;
    }

    /**
     * Answers TIMEOUT to the waiting calls whose time passed; looks only when the earliest one may have.
     *
     * @param nowNs scheduler's nano clock, read once per duty cycle.
     * @return calls timed out.
     */
    int expire(final long nowNs)
    {
        if (!waiting.anyDue(nowNs))
        {
            return 0;
        }
        int timedOut = 0;
        long earliest = Long.MAX_VALUE;
        for (int slot = waiting.head(); WaitingCalls.NONE != slot; )
        {
            final int after = waiting.next(slot);
            final long untilNs = waiting.untilNs(slot);
            if (nowNs - untilNs > 0)
            {
                timeOut(slot);
                timedOut++;
            }
            else
            {
                earliest = Math.min(earliest, untilNs);
            }
            slot = after;
        }
        waiting.earliestUntilNs(earliest);
        counters.callsWaiting.setRelease(waiting.size());
        return timedOut;
    }

    /**
     * Takes a waiting call out without starting it (its caller cancelled it).
     *
     * @param correlationId of the call.
     * @param caller        asking: only its own call is taken out.
     * @return true if it was waiting.
     */
    boolean cancel(final long correlationId, final long caller)
    {
        for (int slot = waiting.head(); WaitingCalls.NONE != slot; slot = waiting.next(slot))
        {
            if (waiting.correlationId(slot) == correlationId && waiting.caller(slot) == caller)
            {
                waiting.remove(slot);
                counters.callsWaiting.setRelease(waiting.size());
                return true;
            }
        }
        return false;
    }

    /**
     * Keeps a call that found every able executor full, or answers NO_RESOURCES if the queue is full.
     *
     * @return true if the call is kept (or answered: either way the caller is dealt with).
     */
    boolean add(
        final DagDefinition dag, final SourceArgs args, final long correlationId, final long replyTo, final long caller,
        final long deadline, final long epochNow)
    {
        final long nowNs = clock.nanoTime();
        // Waiting is timed on the nano clock the duty cycle reads; the caller's deadline converts to it once.
        final long untilNs = deadline != 0 ? nowNs + (deadline - epochNow) : nowNs + longestWaitNs;
        if (WaitingCalls.NONE == waiting.add(dag, args, correlationId, replyTo, caller, deadline, untilNs))
        {
            counters.callsRefused.incrementRelease();
            counters.callsQueueFull.incrementRelease();
            replies.error(caller, correlationId, ErrorCode.NO_RESOURCES,
                "every executor that can run " + dag.name() + " is busy and the scheduler's queue of " + waiting.capacity() +
                " calls is full");
            return false;
        }
        counters.callsQueued.incrementRelease();
        counters.callsWaiting.setRelease(waiting.size());
        return true;
    }

    /**
     * Answers TIMEOUT to a waiting call and takes it out.
     */
    void timeOut(final int slot)
    {
        counters.callsRefused.incrementRelease();
        counters.queuedCallsTimedOut.incrementRelease();
        replies.error(waiting.caller(slot), waiting.correlationId(slot), ErrorCode.TIMEOUT,
            "no executor had a free slot for " + waiting.dag(slot).name() + " before the deadline");
        waiting.remove(slot);
    }
}
