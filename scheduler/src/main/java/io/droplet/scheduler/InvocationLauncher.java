package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueType;
import io.droplet.transport.SendStatus;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts invocations: places every stage (a pinned stateful function on its executor, a keyed function's
 * source stage by its key ({@link KeyedPlacement}), otherwise by the {@link PlacementPolicy}: an executor with
 * the function, then cache locality, then free slots, then load), records the invocation in the
 * {@link InvocationLog}, and sends one trigger per source stage carrying the whole {@link Schedule}. When an
 * executor expires, re-runs the logged invocations placed on it.
 * <p>
 * Capacity: a pooled stage (one whose executor did not announce its function as inline) is placed only on
 * an executor with a free slot ({@link ExecutorView#freeSlots()}), judged before the invocation takes any,
 * so an idle executor takes any invocation whole. Placing takes a slot for each pooled source stage: those
 * are triggered now; a later stage is triggered by its parents' executors when they finish, and is counted
 * by its executor's next report. A stage of a function declared short takes no slot and never waits: the
 * inline path reads a field per executor more than before and takes no other step. When every executor
 * that could run a pooled stage is full, the call waits in {@link WaitingCalls} (bounded; full, it is
 * answered NO_RESOURCES at once) and starts, in arrival order among the calls that can use the slot, as
 * soon as a heartbeat or capacity report shows a free slot; one still waiting at its deadline (or, without
 * one, after the longest wait configured) is answered TIMEOUT. A re-run and a BROADCAST leg never wait: they
 * go to an executor even if it is full, whose own queue holds them.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Starting an invocation, and keeping and
 * starting a waiting call, do not allocate in steady state.
 */
final class InvocationLauncher implements PeriodicCalls.Runner
{
    /** {@link #place}: every stage has an executor. */
    private static final int PLACED = 0;
    /** {@link #place}: a pooled stage found no executor with a free slot; the call may wait. */
    private static final int BUSY = 1;
    /** {@link #place}: no executor can run a stage; the caller was told. */
    private static final int REFUSED = 2;
    /** {@link #choose}: no executor with a free slot. */
    private static final long NO_FREE_SLOT = -1;

    private final PlacementPolicy placement;
    private final Membership membership;
    private final StatefulPins pins;
    private final CacheLocality locality;
    private final InvocationLog log;
    private final ExecutorMessages executors;
    private final ClientReplies replies;
    private final SchedulerCounters counters;
    private final EpochNanoClock epochClock;
    private final NanoClock clock;
    private final WaitingCalls waiting;
    private final CallQueue queue;
    private final List<ExecutorView> candidates = new ArrayList<>();
    private final Schedule schedule = new Schedule();
    private final ExecutorView[] placedViews = new ExecutorView[SourceArgs.MAX_STAGES];
    private final SourceArgs loggedArgs = new SourceArgs();
    private final UnsafeBuffer emptyArgs = new UnsafeBuffer(new byte[9]);
    private final InvocationLog.Visitor rerunner = this::rerun;
    private long nextInvocationId;

    /**
     * @param nodeId     of the scheduler: the high bits of its invocation ids.
     * @param placement  chooses executors.
     * @param membership live executors.
     * @param pins       of stateful functions.
     * @param locality   of referenced keys.
     * @param log        of invocations, for re-runs.
     * @param executors  trigger sends.
     * @param replies    to callers (refusals).
     * @param counters      of the scheduler.
     * @param epochClock    of call deadlines.
     * @param clock         scheduler's nano clock, of waiting calls' times.
     * @param waiting       calls waiting for a free slot.
     * @param longestWaitNs of a waiting call that has no deadline.
     */
    InvocationLauncher(
        final long nodeId, final PlacementPolicy placement, final Membership membership, final StatefulPins pins,
        final CacheLocality locality, final InvocationLog log, final ExecutorMessages executors, final ClientReplies replies,
        final SchedulerCounters counters, final EpochNanoClock epochClock, final NanoClock clock, final WaitingCalls waiting,
        final long longestWaitNs)
    {
        this.clock = clock;
        this.waiting = waiting;
        this.queue = new CallQueue(waiting, replies, counters, clock, longestWaitNs);
        this.placement = placement;
        this.membership = membership;
        this.pins = pins;
        this.locality = locality;
        this.log = log;
        this.executors = executors;
        this.replies = replies;
        this.counters = counters;
        this.epochClock = epochClock;
        // Invocation ids are unique per scheduler: its node id in the high bits, a counter below.
        this.nextInvocationId = (nodeId & 0xFFFFL) << 44;
        // An empty list in the value encoding: what a source stage without arguments gets.
        emptyArgs.putByte(0, ValueType.LIST.tag());
    }

    /**
     * Places and triggers an invocation.
     * @param dag            to run.
     * @param args           of its source stages.
     * @param correlationId  of the call.
     * @param replyTo        where the result goes, 0 for none.
     * @param caller         who hears refusals.
     * @param deadline       epoch ns, 0 for none.
     * @param forcedExecutor runs every stage (a BROADCAST leg, not re-run elsewhere); 0 to place.
     * @return true if started, or waiting for a free slot; false if refused (the caller was told why).
     */
    boolean start(
        final DagDefinition dag, final SourceArgs args, final long correlationId, final long replyTo, final long caller,
        final long deadline, final long forcedExecutor)
    {
        final long epochNow = deadline != 0 ? epochClock.nanoTime() : 0;
        if (deadline != 0 && epochNow - deadline > 0)
        {
            counters.callsRefused.incrementRelease();
            replies.error(caller, correlationId, ErrorCode.TIMEOUT, "deadline passed before scheduling");
            return false;
        }
        final int placed = place(dag, args, forcedExecutor, locality.of(dag, args), caller, correlationId, true);
        if (placed == BUSY)
        {
            return queue.add(dag, args, correlationId, replyTo, caller, deadline, epochNow);
        }
        if (placed != PLACED)
        {
            return false;
        }
        launch(dag, args, correlationId, replyTo, caller, deadline, forcedExecutor);
        return true;
    }

    /** {@inheritDoc} */
    public void run(final DagDefinition dag, final SourceArgs args, final long correlationId, final long caller,
        final long deadline)
    {
        start(dag, args, correlationId, caller, caller, deadline, 0);
    }

    /** {@link #cancel}: the invocation was cancelled on the executors its stages were placed on. */
    static final int CANCELLED = 0;
    /** {@link #cancel}: no invocation of that call is logged. */
    static final int NOT_FOUND = 1;
    /** {@link #cancel}: the call is another caller's; nothing was cancelled. */
    static final int NOT_YOURS = 2;

    /**
     * Cancels a caller's call in flight: each executor a stage of it was placed on is told to stop it there,
     * and it is forgotten (never re-run); a call still waiting for a free slot is taken out of the queue.
     * @param correlationId of the call.
     * @param caller        asking.
     * @return {@link #CANCELLED}, {@link #NOT_FOUND} or {@link #NOT_YOURS}.
     */
    int cancel(final long correlationId, final long caller)
    {
        final int slot = log.find(correlationId, caller);
        if (slot < 0)
        {
            if (slot != -2 && queue.cancel(correlationId, caller))
            {
                // Still waiting for a free slot: nothing was sent anywhere, so it is only taken out.
                counters.invocationsCancelled.incrementRelease();
                return CANCELLED;
            }
            return slot == -2 ? NOT_YOURS : NOT_FOUND;
        }
        final DagDefinition dag = log.dag(slot);
        final long invocationId = log.invocationId(slot);
        for (int s = 0, stages = dag.stageCount(); s < stages; s++)
        {
            final long executor = log.placed(slot, s);
            boolean told = false;
            for (int earlier = 0; earlier < s && !told; earlier++)
            {
                told = log.placed(slot, earlier) == executor;
            }
            if (!told)
            {
                executors.cancelInvocation(executor, invocationId, correlationId);
            }
        }
        log.forget(slot);
        counters.invocationsCancelled.incrementRelease();
        return CANCELLED;
    }

    /**
     * Forgets a logged invocation an executor answered: it is not re-run if an executor it was placed on
     * expires later.
     * @param invocationId answered; one this scheduler did not start, or no longer logs, is ignored.
     */
    void onInvocationCompleted(final long invocationId)
    {
        if (log.completed(invocationId))
        {
            counters.invocationsCompleted.incrementRelease();
        }
    }

    /**
     * Re-runs the logged invocations placed on an executor that stopped heartbeating (see
     * {@link InvocationLog} for which are logged and so can be re-run).
     * @param executor that expired (already gone from the live executors).
     */
    void onExecutorExpired(final long executor)
    {
        log.forEachInvolving(executor, epochClock.nanoTime(), rerunner);
    }

    /**
     * Starts the calls waiting for a free slot that can now be placed, in arrival order, while some executor
     * has one; answers TIMEOUT to those whose time passed. Called when a heartbeat or capacity report arrives.
     * @return calls started.
     */
    int startWaiting()
    {
        if (0 == waiting.size())
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        int started = 0;
        for (int slot = waiting.head(); WaitingCalls.NONE != slot && anyFreeSlot(); )
        {
            final int after = waiting.next(slot);
            if (nowNs - waiting.untilNs(slot) > 0)
            {
                queue.timeOut(slot);
            }
            else
            {
                final DagDefinition dag = waiting.dag(slot);
                final SourceArgs args = waiting.args(slot);
                final int placed = place(dag, args, 0, locality.of(dag, args), waiting.caller(slot), waiting.correlationId(slot), true);
                if (placed != BUSY)
                {
                    if (placed == PLACED)
                    {
                        launch(dag, args, waiting.correlationId(slot), waiting.replyTo(slot), waiting.caller(slot),
                            waiting.deadline(slot), 0);
                        started++;
                    }
                    waiting.remove(slot);
                }
            }
            slot = after;
        }
        counters.callsWaiting.setRelease(waiting.size());
        return started;
    }

    /**
     * Answers TIMEOUT to the waiting calls whose time passed ({@link CallQueue#expire}).
     * @param nowNs scheduler's nano clock, read once per duty cycle.
     * @return calls timed out.
     */
    int doWork(final long nowNs)
    {
        return queue.expire(nowNs);
    }

    private boolean anyFreeSlot()
    {
        final List<ExecutorView> live = membership.liveExecutors();
        for (int i = 0, size = live.size(); i < size; i++)
        {
            if (live.get(i).freeSlots() > 0)
            {
                return true;
            }
        }
        return false;
    }

    private void launch(
        final DagDefinition dag, final SourceArgs args, final long correlationId, final long replyTo, final long caller,
        final long deadline, final long forcedExecutor)
    {
        final long invocationId = ++nextInvocationId;
        counters.invocationsStarted.incrementRelease();
        if (forcedExecutor == 0)
        {
            log.record(invocationId, correlationId, replyTo, caller, deadline, 0, schedule, args);
        }
        sendTriggers(args, invocationId, correlationId, replyTo, caller, deadline, 0);
    }

    /**
     * Places every stage into {@link #schedule}.
     * @param mayWait true if a pooled stage must find a free slot (else {@link #BUSY}); false to place even on a
     *                full executor (a re-run).
     * @return {@link #PLACED}, {@link #BUSY}, or {@link #REFUSED} (the caller was told).
     */
    private int place(
        final DagDefinition dag, final SourceArgs args, final long forcedExecutor, final PlacementPolicy.Locality keys,
        final long caller, final long correlationId, final boolean mayWait)
    {
        schedule.reset(dag);
        final int stages = dag.stageCount();
        final KeyedPlacement keyed = pins.keyed();
        for (int s = 0; s < stages; s++)
        {
            final String function = dag.function(s);
            final ExecutorView pin = forcedExecutor != 0 ? null : pins.pinnedExecutor(function);
            final long executor;
            if (forcedExecutor != 0)
            {
                executor = forcedExecutor;
            }
            else if (null != pin)
            {
                executor = mayWait && !hasSlotFor(pin, function) ? NO_FREE_SLOT : pin.nodeId();
            }
            else if (dag.isSource(s) && keyed.isKeyed(function))
            {
                // A key has one activation: its executor, or none free, never another executor.
                final int length = args.length(s);
                final long byKey = length < 0 ? 0 :
                    keyed.place(function, args.buffer(), args.offset(s), length, membership.liveExecutors());
                final ExecutorView view = 0 == byKey ? null : membership.executor(byKey);
                executor = mayWait && null != view && !hasSlotFor(view, function) ? NO_FREE_SLOT : byKey;
            }
            else
            {
                executor = choose(function, keys, mayWait);
            }
            if (executor == NO_FREE_SLOT || executor == 0)
            {
                unplace(s);
                if (executor == NO_FREE_SLOT)
                {
                    return BUSY;
                }
                counters.callsRefused.incrementRelease();
                replies.error(caller, correlationId, ErrorCode.NO_RESOURCES, "no live executor can run " + function);
                return REFUSED;
            }
            schedule.place(s, executor);
            final ExecutorView view = membership.executor(executor);
            placedViews[s] = view;
            if (null != view)
            {
                view.onPlaced();
            }
        }
        // Slots are taken once the whole invocation is placed, so its stages were judged on what was free before it.
        for (int s = 0; s < stages; s++)
        {
            final ExecutorView view = placedViews[s];
            placedViews[s] = null;
            if (null != view && dag.isSource(s) && !view.runsInline(dag.function(s)))
            {
                view.takeSlot();
            }
        }
        return PLACED;
    }

    /**
     * @return the executor the policy chooses among those that can take the stage now, {@link #NO_FREE_SLOT} if
     * none can, or 0 if there is no executor at all.
     */
    private long choose(final String function, final PlacementPolicy.Locality keys, final boolean mayWait)
    {
        final List<ExecutorView> live = membership.liveExecutors();
        if (!mayWait)
        {
            return placement.place(function, live, keys);
        }
        final List<ExecutorView> able = withFreeSlot(function, live);
        if (null == able)
        {
            return NO_FREE_SLOT;
        }
        final long executor = placement.place(function, able, keys);
        final ExecutorView chosen = executor == 0 ? null : membership.executor(executor);
        // Whatever a plugged-in policy chose, a pooled stage never goes where no slot is free.
        return null != chosen && !hasSlotFor(chosen, function) ? NO_FREE_SLOT : executor;
    }

    /**
     * @return the executors that could take a stage of {@code function} now: all of them while none is full (a
     * read of a field each: the path of every call while there is room); otherwise those with a free slot or
     * that run the function inline, among those that announced it if any did; null if there are executors but
     * none of them can.
     */
    private List<ExecutorView> withFreeSlot(final String function, final List<ExecutorView> live)
    {
        final int size = live.size();
        boolean anyFull = false;
        for (int i = 0; i < size && !anyFull; i++)
        {
            anyFull = live.get(i).freeSlots() <= 0;
        }
        if (!anyFull)
        {
            return live;
        }
        boolean anyHas = false;
        for (int i = 0; i < size && !anyHas; i++)
        {
            anyHas = live.get(i).hasFunction(function);
        }
        candidates.clear();
        for (int i = 0; i < size; i++)
        {
            final ExecutorView executor = live.get(i);
            if ((!anyHas || executor.hasFunction(function)) && hasSlotFor(executor, function))
            {
                candidates.add(executor);
            }
        }
        return candidates.isEmpty() ? null : candidates;
    }

    private static boolean hasSlotFor(final ExecutorView executor, final String function)
    {
        return executor.freeSlots() > 0 || executor.runsInline(function);
    }

    private void unplace(final int stages)
    {
        for (int s = 0; s < stages; s++)
        {
            final ExecutorView view = placedViews[s];
            placedViews[s] = null;
            if (null != view)
            {
                view.onUnplaced();
            }
        }
    }

    private void sendTriggers(
        final SourceArgs args, final long invocationId, final long correlationId, final long replyTo, final long caller,
        final long deadline, final int attempt)
    {
        final DagDefinition dag = schedule.dag();
        for (int s = 0; s < dag.stageCount(); s++)
        {
            if (!dag.isSource(s))
            {
                continue;
            }
            final int length = args.length(s);
            final int status = length >= 0 ?
                executors.trigger(schedule.executor(s), invocationId, correlationId, replyTo, deadline, s, attempt, schedule,
                    args.buffer(), args.offset(s), length) :
                executors.trigger(schedule.executor(s), invocationId, correlationId, replyTo, deadline, s, attempt, schedule,
                    emptyArgs, 0, emptyArgs.capacity());
            if (status == SendStatus.PAYLOAD_TOO_LARGE || status == SendStatus.UNKNOWN_DESTINATION)
            {
                replies.error(caller, correlationId,
                    status == SendStatus.PAYLOAD_TOO_LARGE ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.NO_RESOURCES,
                    "could not send to executor " + schedule.executor(s) + ": " + SendStatus.name(status));
                return;
            }
            // An executor that cannot be reached now is most likely dead: the invocation is in the log and is
            // re-run when it stops heartbeating, or the caller's deadline answers TIMEOUT.
        }
    }

    /**
     * Runs an invocation again, on live executors. Same invocation and correlation ids, attempt + 1; a
     * duplicate answer is dropped by the client, so the caller sees one outcome.
     */
    private void rerun(final int slot)
    {
        final DagDefinition dag = log.dag(slot);
        final long correlationId = log.correlationId(slot);
        final long caller = log.caller(slot);
        loggedArgs.wrap(log.arena());
        for (int s = 0; s < dag.stageCount(); s++)
        {
            loggedArgs.stage(s, log.argOffset(slot, s), log.argLength(slot, s));
        }
        // A re-run was admitted once: it does not wait behind new calls, and its executor's queue holds it if full.
        if (place(dag, loggedArgs, 0, PlacementPolicy.Locality.NONE, caller, correlationId, false) != PLACED)
        {
            log.forget(slot);
            return;
        }
        final int attempt = log.attempt(slot) + 1;
        // The same slot keeps the invocation, now placed on live executors: still re-run if one of them dies, and
        // forgotten when one answers it.
        log.replaced(slot, attempt, schedule);
        counters.reruns.incrementRelease();
        sendTriggers(loggedArgs, log.invocationId(slot), correlationId, log.replyTo(slot), caller, log.deadline(slot),
            attempt);
    }
}
