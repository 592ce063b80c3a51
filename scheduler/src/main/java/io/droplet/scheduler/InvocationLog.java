package io.droplet.scheduler;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The recent invocations a scheduler started, kept so that those placed on an executor that stops
 * heartbeating can be run again (at least once; the client delivers each correlation's result once).
 * <p>
 * A ring of fixed slots, allocation-free: each slot holds the call's identity, deadline, the executors
 * its stages were placed on, and its source arguments in a fixed arena. An invocation's slot is its id
 * modulo the capacity (a scheduler numbers its invocations in sequence), so a re-run keeps its slot and an
 * executor's report that it answered an invocation finds it without a search. A slot is reused when the
 * ring wraps, so only the most recent {@code capacity} invocations can be re-run, and only those whose
 * arguments fit a slot's arena; the rest end with TIMEOUT at their deadline, still a typed outcome.
 * <p>
 * The sink's executor answers the caller directly; executors report the invocations they answered in
 * batches ({@code InvocationsCompleted}) and those are forgotten ({@link #completed}). "Not completed" so
 * means: not reported answered, still in the ring, and its deadline not passed. An answer sent just before
 * its executor died may not have been reported: that invocation is re-run, and the client delivers one
 * outcome per correlation. An invocation without a deadline is not logged (nothing bounds how long it would
 * be kept), nor is a BROADCAST leg (it belongs to its executor).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's agent.
 */
final class InvocationLog
{
    static final int MAX_STAGES = SourceArgs.MAX_STAGES;

    private final int capacity;
    private final int arenaPerSlot;
    private final long[] invocationIds;
    private final long[] correlationIds;
    private final long[] replyTos;
    private final long[] callers;
    private final long[] deadlines;
    private final int[] attempts;
    private final DagDefinition[] dags;
    private final long[] placed;
    private final int[] argOffsets;
    private final int[] argLengths;
    private final UnsafeBuffer arena;

    /**
     * @param capacity     invocations kept (a power of two).
     * @param arenaPerSlot bytes of source arguments kept per invocation.
     */
    InvocationLog(final int capacity, final int arenaPerSlot)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.capacity = capacity;
        this.arenaPerSlot = arenaPerSlot;
        invocationIds = new long[capacity];
        correlationIds = new long[capacity];
        replyTos = new long[capacity];
        callers = new long[capacity];
        deadlines = new long[capacity];
        attempts = new int[capacity];
        dags = new DagDefinition[capacity];
        placed = new long[capacity * MAX_STAGES];
        argOffsets = new int[capacity * MAX_STAGES];
        argLengths = new int[capacity * MAX_STAGES];
        arena = new UnsafeBuffer(new byte[capacity * arenaPerSlot]);
    }

    /**
     * Records a started invocation, unless it cannot be re-run (no deadline, or arguments too large).
     *
     * @return the slot, or -1 if not recorded.
     */
    int record(
        final long invocationId, final long correlationId, final long replyTo, final long caller, final long deadline,
        final int attempt, final Schedule schedule, final SourceArgs args)
    {
        final DagDefinition dag = schedule.dag();
        if (deadline == 0)
        {
            return -1;
        }
        final int slot = (int)(invocationId & (capacity - 1));
        final int stages = dag.stageCount();
        final int arenaStart = slot * arenaPerSlot;
        int used = 0;
        for (int s = 0; s < stages; s++)
        {
            final int index = slot * MAX_STAGES + s;
            placed[index] = schedule.executor(s);
            argLengths[index] = -1;
            if (dag.isSource(s) && args.length(s) >= 0)
            {
                final int length = args.length(s);
                if (used + length > arenaPerSlot)
                {
                    dags[slot] = null;
                    return -1;
                }
                arena.putBytes(arenaStart + used, args.buffer(), args.offset(s), length);
                argOffsets[index] = arenaStart + used;
                argLengths[index] = length;
                used += length;
            }
        }
        invocationIds[slot] = invocationId;
        correlationIds[slot] = correlationId;
        replyTos[slot] = replyTo;
        callers[slot] = caller;
        deadlines[slot] = deadline;
        attempts[slot] = attempt;
        dags[slot] = dag;
        return slot;
    }

    /** Visits the recorded invocations that involve an executor and have not reached their deadline. */
    @FunctionalInterface
    interface Visitor
    {
        void onInvocation(int slot);
    }

    void forEachInvolving(final long executor, final long epochNow, final Visitor visitor)
    {
        for (int slot = 0; slot < capacity; slot++)
        {
            final DagDefinition dag = dags[slot];
            if (null == dag || epochNow - deadlines[slot] > 0)
            {
                continue;
            }
            for (int s = 0; s < dag.stageCount(); s++)
            {
                if (placed[slot * MAX_STAGES + s] == executor)
                {
                    visitor.onInvocation(slot);
                    break;
                }
            }
        }
    }

    void forget(final int slot)
    {
        dags[slot] = null;
    }

    /**
     * Forgets an invocation an executor reported answered.
     *
     * @param invocationId answered.
     * @return true if it was logged and not yet forgotten.
     */
    boolean completed(final long invocationId)
    {
        final int slot = (int)(invocationId & (capacity - 1));
        if (null == dags[slot] || invocationIds[slot] != invocationId)
        {
            return false;
        }
        dags[slot] = null;
        return true;
    }

    /**
     * Finds a caller's logged invocation by its call's correlation id: a scan of the ring, for the rare cancel.
     *
     * @param correlationId of the call.
     * @param caller        who made it.
     * @return the slot, or -1 if no invocation of that call is logged (answered, past its deadline, never logged)
     * or -2 if it is another caller's.
     */
    int find(final long correlationId, final long caller)
    {
        for (int slot = 0; slot < capacity; slot++)
        {
            if (null != dags[slot] && correlationIds[slot] == correlationId)
            {
                if (callers[slot] == caller)
                {
                    return slot;
                }
                return -2;
            }
        }
        return -1;
    }

    /**
     * @return the executor a stage of the invocation in {@code slot} was placed on.
     */
    long placed(final int slot, final int stage)
    {
        return placed[slot * MAX_STAGES + stage];
    }

    /**
     * Notes a re-run of a logged invocation: its new attempt and placement, its arguments kept where they are.
     *
     * @param slot     of the invocation.
     * @param attempt  of the re-run.
     * @param schedule the re-run's placement.
     */
    void replaced(final int slot, final int attempt, final Schedule schedule)
    {
        attempts[slot] = attempt;
        for (int s = 0, stages = dags[slot].stageCount(); s < stages; s++)
        {
            placed[slot * MAX_STAGES + s] = schedule.executor(s);
        }
    }

    DagDefinition dag(final int slot)
    {
        return dags[slot];
    }

    long invocationId(final int slot)
    {
        return invocationIds[slot];
    }

    long correlationId(final int slot)
    {
        return correlationIds[slot];
    }

    long replyTo(final int slot)
    {
        return replyTos[slot];
    }

    long caller(final int slot)
    {
        return callers[slot];
    }

    long deadline(final int slot)
    {
        return deadlines[slot];
    }

    int attempt(final int slot)
    {
        return attempts[slot];
    }

    UnsafeBuffer arena()
    {
        return arena;
    }

    int argOffset(final int slot, final int stage)
    {
        return argOffsets[slot * MAX_STAGES + stage];
    }

    int argLength(final int slot, final int stage)
    {
        return argLengths[slot * MAX_STAGES + stage];
    }
}
