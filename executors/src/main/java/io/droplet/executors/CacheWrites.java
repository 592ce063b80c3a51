package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Functions' writes, as the host's cache agent relays them: the host cache sees a write at once (merged
 * into what it holds), the key's primary replica gets it as an ordinary put, the cache follows the key
 * from then on, and the executor, which holds its stage's output meanwhile, is told when the primary has
 * the write (or why it cannot).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the cache agent.
 */
final class CacheWrites
{
    /** The executor's write a storage put stands for. */
    private record Pending(long executor, long correlationId)
    {
    }

    private final HostCache cache;
    private final CacheStorage storage;
    private final CacheAnswers answers;
    private final byte[] summary;
    private final LatticeMerger merger = new LatticeMerger();
    private final UnsafeBuffer cached;
    private final UnsafeBuffer merged;
    private final Long2ObjectHashMap<Pending> pendingByPut = new Long2ObjectHashMap<>();

    /**
     * @param cache             the host cache.
     * @param storage           to forward writes to.
     * @param answers           to the executors.
     * @param summary           of the keys the host cache holds, announced to the schedulers.
     * @param maxMessageLength  of the transport: the largest cached value read.
     * @param mergeBufferLength bytes a merged value may take.
     */
    CacheWrites(
        final HostCache cache, final CacheStorage storage, final CacheAnswers answers, final byte[] summary,
        final int maxMessageLength, final int mergeBufferLength)
    {
        this.cache = cache;
        this.storage = storage;
        this.answers = answers;
        this.summary = summary;
        this.cached = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.merged = new UnsafeBuffer(ByteBuffer.allocateDirect(mergeBufferLength));
    }

    /**
     * A function's write.
     *
     * @param correlationId of the executor's write, 0 if it wants no acknowledgement.
     * @param executor      to acknowledge to, 0 for none.
     */
    void onPut(
        final long correlationId, final long executor, final DirectBuffer buffer, final int keyOffset, final int keyLength,
        final int valueOffset, final int valueLength)
    {
        final int cachedLength = cache.get(buffer, keyOffset, keyLength, cached, 0);
        final int mergedLength = cachedLength >= 0 ?
            merger.merge(cached, 0, cachedLength, buffer, valueOffset, valueLength, merged, 0, merged.capacity()) :
            merger.merge(buffer, valueOffset, valueLength, buffer, valueOffset, valueLength, merged, 0, merged.capacity());
        if (mergedLength >= 0)
        {
            cache.put(buffer, keyOffset, keyLength, merged, 0, mergedLength);
            KeySummary.add(summary, HashRing.hash(buffer, keyOffset, keyLength));
        }
        final long storagePut = storage.put(buffer, keyOffset, keyLength, buffer, valueOffset, valueLength);
        if (correlationId != 0 && executor != 0)
        {
            if (mergedLength < 0)
            {
                answers.answerPut(executor, correlationId, ErrorCode.INVALID_ARGUMENT);
            }
            else if (storagePut < 0)
            {
                answers.answerPut(executor, correlationId, ErrorCode.NOT_CONNECTED);
            }
            else
            {
                pendingByPut.put(storagePut, new Pending(executor, correlationId));
            }
        }
        storage.follow(buffer, keyOffset, keyLength);
    }

    /**
     * The primary has a write.
     *
     * @return false if the acknowledgement is not for a write of these.
     */
    boolean onAcknowledged(final long storagePut)
    {
        final Pending pending = pendingByPut.remove(storagePut);
        if (null == pending)
        {
            return false;
        }
        answers.answerPut(pending.executor(), pending.correlationId(), ErrorCode.NONE);
        return true;
    }

    /**
     * The primary refused a write, or did not answer in time.
     *
     * @return false if the failure is not of a write of these.
     */
    boolean onFailed(final long storagePut, final ErrorCode code)
    {
        final Pending pending = pendingByPut.remove(storagePut);
        if (null == pending)
        {
            return false;
        }
        answers.answerPut(pending.executor(), pending.correlationId(), code);
        return true;
    }

    /**
     * @return writes waiting for their primary.
     */
    int pending()
    {
        return pendingByPut.size();
    }
}
