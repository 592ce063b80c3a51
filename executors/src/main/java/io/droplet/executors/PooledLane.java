package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.KeyedFunction;
import io.droplet.api.Mailbox;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueType;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.EpochNanoClock;

import java.util.function.Consumer;

/**
 * The pooled lane of {@link StageRunner}: a stage whose function is not declared short is handed to
 * the {@link WorkerPool} as a {@link PooledRun} with its own copy of the arguments, and when the run
 * comes back the rest of the stage is done here, on the agent's thread, exactly as for a short
 * function: the writes the function logged are sent, then its output goes through {@link OutputCommit}
 * (to the child stages' executors, fan-ins included, or to the caller), or its failure to the caller.
 * A run whose invocation's deadline passed while it ran is dropped and counted
 * ({@link ExecutorCounters#lateResultsDropped}): its caller has had TIMEOUT. Its writes are still sent,
 * as a re-run's would be (lattice merges make them harmless).
 * <p>
 * Cancellation: every check period (while runs are in flight) the lane cancels the runs whose deadline has
 * passed, and {@link #cancel} cancels an invocation's runs when its caller cancels it
 * ({@link PooledRun#cancel}: the function sees {@code isCancelled()}, its worker is interrupted, a queued
 * run never starts), counted in {@link ExecutorCounters#runsCancelled}. A cancelled run's worker is free
 * again when its function returns; whatever it returns is dropped (its writes still go, as above). A stage that finds every worker busy and
 * the queue full is answered NO_RESOURCES at once and counted ({@link ExecutorCounters#runsRefused}).
 * <p>
 * Keyed functions ({@link KeyedClass}): a call's first argument is its key; the lane finds or makes the key's
 * {@link Activation} ({@link KeyedActivations}, which loads its state), hands the function the arguments after
 * the key, and runs the key's calls one at a time in arrival order: a call
 * to a key with a call on the pool waits, holding its claimed run, until that call is back. A waiting call
 * whose deadline passes, or whose caller cancels it, is dropped when its turn comes, and never runs.
 * <p>
 * The lane also answers the mailbox calls of running functions ({@link PooledMailbox}) with the
 * executor's {@link FunctionMailbox}, which stays single-threaded.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent. Allocation-free once the pool's runs exist,
 * except on failure paths (error texts).
 */
final class PooledLane implements AutoCloseable
{
    private final WorkerPool pool;
    private final StageNamespace namespace;
    private final StageState state;
    private final OutputCommit commit;
    private final StageOutputs outputs;
    private final FunctionMailbox mailbox;
    private final ExecutorCounters counters;
    private final EpochNanoClock clock;
    private final long nodeId;
    private final int drainLimit;
    private final long cancelCheckPeriodNs;
    private long nextCancelCheckNs;
    private final Consumer<PooledRun> onCompleted = this::onCompleted;
    private final Consumer<PooledRun> onCall = this::onCall;
    private final Mailbox.MessageHandler taker = this::take;
    private PooledRun taking;
    private long nowNs;
    private final KeyedActivations activations;
    private final ValueReader keyReader = new ValueReader();
    private final ExpandableArrayBuffer keyedArgs = new ExpandableArrayBuffer(256);

    /**
     * @param pool       of workers.
     * @param namespace  the agent's, entered with each returning run's function while its writes are sent.
     * @param state      the agent's, which sends a returning run's logged writes.
     * @param commit     of the executor's outputs.
     * @param outputs    of the executor, for failures.
     * @param mailbox    of the executor, or null if it has none.
     * @param counters   of the executor.
     * @param clock      epoch clock deadlines are read against.
     * @param nodeId     of the executor, for error texts.
     * @param drainLimit most runs handed back per duty cycle.
     * @param cancelCheckPeriodNs how often runs in flight are checked against their deadlines.
     */
    PooledLane(
        final WorkerPool pool, final StageNamespace namespace, final StageState state, final OutputCommit commit,
        final StageOutputs outputs, final FunctionMailbox mailbox, final ExecutorCounters counters,
        final EpochNanoClock clock, final long nodeId, final int drainLimit, final long cancelCheckPeriodNs)
    {
        this(pool, namespace, state, commit, outputs, mailbox, counters, clock, nodeId, drainLimit, cancelCheckPeriodNs,
            new KeyedActivations(ExecutorConfiguration.KEYED_ACTIVATIONS_DEFAULT, null, null, 0,
                counters.keyedActivations, counters.keyedEvictions));
    }

