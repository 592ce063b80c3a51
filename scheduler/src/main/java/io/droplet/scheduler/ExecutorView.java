package io.droplet.scheduler;

import java.util.Set;

/**
 * What the scheduler knows of one executor, from its heartbeats.
 * <p>
 * <b>Note:</b> updated by the scheduler's thread only; placement policies read it on that thread.
 */
public final class ExecutorView
{
    private final long nodeId;
    private final String host;
    private Set<String> functions = Set.of();
    private long lastHeartbeatNs;
    private long lastReplayNs;
    private int queueDepth;
    private long placedSinceHeartbeat;
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

    void onHeartbeat(final long nowNs, final Set<String> functions, final int queueDepth)
    {
        this.lastHeartbeatNs = nowNs;
        this.functions = functions;
        this.queueDepth = queueDepth;
        this.placedSinceHeartbeat = 0;
    }

    void onPlaced()
    {
        placedSinceHeartbeat++;
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
