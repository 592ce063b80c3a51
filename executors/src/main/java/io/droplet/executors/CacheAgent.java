package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.client.StoreClient;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.store.client.StoreClientListener;
import io.droplet.store.ring.KeySummary;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.Introductions;
import io.droplet.transport.NodeChannels;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import io.droplet.transport.CounterDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The host cache's single writer. Executors read the {@link HostCache} directly; on a miss they ask
 * this agent, which fetches the key from its primary storage node, stores it, answers every executor
 * waiting for it, and subscribes to the key so later merges reach the cache as they happen. A duty
 * cycle over its {@link CacheAdapter} (what executors and schedulers send) and its storage client,
 * handing misses to {@link KeyFetches} and writes to {@link CacheWrites}, which answer through the
 * {@link CachePublisher}.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class CacheAgent implements Agent, CacheListener, StoreClientListener
{
    private final NodeChannels channels;
    private final StoreClient storage;
    private final HostCache cache;
    private final InboundAdapter inbound;
    private final CachePublisher publisher;
    private final KeyFetches fetches;
    private final CacheWrites writes;
    private final CacheAdmission admission;
    private final AtomicCounter valuesRejected;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final long heartbeatPeriodNs;
    private final int fragmentLimit;
    private final byte[] summary = new byte[KeySummary.BYTES];
    private long[] schedulerNodes = new long[0];
    private byte[] endpointBytes = new byte[0];
    private long nextHeartbeatNs;

    /**
     * @param channels          of the cache agent, where executors send their misses; opened here.
     * @param storageChannels   of the agent's client of the storage nodes; opened here.
     * @param storageNodes      of the ring, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring.
     * @param cache             the host cache this agent writes.
     */
    public CacheAgent(
        final NodeChannels channels,
        final NodeChannels storageChannels,
        final Long2ObjectHashMap<Endpoint> storageNodes,
        final int replicationFactor,
        final int virtualNodes,
        final HostCache cache)
    {
        this(new CacheContext()
            .channels(channels, storageChannels)
            .storage(storageNodes, replicationFactor, virtualNodes)
            .cache(cache));
    }

    /**
     * @param context parts and settings, concluded here; the agent opens its channels.
     */
    public CacheAgent(final CacheContext context)
    {
        context.conclude();
        this.channels = context.channels();
        this.cache = context.cache();
        this.clock = context.nanoClock();
        this.epochClock = context.epochClock();
        this.heartbeatPeriodNs = context.heartbeatPeriodNs();
        this.fragmentLimit = context.fragmentLimit();
        this.storage = new StoreClient(
            context.storageChannels(), context.storageNodes(), context.replicationFactor(), context.virtualNodes(), this,
            clock, epochClock, ReplicaFailover.DEFAULT_SUSPECT_NS);
        // Introduce the agent's storage client to every storage node; requests follow on the same streams.
        final long storageTimeoutNs = context.storageTimeoutNs();
        context.storageNodes().forEach((node, endpoint) -> storage.connect(node, clock.nanoTime() + storageTimeoutNs));
        final int maxMessage = channels.transport().context().maxMessageLength();
        final ErrorReplier errorReplier = new ErrorReplier(channels);
        this.publisher = new CachePublisher(context, errorReplier);
        final StorageLink link = new StorageLink(storage, clock, storageTimeoutNs);
        this.valuesRejected = CounterDescriptor.CACHE_VALUES_REJECTED.allocate(
            channels.transport().aeron()::addCounter, "cache-" + channels.nodeId());
        this.admission = new CacheAdmission(cache, valuesRejected, maxMessage);
        this.fetches = new KeyFetches(cache, admission, link, publisher, summary, maxMessage);
        this.writes = new CacheWrites(cache, link, publisher, summary, maxMessage, context.mergeBufferLength());
        this.nextHeartbeatNs = clock.nanoTime();
        this.inbound = channels.open(new CacheAdapter(this, errorReplier));
    }

    /**
     * Makes the agent announce the keys it holds to a scheduler, for locality-aware placement; call once
     * per scheduler of the deployment.
     *
     * @param scheduler         node id of the scheduler.
     * @param schedulerEndpoint where it receives.
     * @return this agent.
     */
    public CacheAgent announceTo(final long scheduler, final Endpoint schedulerEndpoint)
    {
        schedulerNodes = Arrays.copyOf(schedulerNodes, schedulerNodes.length + 1);
        schedulerNodes[schedulerNodes.length - 1] = scheduler;
        channels.peers().keep(scheduler);
        channels.peers().register(scheduler, schedulerEndpoint);
        endpointBytes = channels.self().toString().getBytes(StandardCharsets.US_ASCII);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = inbound.poll(fragmentLimit) + storage.doWork();
        final long now = clock.nanoTime();
        if (schedulerNodes.length > 0 && now - nextHeartbeatNs >= 0)
        {
            nextHeartbeatNs = now + heartbeatPeriodNs;
            work += publisher.announce(schedulerNodes, schedulerNodes.length, endpointBytes, epochClock.nanoTime(),
                fetches.waiting(), fetches.fetching(), summary);
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-cache";
    }

    /**
     * A scheduler introduced another scheduler of the deployment: announce to it as well.
     */
    public void onIntroduction(final long node, final String identity, final String replyEndpoint)
    {
        if (!Introductions.SCHEDULER_IDENTITY.equals(identity))
        {
            return;
        }
        for (final long scheduler : schedulerNodes)
        {
            if (scheduler == node)
            {
                return;
            }
        }
        try
        {
            announceTo(node, Endpoint.parse(replyEndpoint));
        }
        catch (final IllegalArgumentException ex)
        {
            channels.transport().errorHandler().onError(Endpoint.MALFORMED);
        }
    }

    /**
     * An executor's miss: answer from the cache if it filled meanwhile, else fetch once for all waiters.
     */
    public void onGet(final long correlationId, final long executor, final DirectBuffer buffer, final int keyOffset, final int keyLength)
    {
        fetches.onMiss(executor, correlationId, buffer, keyOffset, keyLength);
    }

    /**
     * An executor of this host heartbeats here too: the first one tells the agent where to answer it.
     */
    public void onExecutorHeartbeat(final long node, final DirectBuffer buffer, final int endpointOffset, final int endpointLength)
    {
        if (null != channels.peers().publisher(node))
        {
            return;
        }
        try
        {
            channels.peers().register(node, Endpoint.parse(buffer.getStringWithoutLengthAscii(endpointOffset, endpointLength)));
        }
        catch (final IllegalArgumentException ex)
        {
            channels.transport().errorHandler().onError(Endpoint.MALFORMED);
        }
    }

    /**
     * A function's put: the host cache sees it at once (merged into what it holds), the key's primary
     * replica gets it as an ordinary put, and the cache follows the key from then on.
     */
    public void onPut(
        final long executorPut, final long executor, final DirectBuffer buffer, final int keyOffset, final int keyLength,
        final int valueOffset, final int valueLength)
    {
        writes.onPut(executorPut, executor, buffer, keyOffset, keyLength, valueOffset, valueLength);
    }

    /**
     * The storage node's answer to a fetch: cache it, answer the waiters, follow the key's updates.
     * {@inheritDoc}
     */
    public void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        fetches.onFetched(correlationId, found, buffer, valueOffset, valueLength);
    }

    /**
     * A subscribed key changed at its storage node: the cache follows, if it holds the key and the value is a valid
     * lattice of the key's type (else it is counted and dropped, see {@link CacheAdmission#update}).
     * {@inheritDoc}
     */
    public void onKeyUpdate(
        final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength,
        final int valueOffset, final int valueLength)
    {
        admission.update(buffer, keyOffset, keyLength, buffer, valueOffset, valueLength);
    }

    /**
     * @return values the host cache refused to store: not a valid lattice, or not of the key's cached type.
     */
    public long valuesRejected()
    {
        return valuesRejected.get();
    }

    /**
     * Frees the agent's counter.
     */
    public void onClose()
    {
        valuesRejected.close();
    }

    /**
     * {@inheritDoc}
     */
    public void onPutAcknowledged(final long correlationId)
    {
        writes.onAcknowledged(correlationId);
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final long correlationId, final ErrorCode code)
    {
        if (!writes.onFailed(correlationId, code))
        {
            fetches.onFetchFailed(correlationId, code);
        }
    }
}
