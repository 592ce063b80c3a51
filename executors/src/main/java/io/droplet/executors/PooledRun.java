package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.StatefulFunction;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.EpochNanoClock;

/**
 * One run of a function on the executor's worker pool, and everything it owns so that nothing of the
 * agent's is touched from a worker: a copy of the trigger (fields, schedule, arguments: the receive
 * buffer is valid only during the poll), its own result buffer, its own {@link StageInvocation} whose
 * state ({@link PooledState}) logs writes for the agent to send and whose mailbox ({@link PooledMailbox})
 * asks the agent to send and take messages. Runs are pooled by {@link WorkerPool} and reused; their
 * buffers grow to the largest arguments and result seen, then stay.
 * <p>
 * Life of a run: the agent claims it, fills it ({@link #prepare}) and submits it; a worker
 * {@link #execute executes} it; the agent takes it back from the hand-back queue, sends its writes and
 * output (or drops them if late) and releases it.
 * <p>
 * <b>Note:</b> handed between threads, never shared: the agent owns it until it is submitted, one worker
 * while it runs, the agent again once handed back (each hand-over is through a concurrent queue, which
 * orders the writes before it against the reads after it). Only a mailbox call ({@link #call}) crosses
 * while the worker runs, and it waits for the agent's answer.
 */
final class PooledRun
{
    /** A mailbox call: send {@link #callBuffer} to {@link #callAddress}. */
    static final int SEND = 1;
    /** A mailbox call: take one message into {@link #callBuffer}. */
    static final int TAKE = 2;
    private static final int MAX_DETAIL = 1000;

    /** The trigger as it ran: fields, schedule (names copied) and arguments. */
    final TriggerCopy trigger = new TriggerCopy();
    /** Namespace of the run's function, entered by the agent at {@link #prepare}. */
    final StageNamespace namespace;
    /** Writes and fetches the function asked for, sent by the agent when the run is handed back. */
    final PooledState state;
    /** The run's view of the executor's mailbox. */
    final PooledMailbox mailbox;
    /** Where the function writes its result: grown as written, up to the payload limit. */
    final ExpandableArrayBuffer result = new ExpandableArrayBuffer(256);
    private final StageInvocation invocation;
    private final WorkerPool pool;
    private final int payloadLimit;
    private DropletFunction function;
    /** Bytes of the result; -1 if it exceeded the payload limit or left a container open. */
    int resultLength;
    /** The function's exception as text, or null if it returned. */
    String failure;

    // A mailbox call in flight: written by the worker before it offers the run to the agent, answered by the
    // agent before it sets callDone (volatile), read by the worker after it sees callDone.
    /** {@link #SEND} or {@link #TAKE}. */
    int callKind;
    /** Send: the addressee; take: the sender of the message taken. */
    long callAddress;
    /** Send: the payload's length; take: the message's length, or -1 if the mailbox was empty. */
    int callLength;
    /** Send: true if handed to the transport. */
    boolean callSent;
    /** Send: the payload; take: the message taken. */
    final ExpandableArrayBuffer callBuffer = new ExpandableArrayBuffer(64);
    private volatile boolean callDone;
    private volatile Thread worker;

    /**
     * @param pool             the run belongs to.
     * @param cache            the host cache, or null if the executor has none.
     * @param namespaced       true in a secured deployment.
     * @param counters         of the executor (the namespace's refusals are counted by the agent, not here).
     * @param address          of the executor's mailbox.
     * @param maxMessageLength of the transport.
     * @param payloadLimit     largest result.
     * @param clock            epoch clock the function's deadline is read against.
     */
    PooledRun(
        final WorkerPool pool, final HostCache cache, final boolean namespaced, final ExecutorCounters counters, final long address,
        final int maxMessageLength, final int payloadLimit, final EpochNanoClock clock)
    {
        this.invocation = new StageInvocation(clock);
        this.pool = pool;
        this.payloadLimit = payloadLimit;
        this.namespace = new StageNamespace(namespaced, counters.keysRefused);
        this.state = new PooledState(namespace, cache, maxMessageLength);
        this.mailbox = new PooledMailbox(this, address);
        invocation.state(state);
        invocation.mailbox(mailbox);
    }

    /**
     * Fills the run on the agent's thread: the function, a copy of the trigger with its arguments, the
     * function's namespace.
     */
    void prepare(
        final DropletFunction function, final long invocationId, final long correlationId,
        final long replyTo, final long deadline, final int target, final int attempt, final StageSchedule schedule,
        final org.agrona.DirectBuffer args, final int argsOffset, final int argsLength)
    {
        this.function = function;
        trigger.set(invocationId, correlationId, replyTo, deadline, target, target, attempt, schedule, args, argsOffset, argsLength);
        final StageSchedule copied = trigger.schedule;
        namespace.enter(copied.names(), copied.functionOffset(target), copied.functionLength(target));
        state.reset();
        resultLength = 0;
        failure = null;
    }

    /**
     * Runs the function on a worker's thread; never throws.
     */
    void execute()
    {
        worker = Thread.currentThread();
        invocation.wrap(trigger.buffer, trigger.valueOffset, trigger.valueLength, result, payloadLimit,
            trigger.invocationId, trigger.targetStage, trigger.deadline, trigger.attempt);
        try
        {
            if (function instanceof StatefulFunction)
            {
                // A stateful instance is called one at a time, as its interface promises, however many workers.
                synchronized (function)
                {
                    function.apply(invocation);
                }
            }
            else
            {
                function.apply(invocation);
            }
            resultLength = invocation.result().encodedLength();
            if (resultLength == 0)
            {
                // A function that writes nothing returns null.
                resultLength = invocation.result().wrap(result, 0, payloadLimit).writeNull().encodedLength();
            }
        }
        catch (final Throwable ex)
        {
            final String text = String.valueOf(ex);
            failure = text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) : text;
        }
        finally
        {
            function = null;
            worker = null;
        }
    }

    /**
     * A mailbox call from the running function: hands the run to the agent and waits for its answer.
     *
     * @param kind {@link #SEND} or {@link #TAKE}, with the call's fields set.
     * @return true if the agent answered; false if the executor is closing.
     */
    boolean call(final int kind)
    {
        callKind = kind;
        callDone = false;
        if (!pool.offerCall(this))
        {
            return false;
        }
        while (!callDone)
        {
            if (pool.isClosed())
            {
                return false;
            }
            // Woken by the agent's answer; the bound only lets a closing executor be noticed.
            java.util.concurrent.locks.LockSupport.parkNanos(this, 1_000_000L);
        }
        return true;
    }

    /**
     * The agent answered the run's mailbox call: wake the worker.
     */
    void answered()
    {
        callDone = true;
        final Thread waiting = worker;
        if (null != waiting)
        {
            java.util.concurrent.locks.LockSupport.unpark(waiting);
        }
    }
}
