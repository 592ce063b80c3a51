package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.RetryPolicy;
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
 * while the worker runs, and it waits for the agent's answer; and a {@link #cancel} by the agent, which
 * sets the invocation's cancelled flag and interrupts the worker.
 * <p>
 * Cancelling and the worker's interrupt status: the run's state moves QUEUED, then RUNNING (the worker
 * starts the function) or CANCELLED (the agent cancelled it first: it never runs), then DONE (the function
 * returned) or INTERRUPTING and INTERRUPTED (the agent cancelled it while it ran, and interrupted its
 * worker). A worker whose run was cancelled while running waits, after the function returns, until the
 * interrupt has been delivered and then clears it, so an interrupt never leaks into the next run.
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
    /** Retries the run took (its policy's); the agent counts them when it is handed back. */
    int retries;

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

    private static final int QUEUED = 1;
    private static final int RUNNING = 2;
    private static final int DONE = 3;
    private static final int CANCELLED = 4;
    private static final int INTERRUPTING = 5;
    private static final int INTERRUPTED = 6;
    private final java.util.concurrent.atomic.AtomicInteger runState = new java.util.concurrent.atomic.AtomicInteger();
    /** Agent's: the run is between submit and release. */
    boolean inFlight;
    /** Agent's: the run was cancelled; its outcome is dropped when it comes back. */
    boolean cancelled;
    /** The key's activation of a keyed function's call, or null; set by the agent after {@link #prepare}. */
    Activation activation;
    /** Agent's: the run waits in its key's queue (claimed, not yet submitted). */
    boolean keyQueued;

    /**
     * @param pool             the run belongs to.
     * @param cache            the host cache, or null if the executor has none.
     * @param namespaced       true in a secured deployment.
     * @param counters         of the executor (the namespace's refusals are counted by the agent, not here).
     * @param address          of the executor's mailbox.
     * @param maxMessageLength of the transport.
     * @param payloadLimit     largest result.
     * @param clock            epoch clock the function's deadline is read against.
     * @param nested           the agent's side of the function's calls to other functions, or null for none.
     * @param nestedTimeoutNs  of a call from a function whose invocation has no deadline.
     */
    PooledRun(
        final WorkerPool pool, final HostCache cache, final boolean namespaced, final ExecutorCounters counters, final long address,
        final int maxMessageLength, final int payloadLimit, final EpochNanoClock clock, final NestedCalls nested,
        final long nestedTimeoutNs)
    {
        this.invocation = new StageInvocation(clock);
        invocation.calls(new PooledCalls(nested, nestedTimeoutNs, invocation, trigger));
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
        retries = 0;
        cancelled = false;
        activation = null;
        keyQueued = false;
        runState.set(QUEUED);
    }

    /**
     * Cancels the run (agent's thread): the function sees {@code isCancelled()}, its worker is interrupted if
     * it runs, and a run not started yet is never started. Idempotent.
     */
    void cancel()
    {
        cancelled = true;
        while (true)
        {
            final int state = runState.get();
            if (state == QUEUED)
            {
                if (runState.compareAndSet(QUEUED, CANCELLED))
                {
                    return;
                }
            }
            else if (state == RUNNING)
            {
                if (runState.compareAndSet(RUNNING, INTERRUPTING))
                {
                    // The worker cannot leave the run before INTERRUPTED, so it is the thread running the function;
                    // it wrapped the invocation before it started, so the flag set now is the one the function reads.
                    invocation.cancel();
                    worker.interrupt();
                    runState.set(INTERRUPTED);
                    return;
                }
            }
            else
            {
                invocation.cancel();
                return;
            }
        }
    }

    /**
     * Runs the function on a worker's thread; never throws.
     */
    void execute()
    {
        worker = Thread.currentThread();
        RuntimeException unreadable = null;
        try
        {
            invocation.wrap(trigger.buffer, trigger.valueOffset, trigger.valueLength, result, payloadLimit,
                trigger.invocationId, trigger.targetStage, trigger.deadline, trigger.attempt);
        }
        catch (final RuntimeException ex)
        {
            // Arguments the invocation cannot read fail the run, answered, as the function's own failure would: thrown
            // from here it would end the worker's thread, and the run would never come back.
            unreadable = ex;
        }
        if (!runState.compareAndSet(QUEUED, RUNNING))
        {
            // Cancelled before it started: it comes back unrun, and the agent drops it.
            worker = null;
            return;
        }
        try
        {
            if (null != unreadable)
            {
                throw unreadable;
            }
            runWithRetries();
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
            if (!runState.compareAndSet(RUNNING, DONE))
            {
                // Cancelled while running: wait for the agent's interrupt to land, then clear it for the next run.
                while (runState.get() != INTERRUPTED)
                {
                    Thread.yield();
                }
                Thread.interrupted();
            }
            worker = null;
        }
    }

    /**
     * Runs the function, and again after each failure its retry policy retries, waiting its backoff (never past
     * the deadline; a cancel or an interrupt ends the waiting and the retrying).
     */
    private void runWithRetries() throws Exception
    {
        for (int retry = 0; true; retry++)
        {
            try
            {
                applyOnce();
                return;
            }
            catch (final Exception ex)
            {
                final RetryPolicy policy = function.retryPolicy();
                if (retry + 1 >= policy.maxAttempts() || !policy.retries(RetryPolicy.codeOf(ex)) || !backOff(policy.backoffNs(retry + 1)))
                {
                    throw ex;
                }
                retries++;
                invocation.retry(trigger.attempt + retry + 1);
            }
        }
    }

    private void applyOnce() throws Exception
    {
        if (null != activation)
        {
            // Its key's calls are handed to the pool one at a time (KeyedActivations): no lock is needed.
            activation.apply(invocation, state, payloadLimit);
        }
        else if (function instanceof StatefulFunction)
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
    }

    /**
     * @return true once the backoff has passed; false if the run was cancelled (or interrupted) meanwhile.
     */
    private boolean backOff(final long backoffNs)
    {
        final long until = System.nanoTime() + backoffNs;
        long left = backoffNs;
        while (left > 0 && !invocation.isCancelled() && !Thread.currentThread().isInterrupted())
        {
            java.util.concurrent.locks.LockSupport.parkNanos(this, left);
            left = until - System.nanoTime();
        }
        return !invocation.isCancelled() && !Thread.currentThread().isInterrupted();
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
