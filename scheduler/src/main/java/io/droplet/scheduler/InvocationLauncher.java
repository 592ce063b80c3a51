package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueType;
import io.droplet.transport.SendStatus;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Starts invocations: places every stage (a pinned stateful function on its executor, a keyed function's
 * source stage by its key ({@link KeyedPlacement}), otherwise by the
 * {@link PlacementPolicy}: an executor with the function, then cache locality, then load), records the
 * invocation in the {@link InvocationLog}, and sends one trigger per source stage carrying the whole
 * {@link Schedule}. When an executor expires, re-runs the logged invocations placed on it.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Starting an invocation does not
 * allocate.
 */
final class InvocationLauncher implements PeriodicCalls.Runner
{
    private final PlacementPolicy placement;
    private final Membership membership;
    private final StatefulPins pins;
    private final CacheLocality locality;
    private final InvocationLog log;
    private final ExecutorMessages executors;
    private final ClientReplies replies;
    private final SchedulerCounters counters;
    private final EpochNanoClock epochClock;
    private final Schedule schedule = new Schedule();
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
     * @param counters   of the scheduler.
     * @param epochClock of call deadlines.
     */
    InvocationLauncher(
        final long nodeId, final PlacementPolicy placement, final Membership membership, final StatefulPins pins,
        final CacheLocality locality, final InvocationLog log, final ExecutorMessages executors, final ClientReplies replies,
        final SchedulerCounters counters, final EpochNanoClock epochClock)
    {
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
     *
     * @param dag            to run.
     * @param args           of its source stages.
     * @param correlationId  of the call.
     * @param replyTo        where the result goes, 0 for none.
     * @param caller         who hears refusals.
     * @param deadline       epoch ns, 0 for none.
     * @param forcedExecutor runs every stage (a BROADCAST leg, not re-run elsewhere); 0 to place.
     * @return true if started; false if refused (the caller was told why).
     */
    boolean start(
        final DagDefinition dag, final SourceArgs args, final long correlationId, final long replyTo, final long caller,
        final long deadline, final long forcedExecutor)
    {
        if (deadline != 0 && epochClock.nanoTime() - deadline > 0)
        {
            counters.callsRefused.incrementRelease();
            replies.error(caller, correlationId, ErrorCode.TIMEOUT, "deadline passed before scheduling");
            return false;
        }
        if (!place(dag, args, forcedExecutor, locality.of(dag, args), caller, correlationId))
        {
            return false;
        }
        final long invocationId = ++nextInvocationId;
        counters.invocationsStarted.incrementRelease();
        if (forcedExecutor == 0)
        {
            log.record(invocationId, correlationId, replyTo, caller, deadline, 0, schedule, args);
        }
        sendTriggers(args, invocationId, correlationId, replyTo, caller, deadline, 0);
        return true;
    }

    /**
     * {@inheritDoc}
     */
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
     * and it is forgotten (never re-run).
     *
     * @param correlationId of the call.
     * @param caller        asking.
     * @return {@link #CANCELLED}, {@link #NOT_FOUND} or {@link #NOT_YOURS}.
     */
    int cancel(final long correlationId, final long caller)
    {
        final int slot = log.find(correlationId, caller);
        if (slot < 0)
        {
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
     *
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
     *
     * @param executor that expired (already gone from the live executors).
     */
    void onExecutorExpired(final long executor)
    {
        log.forEachInvolving(executor, epochClock.nanoTime(), rerunner);
    }

    private boolean place(
        final DagDefinition dag, final SourceArgs args, final long forcedExecutor, final PlacementPolicy.Locality keys,
        final long caller, final long correlationId)
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
                executor = pin.nodeId();
            }
            else if (dag.isSource(s) && keyed.isKeyed(function))
            {
                final int length = args.length(s);
                executor = length < 0 ? 0 :
                    keyed.place(function, args.buffer(), args.offset(s), length, membership.liveExecutors());
            }
            else
            {
                executor = placement.place(function, membership.liveExecutors(), keys);
            }
            if (executor == 0)
            {
                counters.callsRefused.incrementRelease();
                replies.error(caller, correlationId, ErrorCode.NO_RESOURCES, "no live executor can run " + dag.function(s));
                return false;
            }
            schedule.place(s, executor);
            final ExecutorView view = membership.executor(executor);
            if (null != view)
            {
                view.onPlaced();
            }
        }
        return true;
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
        if (!place(dag, loggedArgs, 0, PlacementPolicy.Locality.NONE, caller, correlationId))
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
