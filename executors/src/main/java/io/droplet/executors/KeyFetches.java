package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The executors' misses, as the host's cache agent serves them: a key the host cache holds by now is
 * answered at once; otherwise the executors waiting for it are noted and the key is fetched from its
 * primary once for all of them. When the value comes it is cached, added to the announced key summary,
 * followed from then on, and every waiter is answered (an absent key as such); when the fetch fails
 * every waiter gets the error.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the cache agent. The miss path allocates (one entry per key
 * fetched); the hit path does not. A fetched value is cached only if valid ({@link CacheAdmission}); the waiters
 * for one that is not are answered MALFORMED.
 */
final class KeyFetches
{
    private static final String FETCH_FAILED = "cache could not fetch a referenced key";

    /** An executor waiting for a key. */
    private record Waiter(long executor, long correlationId)
    {
    }

    private final HostCache cache;
    private final CacheAdmission admission;
    private final CacheStorage storage;
    private final CacheAnswers answers;
    private final byte[] summary;
    private final UnsafeBuffer value;
    private final Map<String, List<Waiter>> waitersByKey = new HashMap<>();
    private final Long2ObjectHashMap<byte[]> keyByFetch = new Long2ObjectHashMap<>();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);

    /**
     * @param cache            the host cache.
     * @param admission        validates and stores fetched values.
     * @param storage          to fetch from.
     * @param answers          to the executors.
     * @param summary          of the keys the host cache holds, announced to the schedulers.
     * @param maxMessageLength of the transport: the largest value answered.
     */
    KeyFetches(
        final HostCache cache, final CacheAdmission admission, final CacheStorage storage, final CacheAnswers answers,
        final byte[] summary, final int maxMessageLength)
    {
        this.cache = cache;
        this.admission = admission;
        this.storage = storage;
        this.answers = answers;
        this.summary = summary;
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
    }

    /**
     * An executor missed a key.
     */
    void onMiss(final long executor, final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        final int found = cache.get(key, keyOffset, keyLength, value, 0);
        if (found >= 0)
        {
            answers.answerGet(executor, correlationId, key, keyOffset, keyLength, value, found);
            return;
        }
        final byte[] keyBytes = new byte[keyLength];
        key.getBytes(keyOffset, keyBytes);
        final String name = new String(keyBytes, StandardCharsets.ISO_8859_1);
        final List<Waiter> waiters = waitersByKey.computeIfAbsent(name, k -> new ArrayList<>());
        waiters.add(new Waiter(executor, correlationId));
        if (waiters.size() == 1)
        {
            final long fetch = storage.fetch(key, keyOffset, keyLength);
            if (fetch < 0)
            {
                fail(name, ErrorCode.NOT_CONNECTED);
                return;
            }
            keyByFetch.put(fetch, keyBytes);
        }
    }

    /**
     * The storage answered a fetch.
     *
     * @return false if the answer is not for a fetch of these.
     */
    boolean onFetched(
        final long fetchId, final boolean found, final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        final byte[] keyBytes = keyByFetch.remove(fetchId);
        if (null == keyBytes)
        {
            return false;
        }
        keyView.wrap(keyBytes);
        if (found && admission.store(keyView, 0, keyBytes.length, buffer, valueOffset, valueLength) < 0)
        {
            // Not a valid lattice (counted): the waiters are told, nothing is cached or followed.
            fail(new String(keyBytes, StandardCharsets.ISO_8859_1), ErrorCode.MALFORMED);
            return true;
        }
        final int cachedLength = found ? cache.get(keyView, 0, keyBytes.length, value, 0) : -1;
        if (cachedLength >= 0)
        {
            KeySummary.add(summary, HashRing.hash(keyView, 0, keyBytes.length));
        }
        storage.follow(keyView, 0, keyBytes.length);
        final List<Waiter> waiters = waitersByKey.remove(new String(keyBytes, StandardCharsets.ISO_8859_1));
        if (null != waiters)
        {
            for (int i = 0; i < waiters.size(); i++)
            {
                final Waiter waiter = waiters.get(i);
                answers.answerGet(waiter.executor(), waiter.correlationId(), keyView, 0, keyBytes.length, value, cachedLength);
            }
        }
        return true;
    }

    /**
     * The storage could not answer a fetch.
     *
     * @return false if the failure is not of a fetch of these.
     */
    boolean onFetchFailed(final long fetchId, final ErrorCode code)
    {
        final byte[] keyBytes = keyByFetch.remove(fetchId);
        if (null == keyBytes)
        {
            return false;
        }
        fail(new String(keyBytes, StandardCharsets.ISO_8859_1), code);
        return true;
    }

    /**
     * @return keys executors wait for.
     */
    int waiting()
    {
        return waitersByKey.size();
    }

    /**
     * @return fetches in flight.
     */
    int fetching()
    {
        return keyByFetch.size();
    }

    private void fail(final String name, final ErrorCode code)
    {
        final List<Waiter> waiters = waitersByKey.remove(name);
        if (null != waiters)
        {
            for (int i = 0; i < waiters.size(); i++)
            {
                answers.error(waiters.get(i).executor(), waiters.get(i).correlationId(), code, FETCH_FAILED);
            }
        }
    }
}
