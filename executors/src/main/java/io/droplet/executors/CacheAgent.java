package io.droplet.executors;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.HeartbeatDecoder;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.KvsGetDecoder;
import io.droplet.codecs.sbe.KvsPutDecoder;
import io.droplet.codecs.sbe.KvsPutResponseEncoder;
import io.droplet.codecs.sbe.KvsGetResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.store.lattice.LatticeMerger;
import io.droplet.store.node.StoreClient;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import io.droplet.store.node.StoreClientListener;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The host cache's single writer. Executors read the {@link HostCache} directly; on a miss they ask
 * this agent, which fetches the key from its primary storage node, stores it, answers every executor
 * waiting for it, and subscribes to the key so later merges reach the cache as they happen.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class CacheAgent implements Agent, FrameHandler, StoreClientListener
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final long STORAGE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long HEARTBEAT_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int ROLE_CACHE = 2;

    /** An executor waiting for a key. */
    private record Waiter(long executor, long correlationId)
    {
    }

    private final NodeChannels channels;
    private final StoreClient storage;
    private final HostCache cache;
    private final InboundAdapter inbound;
    private final ErrorReplier errorReplier;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final KvsGetDecoder getDecoder = new KvsGetDecoder();
    private final KvsGetResponseEncoder responseEncoder = new KvsGetResponseEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final KvsPutDecoder putDecoder = new KvsPutDecoder();
    private final LatticeMerger merger = new LatticeMerger();
    private final UnsafeBuffer merged = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private final UnsafeBuffer value;
    private final UnsafeBuffer message;
    private final Map<String, List<Waiter>> waitersByKey = new HashMap<>();
    private final Long2ObjectHashMap<String> keyByFetch = new Long2ObjectHashMap<>();
    private final Set<String> subscribed = new HashSet<>();
    private final byte[] summary = new byte[KeySummary.BYTES];
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();
    private final KvsPutResponseEncoder putResponseEncoder = new KvsPutResponseEncoder();
    private final long startedAt = System.currentTimeMillis() * 1_000_000L;
    private final Long2ObjectHashMap<long[]> putWaiters = new Long2ObjectHashMap<>();
    private long[] schedulerNodes = new long[0];
    private final io.droplet.codecs.sbe.ConnectDecoder connectDecoder = new io.droplet.codecs.sbe.ConnectDecoder();
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
        this.channels = channels;
        this.cache = cache;
        this.storage = new StoreClient(storageChannels, storageNodes, replicationFactor, virtualNodes, this);
        // Introduce the agent's storage client to every storage node; requests follow on the same streams.
        storageNodes.forEach((node, endpoint) -> storage.connect(node, System.nanoTime() + STORAGE_TIMEOUT_NS));
        final int maxMessage = channels.transport().context().maxMessageLength();
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.errorReplier = new ErrorReplier(channels);
        this.inbound = channels.open(this);
    }

    /**
     * A scheduler introduced another scheduler of the deployment: announce to it as well.
     */
    private void onIntroduction(final DirectBuffer buffer, final int offset)
    {
        connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long node = connectDecoder.clientNode();
        connectDecoder.skipNamespaceName();
        if (!io.droplet.transport.Introductions.SCHEDULER_IDENTITY.equals(connectDecoder.identity()))
        {
            return;
        }
        final String endpoint = connectDecoder.replyEndpoint();
        for (final long scheduler : schedulerNodes)
        {
            if (scheduler == node)
            {
                return;
            }
        }
        try
        {
            announceTo(node, Endpoint.parse(endpoint));
        }
        catch (final IllegalArgumentException ex)
        {
            channels.transport().errorHandler().onError(ex);
        }
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
        schedulerNodes = java.util.Arrays.copyOf(schedulerNodes, schedulerNodes.length + 1);
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
        int work = inbound.poll(FRAGMENT_LIMIT) + storage.doWork();
        final long now = System.nanoTime();
        if (schedulerNodes.length > 0 && now - nextHeartbeatNs >= 0)
        {
            nextHeartbeatNs = now + HEARTBEAT_PERIOD_NS;
            work += announce();
        }
        return work;
    }

    private int announce()
    {
        heartbeatEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .node(channels.nodeId())
            .timestamp(System.currentTimeMillis() * 1_000_000L)
            .roles((short)ROLE_CACHE)
            .utilisationPerMille(0)
            .queueDepth(waitersByKey.size())
            .inFlight(keyByFetch.size())
            .startedAt(startedAt)
            .functionsCount(0);
        heartbeatEncoder.putEndpoint(endpointBytes, 0, endpointBytes.length).putCachedKeySummary(summary, 0, summary.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength();
        int sent = 0;
        for (final long scheduler : schedulerNodes)
        {
            final MessagePublisher publisher = channels.peers().publisher(scheduler);
            sent += null != publisher && publisher.offer(message, 0, length, System.nanoTime()) ==
                io.droplet.transport.SendStatus.OK ? 1 : 0;
        }
        return sent;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-cache";
    }

    /**
     * An executor's miss: answer from the cache if it filled meanwhile, else fetch once for all waiters.
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (templateId == KvsPutDecoder.TEMPLATE_ID)
        {
            onPut(buffer, offset);
            return;
        }
        if (templateId == HeartbeatDecoder.TEMPLATE_ID)
        {
            onExecutorHeartbeat(buffer, offset);
            return;
        }
        if (templateId == io.droplet.codecs.sbe.ConnectDecoder.TEMPLATE_ID)
        {
            onIntroduction(buffer, offset);
            return;
        }
        if (templateId != KvsGetDecoder.TEMPLATE_ID)
        {
            return;
        }
        getDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = getDecoder.correlationId();
        final long executor = getDecoder.replyTo();
        getDecoder.wrapKey(keyView);
        final int found = cache.get(keyView, 0, keyView.capacity(), value, 0);
        if (found >= 0)
        {
            answer(executor, correlationId, keyView, found);
            return;
        }
        final String key = new String(keyBytes(), StandardCharsets.ISO_8859_1);
        final List<Waiter> waiters = waitersByKey.computeIfAbsent(key, k -> new ArrayList<>());
        waiters.add(new Waiter(executor, correlationId));
        if (waiters.size() == 1)
        {
            final long fetch = storage.get(keyView, 0, keyView.capacity(), System.nanoTime() + STORAGE_TIMEOUT_NS);
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
    private void onExecutorHeartbeat(final DirectBuffer buffer, final int offset)
    {
        heartbeatDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long node = heartbeatDecoder.node();
        if (null != channels.peers().publisher(node))
        {
            return;
        }
        for (final HeartbeatDecoder.FunctionsDecoder ignored : heartbeatDecoder.functions())
        {
            // Skipped: the cache needs only the endpoint, which follows the group.
        }
        try
        {
            channels.peers().register(node, Endpoint.parse(heartbeatDecoder.endpoint()));
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
    private void onPut(final DirectBuffer buffer, final int offset)
    {
        putDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        putDecoder.wrapKey(keyView);
        putDecoder.wrapValue(valueView);
        final byte[] keyBytes = keyBytes();
        final int cachedLength = cache.get(keyView, 0, keyView.capacity(), value, 0);
        final int mergedLength = cachedLength >= 0 ?
            merger.merge(value, 0, cachedLength, valueView, 0, valueView.capacity(), merged, 0, merged.capacity()) :
            merger.merge(valueView, 0, valueView.capacity(), valueView, 0, valueView.capacity(), merged, 0, merged.capacity());
        if (mergedLength >= 0)
        {
            cache.put(keyView, 0, keyView.capacity(), merged, 0, mergedLength);
            KeySummary.add(summary, HashRing.hash(keyView, 0, keyView.capacity()));
        }
        final long storagePut = storage.put(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity(), AckLevel.ONE,
            System.nanoTime() + STORAGE_TIMEOUT_NS);
        final long executorPut = putDecoder.correlationId();
        final long executor = putDecoder.replyTo();
        if (executorPut != 0 && executor != 0)
        {
            // The executor holds its stage's output until the primary replica has the write.
            if (mergedLength < 0)
            {
                answerPut(executor, executorPut, ErrorCode.INVALID_ARGUMENT);
            }
            else if (storagePut < 0)
            {
                answerPut(executor, executorPut, ErrorCode.NOT_CONNECTED);
            }
            else
            {
                putWaiters.put(storagePut, new long[]{ executor, executorPut });
            }
        }
        final String key = new String(keyBytes, StandardCharsets.ISO_8859_1);
        if (subscribed.add(key))
        {
            storage.subscribe(storage.primaryOf(keyView, 0, keyView.capacity()), List.of(keyBytes),
                System.nanoTime() + STORAGE_TIMEOUT_NS);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        errorReplier.replyToRejected(rejection, buffer, offset, length);
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
            storage.subscribe(primary, List.of(keyBytes), System.nanoTime() + STORAGE_TIMEOUT_NS);
        }
        final List<Waiter> waiters = waitersByKey.remove(key);
        if (null != waiters)
        {
            for (final Waiter waiter : waiters)
            {
                answer(waiter.executor(), waiter.correlationId(), keyBuffer, found ? valueLength : -1);
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
            answerPut(waiter[0], waiter[1], ErrorCode.NONE);
        }
    }

    private void answerPut(final long executor, final long correlationId, final ErrorCode code)
    {
        putResponseEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId).code(code);
        final MessagePublisher publisher = channels.peers().publisher(executor);
        if (null != publisher)
        {
            publisher.offer(message, 0, MessageHeaderEncoder.ENCODED_LENGTH + KvsPutResponseEncoder.BLOCK_LENGTH, System.nanoTime());
        }
    }

    public void onError(final long correlationId, final ErrorCode code)
    {
        final long[] putWaiter = putWaiters.remove(correlationId);
        if (null != putWaiter)
        {
            answerPut(putWaiter[0], putWaiter[1], code);
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
                errorReplier.reply(waiter.executor(), waiter.correlationId(), code, "cache could not fetch a referenced key");
            }
        }
    }

    /**
     * Answers an executor; the value (when found) is in {@code value}.
     */
    private void answer(final long executor, final long correlationId, final DirectBuffer key, final int valueLength)
    {
        responseEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .code(valueLength >= 0 ? ErrorCode.NONE : ErrorCode.KEY_NOT_FOUND);
        responseEncoder.entriesCount(1).next()
            .found(valueLength >= 0 ? BooleanType.TRUE : BooleanType.FALSE)
            .putKey(key, 0, key.capacity())
            .putValue(value, 0, Math.max(0, valueLength));
        final MessagePublisher publisher = channels.peers().publisher(executor);
        if (null != publisher)
        {
            publisher.offer(message, 0, MessageHeaderEncoder.ENCODED_LENGTH + responseEncoder.encodedLength(),
                System.nanoTime() + channels.transport().context().sendTimeoutNs());
        }
    }

    private byte[] keyBytes()
    {
        final byte[] bytes = new byte[keyView.capacity()];
        keyView.getBytes(0, bytes);
        return bytes;
    }
}
