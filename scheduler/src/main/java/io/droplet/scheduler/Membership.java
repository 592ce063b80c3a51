package io.droplet.scheduler;

import io.droplet.codecs.sbe.Role;
import io.droplet.transport.Endpoint;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Who is there: executors by their heartbeats (joined, restarted, expired after a silence longer than
 * the executor timeout), the endpoints of every node heard from, host caches and their key summaries,
 * and the other schedulers {@link SchedulerDiscovery} finds. It introduces nodes to each other: a
 * joining executor to every known node and every node to it, a connecting caller to every executor, a
 * discovered scheduler to every executor and host cache, so results go straight from executor to caller.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread, except {@link #liveExecutorCount()}.
 */
final class Membership implements MembershipListener
{
    /** Told of executors joining, heartbeating and expiring. */
    interface Listener
    {
        /**
         * @param executor that joined (first heartbeat, or a new incarnation).
         */
        void onExecutorJoined(ExecutorView executor);

        /**
         * @param executor  that heartbeated (after it is updated).
         * @param announced the functions it announced.
         */
        void onExecutorHeartbeat(ExecutorView executor, Set<String> announced);

        /**
         * @param executor that reported its free slots between heartbeats (after it is updated).
         */
        void onExecutorCapacity(ExecutorView executor);

        /**
         * @param executor no longer live (already removed).
         */
        void onExecutorExpired(ExecutorView executor);

        /**
         * @param invocationId an executor answered (possibly not one this scheduler started).
         */
        void onInvocationCompleted(long invocationId);
    }

    /** Where node endpoints are registered for sending: the transport's peer directory. */
    @FunctionalInterface
    interface Peers
    {
        /**
         * @param node     id.
         * @param endpoint where it receives.
         * @return false if the directory is full and refused a new node.
         */
        boolean register(long node, Endpoint endpoint);

        /**
         * @param node id.
         * @return true if the directory still knows the node (a full one forgets the oldest without a link).
         */
        default boolean knows(final long node)
        {
            return true;
        }

        /**
         * @param node connecting.
         * @return true if its {@code Connect} may be answered now (the directory rates those of unlinked peers).
         */
        default boolean admitConnect(final long node)
        {
            return true;
        }

        /**
         * @param node     claimed by a {@code Connect}.
         * @param endpoint where it says it receives.
         * @return false if the directory refuses the claim (a kept peer, or one linked and connected elsewhere).
         */
        default boolean registerConnecting(final long node, final Endpoint endpoint)
        {
            return register(node, endpoint);
        }

        /**
         * @param node a node of the deployment (an executor, a host cache): never forgotten to make room, and never
         *             moved by a {@code Connect} claiming its id.
         */
        default void keep(final long node)
        {
        }

        /**
         * @param node a node that left: no longer kept.
         */
        default void release(final long node)
        {
        }
    }

    /** Fewest endpoints remembered before those the directory forgot are pruned. */
    private static final int MIN_PRUNE_SIZE = 64;

    private final Long2ObjectHashMap<ExecutorView> executors = new Long2ObjectHashMap<>();
    private final List<ExecutorView> liveExecutors = new ArrayList<>();
    private final List<ExecutorView> liveView = Collections.unmodifiableList(liveExecutors);
    private final Long2ObjectHashMap<String> endpoints = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<String> cacheEndpoints = new Long2ObjectHashMap<>();
    private final long executorTimeoutNs;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final Peers peers;
    private final ExecutorMessages messages;
    private final ClientReplies replies;
    private final CacheLocality locality;
    private final ErrorHandler errorHandler;
    private final SchedulerCounters counters;
    private Listener listener;
    private SchedulerDiscovery discovery;
    private long nextExpiryCheckNs;
    private int pruneAtSize = MIN_PRUNE_SIZE;
    private long lastDutyCycleNs;
    private volatile int liveExecutorCount;

    Membership(
        final long executorTimeoutNs, final NanoClock clock, final EpochNanoClock epochClock, final Peers peers,
        final ExecutorMessages messages, final ClientReplies replies, final CacheLocality locality,
        final ErrorHandler errorHandler, final SchedulerCounters counters)
    {
        this.executorTimeoutNs = executorTimeoutNs;
        this.clock = clock;
        this.epochClock = epochClock;
        this.peers = peers;
        this.messages = messages;
        this.replies = replies;
        this.locality = locality;
        this.errorHandler = errorHandler;
        this.counters = counters;
    }

    /**
     * @param listener told of executors joining, heartbeating and expiring.
     * @param discovery of other schedulers, or null without a KVS.
     */
    void wire(final Listener listener, final SchedulerDiscovery discovery)
    {
        this.listener = listener;
        this.discovery = discovery;
    }

    /**
     * @return live executors, in the order they joined (read-only).
     */
    List<ExecutorView> liveExecutors()
    {
        return liveView;
    }

    /**
     * @param node id.
     * @return the live executor, or null.
     */
    ExecutorView executor(final long node)
    {
        return executors.get(node);
    }

    /**
     * @return executors heard from within the timeout (readable from any thread).
     */
    int liveExecutorCount()
    {
        return liveExecutorCount;
    }

    /**
     * Expires executors silent for longer than the timeout, a few times per timeout; called every duty cycle, so
     * it also sees when its own thread stalled.
     *
     * @param nowNs now.
     * @return executors expired.
     */
    int doWork(final long nowNs)
    {
        if (0 != lastDutyCycleNs && nowNs - lastDutyCycleNs > executorTimeoutNs / 4)
        {
            // This thread stalled (a busy machine, a GC pause, an invoker nobody drove). Executors that share it
            // stalled with it and have not had their turn to heartbeat yet: look for silent ones once they have,
            // rather than take a stall they shared for their death. One in another thread or process that died
            // meanwhile is found a quarter of a timeout later.
            nextExpiryCheckNs = nowNs + executorTimeoutNs / 4;
        }
        lastDutyCycleNs = nowNs;
        if (nowNs - nextExpiryCheckNs < 0)
        {
            return 0;
        }
        nextExpiryCheckNs = nowNs + executorTimeoutNs / 4;
        int expired = 0;
        for (int i = liveExecutors.size() - 1; i >= 0; i--)
        {
            final ExecutorView executor = liveExecutors.get(i);
            if (nowNs - executor.lastHeartbeatNs() > executorTimeoutNs)
            {
                // No work is placed on an executor that stopped heartbeating; it rejoins on its next heartbeat.
                expire(executor);
                expired++;
            }
        }
        return expired;
    }

    /**
     * {@inheritDoc}
     */
    public void onInvocationCompleted(final long executor, final long invocationId)
    {
        if (null != listener)
        {
            listener.onInvocationCompleted(invocationId);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onHeartbeat(
        final long node, final short roles, final int queueDepth, final int workers, final int freeSlots,
        final long startedAt, final Set<String> functions, final Set<String> inline,
        final DirectBuffer endpointBuffer, final int endpointOffset, final int endpointLength,
        final DirectBuffer summary, final int summaryOffset, final int summaryLength)
    {
        if ((roles & Role.EXECUTOR.value()) == 0)
        {
            if ((roles & Role.CACHE.value()) != 0)
            {
                onCacheHeartbeat(node, endpointBuffer.getStringWithoutLengthUtf8(endpointOffset, endpointLength),
                    summary, summaryOffset, summaryLength);
            }
            return;
        }
        ExecutorView executor = executors.get(node);
        if (null != executor && executor.startedAt() != startedAt)
        {
            // Restarted before it was missed: what the old incarnation had is lost; treat it as gone and new.
            expire(executor);
            executor = null;
        }
        if (null == executor)
        {
            final String endpoint = endpointBuffer.getStringWithoutLengthUtf8(endpointOffset, endpointLength);
            if (!register(node, endpoint, false))
            {
                return;
            }
            executor = new ExecutorView(node, Endpoint.parse(endpoint).host(), startedAt);
            join(executor, endpoint);
        }
        executor.onHeartbeat(clock.nanoTime(), functions, inline, queueDepth, workers, freeSlots);
        listener.onExecutorHeartbeat(executor, functions);
    }

    /**
     * {@inheritDoc}
     */
    public void onCapacity(final long node, final long startedAt, final int workers, final int freeSlots)
    {
        final ExecutorView executor = executors.get(node);
        // A report of an executor not (or no longer) live, or of an earlier incarnation, says nothing of this one.
        if (null != executor && executor.startedAt() == startedAt)
        {
            executor.onCapacity(workers, freeSlots);
            listener.onExecutorCapacity(executor);
        }
    }

    /**
     * A caller connects: it is answered, and introduced to every live executor.
     */
    void onConnect(
        final long correlationId, final long client, final long sessionToken,
        final DirectBuffer endpointBuffer, final int endpointOffset, final int endpointLength)
    {
        if (!peers.admitConnect(client))
        {
            return; // Counted by the directory; the client tries again.
        }
        final String endpoint = endpointBuffer.getStringWithoutLengthUtf8(endpointOffset, endpointLength);
        if (!register(client, endpoint, true))
        {
            return;
        }
        // A secured node answers an authenticated client with its session token (0 otherwise: the client id).
        replies.connected(client, correlationId, 0 != sessionToken ? sessionToken : client, executorTimeoutNs);
        final long now = epochClock.nanoTime();
        for (int i = 0; i < liveExecutors.size(); i++)
        {
            messages.introduce(liveExecutors.get(i).nodeId(), client, endpoint, "", now);
        }
    }

    /**
     * Another scheduler was found: every executor and host cache of this one learns of it and
     * heartbeats to it too.
     *
     * @param scheduler node id.
     * @param endpoint  where it receives.
     */
    void onSchedulerDiscovered(final long scheduler, final String endpoint)
    {
        final long now = epochClock.nanoTime();
        for (int i = 0; i < liveExecutors.size(); i++)
        {
            messages.introduce(liveExecutors.get(i).nodeId(), scheduler, endpoint, SchedulerDiscovery.SCHEDULER_IDENTITY, now);
        }
        cacheEndpoints.forEachLong((cache, cacheEndpoint) ->
            messages.introduce(cache, scheduler, endpoint, SchedulerDiscovery.SCHEDULER_IDENTITY, now));
    }

    private void onCacheHeartbeat(
        final long node, final String endpoint, final DirectBuffer summary, final int summaryOffset, final int summaryLength)
    {
        // A host cache announcing what it holds: remembered by host, for locality-aware placement.
        try
        {
            locality.onCacheSummary(Endpoint.parse(endpoint).host(), summary, summaryOffset, summaryLength);
        }
        catch (final IllegalArgumentException ex)
        {
            errorHandler.onError(ex);
            return;
        }
        if (null != discovery && !endpoint.equals(cacheEndpoints.get(node)) && register(node, endpoint, false))
        {
            // A new host cache: it should announce to every scheduler, not only the ones it was given.
            cacheEndpoints.put(node, endpoint);
            peers.keep(node);
            final long now = epochClock.nanoTime();
            discovery.forEach((scheduler, schedulerEndpoint) ->
                messages.introduce(node, scheduler, schedulerEndpoint, SchedulerDiscovery.SCHEDULER_IDENTITY, now));
        }
    }

    private void join(final ExecutorView executor, final String endpoint)
    {
        final long node = executor.nodeId();
        peers.keep(node);
        executors.put(node, executor);
        liveExecutors.add(executor);
        liveCountChanged();
        final long now = epochClock.nanoTime();
        // The newcomer must reach every caller and executor; they must reach it.
        endpoints.forEachLong((other, otherEndpoint) ->
        {
            if (other != node)
            {
                messages.introduce(node, other, otherEndpoint, "", now);
            }
        });
        for (int i = 0; i < liveExecutors.size(); i++)
        {
            final long other = liveExecutors.get(i).nodeId();
            if (other != node)
            {
                messages.introduce(other, node, endpoint, "", now);
            }
        }
        if (null != discovery)
        {
            // ... and heartbeat to every scheduler of the deployment, not only the ones it was given.
            discovery.forEach((scheduler, schedulerEndpoint) ->
                messages.introduce(node, scheduler, schedulerEndpoint, SchedulerDiscovery.SCHEDULER_IDENTITY, now));
        }
        listener.onExecutorJoined(executor);
    }

    private void expire(final ExecutorView executor)
    {
        peers.release(executor.nodeId());
        liveExecutors.remove(executor);
        executors.remove(executor.nodeId());
        liveCountChanged();
        counters.executorsExpired.incrementRelease();
        listener.onExecutorExpired(executor);
    }

    private void liveCountChanged()
    {
        liveExecutorCount = liveExecutors.size();
        counters.liveExecutors.setRelease(liveExecutorCount);
    }

    private boolean register(final long node, final String endpoint, final boolean connecting)
    {
        try
        {
            final Endpoint parsed = Endpoint.parse(endpoint);
            if (connecting ? !peers.registerConnecting(node, parsed) : !peers.register(node, parsed))
            {
                return false;
            }
            endpoints.put(node, endpoint);
            if (endpoints.size() >= pruneAtSize)
            {
                // The directory forgets peers to stay bounded (see PeerLimits): forget them here too, amortised.
                endpoints.keySet().removeIfLong(other -> !peers.knows(other));
                pruneAtSize = Math.max(MIN_PRUNE_SIZE, 2 * endpoints.size());
            }
            return true;
        }
        catch (final IllegalArgumentException ex)
        {
            errorHandler.onError(Endpoint.MALFORMED);
            return false;
        }
    }
}
