package io.droplet.scheduler;

import java.util.Set;

/**
 * What the scheduler knows of one executor, from its heartbeats and capacity reports: its functions, which
 * of them run inline (declared short: they take no worker), its load, and its free slots (workers not busy
 * at its last report, less the pooled stages this scheduler placed on it since).
 * <p>
 * <b>Note:</b> updated by the scheduler's thread only; placement policies read it on that thread.
 */
public final class ExecutorView
{
    private final long nodeId;
    private final String host;
    private Set<String> functions = Set.of();
    private Set<String> inline = Set.of();
    private long lastHeartbeatNs;
    private long lastReplayNs;
    private int queueDepth;
    private long placedSinceHeartbeat;
    private int workers;
    private int reportedFreeSlots;
    private int slotsTakenSinceReport;
    private final long startedAt;

    ExecutorView(final long nodeId, final String host)
    {
        this(nodeId, host, 0);
    }

    ExecutorView(final long nodeId, final String host, final long startedAt)
    {
        this.nodeId = nodeId;
        this.host = host;
        this.startedAt = startedAt;
    }

    long lastReplayNs()
    {
        return lastReplayNs;
    }

    void lastReplayNs(final long nowNs)
    {
        lastReplayNs = nowNs;
    }

    /**
     * @return when this incarnation of the executor started, as it says in its heartbeats.
     */
    public long startedAt()
    {
        return startedAt;
    }

    /**
     * @return the host the executor runs on, as its endpoint names it.
     */
    public String host()
    {
        return host;
    }

    /**
     * Counts a function as present before the executor's next heartbeat says so: its registration was
     * just sent to the executor, ahead of any trigger on the same stream.
     *
     * @param function registered there.
     */
    void assume(final String function)
    {
        if (!functions.contains(function))
        {
            final Set<String> assumed = new java.util.HashSet<>(functions);
            assumed.add(function);
            functions = assumed;
        }
    }

    void onHeartbeat(
        final long nowNs, final Set<String> functions, final Set<String> inline, final int queueDepth, final int workers,
        final int freeSlots)
    {
        this.lastHeartbeatNs = nowNs;
        this.functions = functions;
        this.inline = inline;
        this.queueDepth = queueDepth;
        this.placedSinceHeartbeat = 0;
        onCapacity(workers, freeSlots);
    }

    /**
     * A report of the executor's pool: what it says replaces what was counted since the last one.
     *
     * @param workers   of the pool.
     * @param freeSlots workers not busy when the executor reported.
     */
    void onCapacity(final int workers, final int freeSlots)
    {
        this.workers = workers;
        this.reportedFreeSlots = freeSlots;
        this.slotsTakenSinceReport = 0;
    }

    void onPlaced()
    {
        placedSinceHeartbeat++;
    }

    /**
     * Takes back an {@link #onPlaced()} of a stage whose invocation could not be placed whole.
     */
    void onUnplaced()
    {
        placedSinceHeartbeat--;
    }

    /**
     * Counts a pooled stage placed here: one slot fewer until the executor's next report.
     */
    void takeSlot()
    {
        slotsTakenSinceReport++;
    }

    /**
     * @return the executor's node id.
     */
    public long nodeId()
    {
        return nodeId;
    }

    /**
     * @param function a name.
     * @return true if the executor's last heartbeat listed it.
     */
    public boolean hasFunction(final String function)
    {
        return functions.contains(function);
    }

    /**
     * @param function a name.
     * @return true if the executor's last heartbeat said it runs inline (declared short), so it takes no slot;
     * false for a pooled function, or one not announced.
     */
    public boolean runsInline(final String function)
    {
        return !inline.isEmpty() && inline.contains(function);
    }

    /**
     * @return worker threads of the executor's pool, as it last reported.
     */
    public int workers()
    {
        return workers;
    }

    /**
     * @return slots free for pooled stages: workers not busy at the executor's last report, less the pooled
     * stages placed on it since (never below zero).
     */
    public int freeSlots()
    {
        return Math.max(0, reportedFreeSlots - slotsTakenSinceReport);
    }

    /**
     * @return load estimate: its reported queue depth plus what was placed on it since.
     */
    public long load()
    {
        return queueDepth + placedSinceHeartbeat;
    }

    /**
     * @return when its last heartbeat arrived (scheduler's nano clock).
     */
    public long lastHeartbeatNs()
    {
        return lastHeartbeatNs;
    }
}
