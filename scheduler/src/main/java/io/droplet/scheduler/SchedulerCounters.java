package io.droplet.scheduler;

import io.droplet.transport.CounterDescriptor;
import io.droplet.transport.TransportCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counters of one scheduler, in Aeron's CnC file so {@code droplet stat} reads them from outside.
 * <p>
 * <b>Note:</b> single writer (the scheduler's thread); readable from any thread or process.
 */
public final class SchedulerCounters implements AutoCloseable
{
    /** Type id of the first scheduler counter. */
    public static final int TYPE_ID_BASE = CounterDescriptor.SCHEDULER_INVOCATIONS_STARTED.typeId();

    /** Invocations started (calls and DAG calls). */
    public final AtomicCounter invocationsStarted;
    /** Calls refused: unknown function or DAG, no executor, deadline passed, the queue of waiting calls full. */
    public final AtomicCounter callsRefused;
    /** Executors heard from within the timeout. */
    public final AtomicCounter liveExecutors;
    /** Executors dropped for missing heartbeats. */
    public final AtomicCounter executorsExpired;
    /** Invocations run again because an executor they were placed on died. */
    public final AtomicCounter reruns;
    /** Registry reads from the KVS after a miss in the scheduler's own cache. */
    public final AtomicCounter registryLookups;
    /** Shipped registrations sent again to an executor whose heartbeats still lack them. */
    public final AtomicCounter registrationReplays;
    /** Logged invocations an executor reported answered, so no longer kept for a re-run. */
    public final AtomicCounter invocationsCompleted;
    /** Calls in flight cancelled by their callers. */
    public final AtomicCounter invocationsCancelled;
    /** Calls that found every executor able to run them full and waited for a free slot. */
    public final AtomicCounter callsQueued;
    /** Calls answered NO_RESOURCES because the queue of waiting calls was full (also in {@link #callsRefused}). */
    public final AtomicCounter callsQueueFull;
    /** Waiting calls answered TIMEOUT at their deadline (also in {@link #callsRefused}). */
    public final AtomicCounter queuedCallsTimedOut;
    /** Calls waiting for a free slot now. */
    public final AtomicCounter callsWaiting;
    /** Calls answered MALFORMED: their arguments are not a valid value encoding (also in {@link #callsRefused}). */
    public final AtomicCounter callsMalformed;
    /** Periodic calls refused: a period under the minimum, or the caller's periodic calls at their cap. */
    public final AtomicCounter periodicCallsRefused;
    /** Registrations refused for what would only fail at run time: edges past the executors' limit, a class that
     * does not load or is not a function. */
    public final AtomicCounter registrationsRefused;
    /** Periodic calls running now. */
    public final AtomicCounter periodicCalls;

    /**
     * @param allocator of counters.
     * @param name      of the scheduler, for labels.
     */
    public SchedulerCounters(final TransportCounters.Allocator allocator, final String name)
    {
        invocationsStarted = CounterDescriptor.SCHEDULER_INVOCATIONS_STARTED.allocate(allocator, name);
        callsRefused = CounterDescriptor.SCHEDULER_CALLS_REFUSED.allocate(allocator, name);
        liveExecutors = CounterDescriptor.SCHEDULER_LIVE_EXECUTORS.allocate(allocator, name);
        executorsExpired = CounterDescriptor.SCHEDULER_EXECUTORS_EXPIRED.allocate(allocator, name);
        reruns = CounterDescriptor.SCHEDULER_RERUNS.allocate(allocator, name);
        registryLookups = CounterDescriptor.SCHEDULER_REGISTRY_LOOKUPS.allocate(allocator, name);
        registrationReplays = CounterDescriptor.SCHEDULER_REGISTRATION_REPLAYS.allocate(allocator, name);
        invocationsCompleted = CounterDescriptor.SCHEDULER_INVOCATIONS_COMPLETED.allocate(allocator, name);
        invocationsCancelled = CounterDescriptor.SCHEDULER_INVOCATIONS_CANCELLED.allocate(allocator, name);
        callsQueued = CounterDescriptor.SCHEDULER_CALLS_QUEUED.allocate(allocator, name);
        callsQueueFull = CounterDescriptor.SCHEDULER_CALLS_QUEUE_FULL.allocate(allocator, name);
        queuedCallsTimedOut = CounterDescriptor.SCHEDULER_QUEUED_CALLS_TIMED_OUT.allocate(allocator, name);
        callsWaiting = CounterDescriptor.SCHEDULER_CALLS_WAITING.allocate(allocator, name);
        callsMalformed = CounterDescriptor.SCHEDULER_CALLS_MALFORMED.allocate(allocator, name);
        periodicCallsRefused = CounterDescriptor.SCHEDULER_PERIODIC_CALLS_REFUSED.allocate(allocator, name);
        registrationsRefused = CounterDescriptor.SCHEDULER_REGISTRATIONS_REFUSED.allocate(allocator, name);
        periodicCalls = CounterDescriptor.SCHEDULER_PERIODIC_CALLS.allocate(allocator, name);
    }

    /**
     * Frees the counters.
     */
    public void close()
    {
        CloseHelper.closeAll(invocationsStarted, callsRefused, liveExecutors, executorsExpired, reruns, registryLookups, registrationReplays,
            invocationsCompleted, invocationsCancelled, callsQueued, callsQueueFull, queuedCallsTimedOut, callsWaiting,
            callsMalformed, periodicCallsRefused, registrationsRefused, periodicCalls);
    }
}
