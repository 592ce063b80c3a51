package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.SendStatus;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The activations of keyed functions on this executor, by state key ({@code function@key}), and the order their
 * calls run in. A call to a key that has a call on the pool, or whose state is still loading, waits in the key's
 * queue and is handed to the pool when the key is free ({@link #admit}, {@link #next}), so calls to one key run
 * one at a time in the order they arrived here, while calls to other keys run in parallel on the other workers.
 * A waiting call holds a claimed run, so the pool's bound (workers plus queue) bounds waiting calls too.
 * <p>
 * Loading: a new activation starts from the state stored under its state key, read from the host cache; on a
 * miss the cache agent is asked to fetch it (a {@code KvsGet} whose correlation id this class {@link #owns}) and
 * the key's calls wait until it answers: the key's value then, or no state if storage has none. A fetch that
 * fails fails the waiting calls and forgets the activation, so the next call tries again: an activation never
 * starts empty over a state it could not read.
 * <p>
 * At most {@code capacity} activations are held: a new key's activation evicts the least recently used idle one
 * (its state is in the KVS already, so only the instance's fields are lost), and is refused if every one is busy.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class KeyedActivations
{
    /** Marks the correlation ids of state loads, apart from the reference resolver's and nested calls'. */
    static final long LOAD_BIT = 1L << 61;

    private final LinkedHashMap<String, Activation> byStateKey;
    private final Long2ObjectHashMap<Activation> loading = new Long2ObjectHashMap<>();
    private final int capacity;
    private final HostCache cache;
    private final ExecutorSends sends;
    private final UnsafeBuffer lattice;
    private final AtomicCounter held;
    private final AtomicCounter evictions;
    private long nextLoadId;

    /**
     * @param capacity         most activations held.
     * @param cache            the host cache states are read from, or null if the executor has none (every
     *                         activation starts with no state, and its writes are dropped).
     * @param sends            asks the cache agent to fetch a state on a miss.
     * @param maxMessageLength of the transport: the largest cached value read.
     * @param held             gauge of activations held.
     * @param evictions        counts activations evicted.
     */
    KeyedActivations(
        final int capacity, final HostCache cache, final ExecutorSends sends, final int maxMessageLength,
        final AtomicCounter held, final AtomicCounter evictions)
    {
        this.capacity = capacity;
        this.cache = cache;
        this.sends = sends;
        this.lattice = null == cache ? null : new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.held = held;
        this.evictions = evictions;
        // Access order: iteration starts at the least recently used, the first candidate for eviction.
        this.byStateKey = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true);
    }

    /**
     * @param correlationId of a cache answer.
     * @return true if it answers a state load.
     */
    static boolean owns(final long correlationId)
    {
        return 0 != (correlationId & LOAD_BIT) && 0 == (correlationId & NestedCalls.CORRELATION_BIT);
    }

    /**
     * Finds a key's activation, or makes it and starts loading its state.
     *
     * @param type     the function's class as installed now.
     * @param key      of the activation.
     * @param stateKey the KVS key of its state.
     * @return the activation, or null if the executor holds as many as it may and every one is busy, or its
     * state's fetch could not be sent.
     */
    Activation activate(final KeyedClass type, final String key, final String stateKey)
    {
        Activation activation = byStateKey.get(stateKey);
        if (null != activation && (activation.type == type || activation.busy))
        {
            // A class registered again takes over once the old activation is idle.
            return activation;
        }
        if (null == activation && byStateKey.size() >= capacity && !evictIdle())
        {
            return null;
        }
        activation = new Activation(type, key, stateKey);
        if (!loadFromCache(activation))
        {
            final long loadId = LOAD_BIT | ++nextLoadId;
            final int status = sends.cacheGet(loadId, activation.stateKey(), 0, activation.stateKey().capacity());
            if (status != SendStatus.OK)
            {
                return null;
            }
            // Its calls wait until the cache agent has answered.
            activation.busy = true;
            activation.loading = true;
            loading.put(loadId, activation);
        }
        byStateKey.put(stateKey, activation);
        held.setRelease(byStateKey.size());
        return activation;
    }

    /**
     * The cache agent answered a state load: the activation starts from what the cache holds now (nothing if
     * storage had no state).
     *
     * @param correlationId of the load.
     * @return the activation, whose waiting calls may go now ({@link #next}), or null if none waited for it.
     */
    Activation onLoaded(final long correlationId)
    {
        final Activation activation = loading.remove(correlationId);
        if (null != activation)
        {
            loadFromCache(activation);
            activation.loading = false;
        }
        return activation;
    }

    /**
     * A state load failed: the activation is forgotten, its waiting calls are the caller's to fail.
     *
     * @param correlationId of the load.
     * @param code          the cache's error.
     * @return the activation, or null if none waited for it.
     */
    Activation onLoadFailed(final long correlationId, final ErrorCode code)
    {
        final Activation activation = loading.remove(correlationId);
        if (null != activation)
        {
            byStateKey.remove(activation.stateKeyText(), activation);
            held.setRelease(byStateKey.size());
        }
        return activation;
    }

    /**
     * A call of the activation: run it now if the key is idle, or queue it behind the key's call on the pool (or
     * its loading state).
     *
     * @param activation of the key.
     * @param run        claimed and prepared.
     * @return true if the caller hands the run to the pool now; false if it waits in the key's queue.
     */
    boolean admit(final Activation activation, final PooledRun run)
    {
        if (activation.busy)
        {
            activation.waiting.addLast(run);
            return false;
        }
        activation.busy = true;
        return true;
    }

    /**
     * The key's call on the pool is back, or its state loaded: the next waiting call, to hand to the pool, or
     * null if none waits (the key is idle then).
     *
     * @param activation of the key.
     * @param nowNs      epoch time, its last use.
     * @return the next run of the key, or null.
     */
    PooledRun next(final Activation activation, final long nowNs)
    {
        activation.lastUsedNs = nowNs;
        final PooledRun next = activation.waiting.pollFirst();
        if (null == next)
        {
            activation.busy = false;
        }
        return next;
    }

    /**
     * @return activations held.
     */
    int size()
    {
        return byStateKey.size();
    }

    /**
     * A state load whose first waiting call's deadline has passed: the cache agent has not answered in time (or
     * never will), so the load is given up ({@link #onLoadFailed}) rather than holding the key's calls for good.
     *
     * @param epochNowNs now.
     * @return the correlation id of one such load, or 0 if none.
     */
    long overdueLoad(final long epochNowNs)
    {
        if (loading.isEmpty())
        {
            return 0;
        }
        final Long2ObjectHashMap<Activation>.KeyIterator ids = loading.keySet().iterator();
        while (ids.hasNext())
        {
            final long id = ids.nextLong();
            final PooledRun first = loading.get(id).waiting.peekFirst();
            final long deadline = null == first ? 0 : first.trigger.deadline;
            if (deadline != 0 && epochNowNs - deadline > 0)
            {
                return id;
            }
        }
        return 0;
    }

    /**
     * @return state loads the cache agent has not answered yet.
     */
    int loading()
    {
        return loading.size();
    }

    private boolean loadFromCache(final Activation activation)
    {
        if (null == cache)
        {
            return true;
        }
        final UnsafeBuffer stateKey = activation.stateKey();
        final int length = cache.get(stateKey, 0, stateKey.capacity(), lattice, 0);
        if (length == HostCache.MISSING)
        {
            return false;
        }
        if (length < 0)
        {
            throw new IllegalStateException("a cached state is larger than the message limit");
        }
        activation.loadLattice(lattice, 0, length);
        return true;
    }

    private boolean evictIdle()
    {
        final Iterator<Activation> eldestFirst = byStateKey.values().iterator();
        while (eldestFirst.hasNext())
        {
            if (!eldestFirst.next().busy)
            {
                eldestFirst.remove();
                evictions.incrementRelease();
                return true;
            }
        }
        return false;
    }
}