    /**
     * As the constructor above, with the activations of keyed functions.
     *
     * @param activations of keyed functions, with the host cache their states load from.
     */
    PooledLane(
        final WorkerPool pool, final StageNamespace namespace, final StageState state, final OutputCommit commit,
        final StageOutputs outputs, final FunctionMailbox mailbox, final ExecutorCounters counters,
        final EpochNanoClock clock, final long nodeId, final int drainLimit, final long cancelCheckPeriodNs,
        final KeyedActivations activations)
    {
        this.activations = activations;
        this.cancelCheckPeriodNs = cancelCheckPeriodNs;
        this.pool = pool;
        this.namespace = namespace;
        this.state = state;
        this.commit = commit;
        this.outputs = outputs;
        this.mailbox = mailbox;
        this.counters = counters;
        this.clock = clock;
        this.nodeId = nodeId;
        this.drainLimit = drainLimit;
    }

    /**
     * Hands a stage to the workers, or answers NO_RESOURCES if the pool is full; never waits.
     *
     * @param args       buffer holding the arguments, valid only during this call: they are copied.
     * @param argsOffset of the arguments.
     * @param argsLength of the arguments.
     * @return true if the stage was handed over.
     */
    boolean dispatch(
        final DropletFunction function, final long invocationId, final long correlationId, final long replyTo,
        final long deadline, final int target, final int attempt, final StageSchedule schedule,
        final DirectBuffer args, final int argsOffset, final int argsLength)
    {
        if (function instanceof KeyedClass)
        {
            return dispatchKeyed((KeyedClass)function, invocationId, correlationId, replyTo, deadline, target, attempt,
                schedule, args, argsOffset, argsLength);
        }
        final PooledRun run = claim(invocationId, correlationId, replyTo);
        if (null == run)
        {
            return false;
        }
        run.prepare(function, invocationId, correlationId, replyTo, deadline, target, attempt, schedule,
            args, argsOffset, argsLength);
        pool.submit(run);
        return true;
    }

