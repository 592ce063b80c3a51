package io.droplet.executors;

import io.droplet.transport.CounterDescriptor;
import io.droplet.transport.TransportCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counters of one executor, in Aeron's CnC file so {@code droplet stat} reads them from outside.
 * <p>
 * <b>Note:</b> single writer (the executor's thread), except {@link #processesReplaced}, which workers increment
 * atomically; readable from any thread or process.
 */
public final class ExecutorCounters implements AutoCloseable
{
    /** Type id of the first executor counter. */
    public static final int TYPE_ID_BASE = CounterDescriptor.EXECUTOR_STAGES_RUN.typeId();

    /** Stages run to completion. */
    public final AtomicCounter stagesRun;
    /** Stages that ended in an error sent to the caller. */
    public final AtomicCounter stagesFailed;
    /** Outputs that could not be delivered. */
    public final AtomicCounter undeliverable;
    /** Fan-in stages waiting for parents. */
    public final AtomicCounter fanInsWaiting;
    /** Messages functions sent to other executors' mailboxes. */
    public final AtomicCounter messagesSent;
    /** Messages stored in this executor's mailbox. */
    public final AtomicCounter messagesReceived;
    /** Messages dropped: mailbox full, too large, unknown address or link refused. */
    public final AtomicCounter messagesDropped;
    /** Key accesses refused: a function (or a reference in its arguments) named a key outside its namespace. */
    public final AtomicCounter keysRefused;
    /** Runs refused NO_RESOURCES because every worker was busy and the queue full. */
    public final AtomicCounter runsRefused;
    /** Results of pooled runs dropped because they came back after their deadline. */
    public final AtomicCounter lateResultsDropped;
    /** Pooled runs cancelled: past their invocation's deadline, or cancelled by their caller. */
    public final AtomicCounter runsCancelled;
    /** Functions run again after failing inside, as their retry policy allows. */
    public final AtomicCounter retries;
    /** Calls running functions made to other functions and DAGs. */
    public final AtomicCounter nestedCalls;
    /** Functions declared short moved to the worker pool because they call other functions. */
    public final AtomicCounter functionsMovedToPool;
    /**
     * Processes of process functions killed (they exited, did not answer in time, wrote what is not the protocol's,
     * or their call was cancelled) or found dead, and replaced. Incremented from worker threads, atomically.
     */
    public final AtomicCounter processesReplaced;
    /** Activations of keyed functions held now (a gauge). */
    public final AtomicCounter keyedActivations;
    /** Idle activations of keyed functions evicted to make room for another key's. */
    public final AtomicCounter keyedEvictions;
    /** Fan-in outputs refused past a bound in bytes (per invocation or per executor). */
    public final AtomicCounter fanInsRefused;
    /** Fan-ins released before completing (failed, cancelled or expired invocations) and late outputs dropped. */
    public final AtomicCounter fanInsReleased;
    /** Bytes of parents' outputs the waiting fan-ins hold now (a gauge). */
    public final AtomicCounter fanInBytes;
    /** Triggers refused because the triggers parked for the host cache reached their bound. */
    public final AtomicCounter triggersParkRefused;
    /** Shipped code that could not be loaded. */
    public final AtomicCounter shippedCodeRefused;

    /**
     * @param allocator of counters.
     * @param name      of the executor, for labels.
     */
    public ExecutorCounters(final TransportCounters.Allocator allocator, final String name)
    {
        stagesRun = CounterDescriptor.EXECUTOR_STAGES_RUN.allocate(allocator, name);
        stagesFailed = CounterDescriptor.EXECUTOR_STAGES_FAILED.allocate(allocator, name);
        undeliverable = CounterDescriptor.EXECUTOR_UNDELIVERABLE.allocate(allocator, name);
        fanInsWaiting = CounterDescriptor.EXECUTOR_FAN_INS_WAITING.allocate(allocator, name);
        messagesSent = CounterDescriptor.EXECUTOR_MESSAGES_SENT.allocate(allocator, name);
        messagesReceived = CounterDescriptor.EXECUTOR_MESSAGES_RECEIVED.allocate(allocator, name);
        messagesDropped = CounterDescriptor.EXECUTOR_MESSAGES_DROPPED.allocate(allocator, name);
        keysRefused = CounterDescriptor.EXECUTOR_KEYS_REFUSED.allocate(allocator, name);
        runsRefused = CounterDescriptor.EXECUTOR_RUNS_REFUSED.allocate(allocator, name);
        lateResultsDropped = CounterDescriptor.EXECUTOR_LATE_RESULTS_DROPPED.allocate(allocator, name);
        runsCancelled = CounterDescriptor.EXECUTOR_RUNS_CANCELLED.allocate(allocator, name);
        retries = CounterDescriptor.EXECUTOR_RETRIES.allocate(allocator, name);
        nestedCalls = CounterDescriptor.EXECUTOR_NESTED_CALLS.allocate(allocator, name);
        functionsMovedToPool = CounterDescriptor.EXECUTOR_FUNCTIONS_MOVED_TO_POOL.allocate(allocator, name);
        processesReplaced = CounterDescriptor.EXECUTOR_PROCESSES_REPLACED.allocate(allocator, name);
        keyedActivations = CounterDescriptor.EXECUTOR_KEYED_ACTIVATIONS.allocate(allocator, name);
        keyedEvictions = CounterDescriptor.EXECUTOR_KEYED_EVICTIONS.allocate(allocator, name);
        fanInsRefused = CounterDescriptor.EXECUTOR_FAN_INS_REFUSED.allocate(allocator, name);
        fanInsReleased = CounterDescriptor.EXECUTOR_FAN_INS_RELEASED.allocate(allocator, name);
        fanInBytes = CounterDescriptor.EXECUTOR_FAN_IN_BYTES.allocate(allocator, name);
        triggersParkRefused = CounterDescriptor.EXECUTOR_TRIGGERS_PARK_REFUSED.allocate(allocator, name);
        shippedCodeRefused = CounterDescriptor.EXECUTOR_SHIPPED_CODE_REFUSED.allocate(allocator, name);
    }

    /**
     * Frees the counters.
     */
    public void close()
    {
        CloseHelper.closeAll(stagesRun, stagesFailed, undeliverable, fanInsWaiting, messagesSent, messagesReceived, messagesDropped,
            keysRefused, runsRefused, lateResultsDropped, runsCancelled, retries,
            nestedCalls, functionsMovedToPool, processesReplaced,
            keyedActivations, keyedEvictions, fanInsRefused, fanInsReleased, fanInBytes, triggersParkRefused, shippedCodeRefused);
    }
}
