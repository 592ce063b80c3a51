package io.droplet.scheduler;

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
    public static final int TYPE_ID_BASE = 7170;

    /** Invocations started (calls and DAG calls). */
    public final AtomicCounter invocationsStarted;
    /** Calls refused: unknown function or DAG, no executor, deadline passed. */
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

    /**
     * @param allocator of counters.
     * @param name      of the scheduler, for labels.
     */
    public SchedulerCounters(final TransportCounters.Allocator allocator, final String name)
    {
        invocationsStarted = allocator.allocate(TYPE_ID_BASE, "droplet " + name + ": invocations started");
        callsRefused = allocator.allocate(TYPE_ID_BASE + 1, "droplet " + name + ": calls refused");
        liveExecutors = allocator.allocate(TYPE_ID_BASE + 2, "droplet " + name + ": live executors");
        executorsExpired = allocator.allocate(TYPE_ID_BASE + 3, "droplet " + name + ": executors expired");
        reruns = allocator.allocate(TYPE_ID_BASE + 4, "droplet " + name + ": invocations re-run");
        registryLookups = allocator.allocate(TYPE_ID_BASE + 5, "droplet " + name + ": registry lookups");
        registrationReplays = allocator.allocate(TYPE_ID_BASE + 6, "droplet " + name + ": registrations replayed");
    }

    /**
     * Frees the counters.
     */
    public void close()
    {
        CloseHelper.closeAll(invocationsStarted, callsRefused, liveExecutors, executorsExpired, reruns, registryLookups, registrationReplays);
    }
}