    /**
     * A keyed call: its key's activation (made with the state the call brought if it is the key's first here), the
     * arguments after the key and state, and the run handed to the pool now or queued behind the key's call.
     * Allocates the key's and the function's names and the state key's text per call (and an activation on a key's
     * first call here): the keyed lane is not allocation-free yet.
     */
    private boolean dispatchKeyed(
        final KeyedClass type, final long invocationId, final long correlationId, final long replyTo,
        final long deadline, final int target, final int attempt, final StageSchedule schedule,
        final DirectBuffer args, final int argsOffset, final int argsLength)
    {
        final String key;
        final int restOffset;
        final int count;
        try
        {
            keyReader.wrap(args, argsOffset, argsLength);
            count = keyReader.enterList() - 1;
            if (count < 0 || keyReader.type() != ValueType.STRING)
            {
                outputs.fail(invocationId, replyTo, correlationId, ErrorCode.INVALID_ARGUMENT,
                    "a keyed function is called through instance(key): its first argument is the key, a string");
                return false;
            }
            key = keyReader.readString();
            restOffset = keyReader.position();
        }
        catch (final RuntimeException ex)
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.MALFORMED, "keyed call arguments: " + ex.getMessage());
            return false;
        }
        final DirectBuffer names = schedule.names();
        final String function = names.getStringWithoutLengthUtf8(schedule.functionOffset(target), schedule.functionLength(target));
        final Activation activation = activations.activate(type, key, KeyedFunction.stateKey(function, key));
        if (null == activation)
        {
            counters.runsRefused.incrementRelease();
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.NO_RESOURCES,
                "executor " + nodeId + " holds as many keyed activations as it may, every one busy, or cannot reach its cache");
            return false;
        }
        final PooledRun run = claim(invocationId, correlationId, replyTo);
        if (null == run)
        {
            return false;
        }
        // The function sees the arguments after the key: a list of the rest.
        final int restLength = argsOffset + argsLength - restOffset;
        keyedArgs.putByte(0, ValueType.LIST.tag());
        keyedArgs.putInt(1, count, java.nio.ByteOrder.LITTLE_ENDIAN);
        keyedArgs.putInt(5, restLength, java.nio.ByteOrder.LITTLE_ENDIAN);
        keyedArgs.putBytes(9, args, restOffset, restLength);
        run.prepare(type, invocationId, correlationId, replyTo, deadline, target, attempt, schedule,
            keyedArgs, 0, 9 + restLength);
        run.activation = activation;
        if (activations.admit(activation, run))
        {
            pool.submit(run);
        }
        else
        {
            run.keyQueued = true;
        }
        return true;
    }

    /**
     * The host cache answered a keyed activation's state load: its first waiting call goes to the pool.
     *
     * @param correlationId of the load ({@link KeyedActivations#owns}).
     */
    void onStateLoaded(final long correlationId)
    {
        final Activation activation = activations.onLoaded(correlationId);
        if (null != activation)
        {
            nowNs = clock.nanoTime();
            nextOfKey(activation);
        }
    }

    /**
     * A keyed activation's state could not be fetched: its waiting calls fail with the cache's code, and the next
     * call of the key tries again.
     *
     * @param correlationId of the load ({@link KeyedActivations#owns}).
     * @param code          the cache's error.
     */
    void onStateLoadFailed(final long correlationId, final ErrorCode code)
    {
        final Activation activation = activations.onLoadFailed(correlationId, code);
        if (null == activation)
        {
            return;
        }
        PooledRun run;
        while (null != (run = activation.waiting.pollFirst()))
        {
            final TriggerCopy trigger = run.trigger;
            outputs.fail(trigger.invocationId, trigger.replyTo, trigger.correlationId, code,
                "the state of key " + activation.key() + " could not be fetched");
            run.keyQueued = false;
            pool.unclaim(run);
        }
    }

    private PooledRun claim(final long invocationId, final long correlationId, final long replyTo)
    {
        final PooledRun run = pool.claim();
        if (null == run)
        {
            counters.runsRefused.incrementRelease();
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.NO_RESOURCES,
                "every worker of executor " + nodeId + " is busy and its queue is full");
        }
        return run;
    }

    /**
     * A keyed call is back: hands its key's next waiting call to the pool, dropping those cancelled or past their
     * deadline while they waited (their callers have had CANCELLED or TIMEOUT).
     */
    private void nextOfKey(final Activation activation)
    {
        PooledRun next;
        while (null != (next = activations.next(activation, nowNs)))
        {
            next.keyQueued = false;
            final long deadline = next.trigger.deadline;
            if (next.cancelled || (deadline != 0 && nowNs - deadline > 0))
            {
                counters.runsCancelled.incrementRelease();
                pool.unclaim(next);
                continue;
            }
            pool.submit(next);
            return;
        }
    }

    /**
     * Does the rest of the stages whose runs came back, and answers running functions' mailbox calls.
     *
     * @return runs handed back plus calls answered.
     */
    int poll()
    {
        int work = pool.serveCalls(onCall);
        if (pool.completed() > 0)
        {
            // One clock read per batch of hand-backs.
            nowNs = clock.nanoTime();
            work += pool.drainCompleted(onCompleted, drainLimit);
        }
        return work;
    }

    /**
     * Cancels the runs whose invocation's deadline has passed, once per check period while runs are in flight.
     *
     * @param nowNs of the agent's nano clock (the period); deadlines are read against the epoch clock.
     * @return runs cancelled.
     */
    int expire(final long nowNs)
    {
        if (0 == pool.busy() || nowNs - nextCancelCheckNs < 0)
        {
            return 0;
        }
        nextCancelCheckNs = nowNs + cancelCheckPeriodNs;
        final long epochNowNs = clock.nanoTime();
        int cancelled = 0;
        long overdueLoad;
        while (0 != (overdueLoad = activations.overdueLoad(epochNowNs)))
        {
            // Its first waiting call is past its deadline: give the load up, failing the key's waiting calls.
            onStateLoadFailed(overdueLoad, ErrorCode.TIMEOUT);
            cancelled++;
        }
        for (int i = 0, created = pool.created(); i < created; i++)
        {
            final PooledRun run = pool.run(i);
            final long deadline = run.trigger.deadline;
            if (run.inFlight && !run.cancelled && 0 != deadline && epochNowNs - deadline > 0)
            {
                run.cancel();
                counters.runsCancelled.incrementRelease();
                cancelled++;
            }
        }
        return cancelled;
    }

    /**
     * Cancels the runs of an invocation its caller cancelled.
     *
     * @param invocationId cancelled.
     * @return runs cancelled.
     */
    int cancel(final long invocationId)
    {
        int cancelled = 0;
        for (int i = 0, created = pool.created(); i < created; i++)
        {
            final PooledRun run = pool.run(i);
            if (run.keyQueued && !run.cancelled && run.trigger.invocationId == invocationId)
            {
                // Dropped when its key's turn comes: it never runs.
                run.cancelled = true;
                cancelled++;
            }
            else if (run.inFlight && !run.cancelled && run.trigger.invocationId == invocationId)
            {
                run.cancel();
                counters.runsCancelled.incrementRelease();
                cancelled++;
            }
        }
        return cancelled;
    }

    /**
     * @return stages on the pool: running, queued, or back and not yet handed on.
     */
    int busy()
    {
        return pool.busy();
    }

    /**
     * Stops the workers.
     */
    public void close()
    {
        pool.close();
    }

    private void onCompleted(final PooledRun run)
    {
        if (null != run.activation)
        {
            nextOfKey(run.activation);
        }
        final TriggerCopy trigger = run.trigger;
        final StageSchedule schedule = trigger.schedule;
        final int stage = trigger.targetStage;
        namespace.enter(schedule.names(), schedule.functionOffset(stage), schedule.functionLength(stage));
        commit.beginStage();
        run.state.replay(state, counters);
        if (run.retries > 0)
        {
            counters.retries.getAndAddRelease(run.retries);
        }
        if (run.cancelled && (trigger.deadline == 0 || nowNs - trigger.deadline <= 0))
        {
            // Cancelled by its caller, who has had CANCELLED from the scheduler.
            return;
        }
        if (trigger.deadline != 0 && nowNs - trigger.deadline > 0)
        {
            counters.lateResultsDropped.incrementRelease();
            return;
        }
        if (null != run.failure)
        {
            outputs.failStage(trigger.invocationId, trigger.replyTo, trigger.correlationId, ErrorCode.EXECUTION_ERROR, run.failure,
                trigger.schedule);
            return;
        }
        if (run.resultLength < 0)
        {
            outputs.failStage(trigger.invocationId, trigger.replyTo, trigger.correlationId, ErrorCode.PAYLOAD_TOO_LARGE,
                "result larger than the payload limit, or a list or map not closed", trigger.schedule);
            return;
        }
        counters.stagesRun.incrementRelease();
        commit.complete(trigger.invocationId, trigger.correlationId, trigger.replyTo, trigger.deadline, stage,
            trigger.attempt, schedule, run.result, 0, run.resultLength);
    }

    private void onCall(final PooledRun run)
    {
        if (null == mailbox)
        {
            run.callSent = false;
            run.callLength = -1;
        }
        else if (run.callKind == PooledRun.SEND)
        {
            mailbox.invocation(run.trigger.invocationId);
            run.callSent = mailbox.send(run.callAddress, run.callBuffer, 0, run.callLength);
        }
        else
        {
            run.callLength = -1;
            taking = run;
            mailbox.receive(taker, 1);
            taking = null;
        }
        run.answered();
    }

    private void take(final long from, final DirectBuffer buffer, final int offset, final int length)
    {
        taking.callAddress = from;
        taking.callBuffer.putBytes(0, buffer, offset, length);
        taking.callLength = length;
    }
}
