package io.droplet.executors;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.lattice.LatticeMerger;
import io.droplet.store.node.StoreClient;
import io.droplet.store.node.StoreClientListener;
import io.droplet.store.ring.HashRing;
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
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host cache's single writer. Executors read the {@link HostCache} directly; on a miss they ask
 * this agent, which fetches the key from its primary storage node, stores it, answers every executor
 * waiting for it, and subscribes to the key so later merges reach the cache as they happen. A duty
 * cycle over its {@link CacheAdapter} (what executors and schedulers send), its storage client, and its
 * {@link CachePublisher}.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class CacheAgent implements Agent, CacheListener, StoreClientListener
{
    /** An executor waiting for a key. */
    private record Waiter(long executor, long correlationId)
    {
    }

    private final NodeChannels channels;
    private final StoreClient storage;
    private final HostCache cache;
    private final InboundAdapter inbound;
    private final CachePublisher publisher;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final long storageTimeoutNs;
    private final long heartbeatPeriodNs;
    private final int fragmentLimit;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final LatticeMerger merger = new LatticeMerger();
    private final UnsafeBuffer merged;
    private final UnsafeBuffer value;
    private final Map<String, List<Waiter>> waitersByKey = new HashMap<>();
    private final Long2ObjectHashMap<String> keyByFetch = new Long2ObjectHashMap<>();
    private final Set<String> subscribed = new HashSet<>();
    private final byte[] summary = new byte[KeySummary.BYTES];
    private final Long2ObjectHashMap<long[]> putWaiters = new Long2ObjectHashMap<>();
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
        this.storageTimeoutNs = context.storageTimeoutNs();
        this.heartbeatPeriodNs = context.heartbeatPeriodNs();
        this.fragmentLimit = context.fragmentLimit();
        this.storage = new StoreClient(
            context.storageChannels(), context.storageNodes(), context.replicationFactor(), context.virtualNodes(), this);
        // Introduce the agent's storage client to every storage node; requests follow on the same streams.
        context.storageNodes().forEach((node, endpoint) -> storage.connect(node, clock.nanoTime() + storageTimeoutNs));
        final int maxMessage = channels.transport().context().maxMessageLength();
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.merged = new UnsafeBuffer(ByteBuffer.allocateDirect(context.mergeBufferLength()));
        final ErrorReplier errorReplier = new ErrorReplier(channels);
        this.publisher = new CachePublisher(context, errorReplier);
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
                waitersByKey.size(), keyByFetch.size(), summary);
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
            channels.transport().errorHandler().onError(ex);
        }
    }

    /**
     * An executor's miss: answer from the cache if it filled meanwhile, else fetch once for all waiters.
     */
    public void onGet(final long correlationId, final long executor, final DirectBuffer buffer, final int keyOffset, final int keyLength)
    {
        keyView.wrap(buffer, keyOffset, keyLength);
        final int found = cache.get(keyView, 0, keyLength, value, 0);
        if (found >= 0)
        {
            publisher.answerGet(executor, correlationId, keyView, 0, keyLength, value, found);
            return;
        }
        final String key = new String(keyBytes(), StandardCharsets.ISO_8859_1);
        final List<Waiter> waiters = waitersByKey.computeIfAbsent(key, k -> new ArrayList<>());
        waiters.add(new Waiter(executor, correlationId));
        if (waiters.size() == 1)
        {
            final long fetch = storage.get(keyView, 0, keyLength, clock.nanoTime() + storageTimeoutNs);
            if (fetch < 0)
            {
                failWaiters(key, ErrorCode.NOT_CONNECTED);
                return;
            }
            keyByFetch.put(fetch, key);
        }
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
            channels.transport().errorHandler().onError(ex);
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
        keyView.wrap(buffer, keyOffset, keyLength);
        valueView.wrap(buffer, valueOffset, valueLength);
        final byte[] keyBytes = keyBytes();
        final int cachedLength = cache.get(keyView, 0, keyLength, value, 0);
        final int mergedLength = cachedLength >= 0 ?
            merger.merge(value, 0, cachedLength, valueView, 0, valueLength, merged, 0, merged.capacity()) :
            merger.merge(valueView, 0, valueLength, valueView, 0, valueLength, merged, 0, merged.capacity());
        if (mergedLength >= 0)
        {
            cache.put(keyView, 0, keyLength, merged, 0, mergedLength);
            KeySummary.add(summary, HashRing.hash(keyView, 0, keyLength));
        }
        final long storagePut = storage.put(keyView, 0, keyLength, valueView, 0, valueLength, AckLevel.ONE,
            clock.nanoTime() + storageTimeoutNs);
        if (executorPut != 0 && executor != 0)
        {
            // The executor holds its stage's output until the primary replica has the write.
            if (mergedLength < 0)
            {
                publisher.answerPut(executor, executorPut, ErrorCode.INVALID_ARGUMENT);
            }
            else if (storagePut < 0)
            {
                publisher.answerPut(executor, executorPut, ErrorCode.NOT_CONNECTED);
            }
            else
            {
                putWaiters.put(storagePut, new long[]{ executor, executorPut });
            }
        }
        final String key = new String(keyBytes, StandardCharsets.ISO_8859_1);
        if (subscribed.add(key))
        {
            storage.subscribe(storage.primaryOf(keyView, 0, keyLength), List.of(keyBytes), clock.nanoTime() + storageTimeoutNs);
        }
    }

    /**
     * The storage node's answer to a fetch: cache it, answer the waiters, follow the key's updates.
     * {@inheritDoc}
     */
    public void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        final String key = keyByFetch.remove(correlationId);
        if (null == key)
        {
            return;
        }
        final byte[] keyBytes = key.getBytes(StandardCharsets.ISO_8859_1);
        final UnsafeBuffer keyBuffer = new UnsafeBuffer(keyBytes);
        if (found)
        {
            cache.put(keyBuffer, 0, keyBytes.length, buffer, valueOffset, valueLength);
            KeySummary.add(summary, HashRing.hash(keyBuffer, 0, keyBytes.length));
            value.putBytes(0, buffer, valueOffset, valueLength);
        }
        if (subscribed.add(key))
        {
            final long primary = storage.primaryOf(keyBuffer, 0, keyBytes.length);
            storage.subscribe(primary, List.of(keyBytes), clock.nanoTime() + storageTimeoutNs);
        }
        final List<Waiter> waiters = waitersByKey.remove(key);
        if (null != waiters)
        {
            for (final Waiter waiter : waiters)
            {
                publisher.answerGet(
                    waiter.executor(), waiter.correlationId(), keyBuffer, 0, keyBytes.length, value, found ? valueLength : -1);
            }
        }
    }

    /**
     * A subscribed key changed at its storage node: the cache follows.
     * {@inheritDoc}
     */
    public void onKeyUpdate(
        final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength,
        final int valueOffset, final int valueLength)
    {
        cache.put(buffer, keyOffset, keyLength, buffer, valueOffset, valueLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onPutAcknowledged(final long correlationId)
    {
        final long[] waiter = putWaiters.remove(correlationId);
        if (null != waiter)
        {
            publisher.answerPut(waiter[0], waiter[1], ErrorCode.NONE);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final long correlationId, final ErrorCode code)
    {
        final long[] putWaiter = putWaiters.remove(correlationId);
        if (null != putWaiter)
        {
            publisher.answerPut(putWaiter[0], putWaiter[1], code);
            return;
        }
        final String key = keyByFetch.remove(correlationId);
        if (null != key)
        {
            failWaiters(key, code);
        }
    }

    private void failWaiters(final String key, final ErrorCode code)
    {
        final List<Waiter> waiters = waitersByKey.remove(key);
        if (null != waiters)
        {
            for (final Waiter waiter : waiters)
            {
                publisher.error(waiter.executor(), waiter.correlationId(), code, "cache could not fetch a referenced key");
            }
        }
    }

    private byte[] keyBytes()
    {
        final byte[] bytes = new byte[keyView.capacity()];
        keyView.getBytes(0, bytes);
        return bytes;
    }
}
