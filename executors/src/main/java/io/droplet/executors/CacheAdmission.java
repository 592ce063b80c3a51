package io.droplet.executors;

import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LatticeValidator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;

/**
 * What the host cache agrees to store from its storage nodes (a fetched value, a subscribed key's update): only a
 * valid lattice, and only of the type the cache holds for the key, merged into what it holds. Executors read
 * cached values without checking them again and hand them to functions, so a value whose lengths lie (an LWW
 * saying 60,000 bytes while holding 9) would have a reader look past it, and one of another type would have
 * functions see a value that {@code get} never returns; both are refused here and counted. Merging rather than
 * replacing also keeps a late update from taking the cache back to an older value. A pushed update of a key the cache
 * does not hold is refused and counted too ({@link #update}): the cache cannot tell its type, and the key is fetched
 * from the store (validated, and followed) on its next read anyway.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the cache agent, the host cache's single writer. Allocation-free.
 */
final class CacheAdmission
{
    /** {@link #store}: the value is not a valid lattice, or is of another type than the cached one. */
    static final int REJECTED = -1;

    private final HostCache cache;
    private final AtomicCounter rejected;
    private final LatticeMerger merger = new LatticeMerger();
    private final UnsafeBuffer cached;
    private final UnsafeBuffer merged;

    /**
     * @param cache            the host cache.
     * @param rejected         counts the values refused.
     * @param maxMessageLength of the transport: the largest value that can arrive, and be cached.
     */
    CacheAdmission(final HostCache cache, final AtomicCounter rejected, final int maxMessageLength)
    {
        this.cache = cache;
        this.rejected = rejected;
        this.cached = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.merged = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
    }

    /**
     * Stores a key's value from a storage node, merged into the cached one if any.
     *
     * @return the length of the value now cached, or {@link #REJECTED}.
     */
    int store(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        return admit(key, keyOffset, keyLength, value, valueOffset, valueLength, false);
    }

    /**
     * Merges a key's update pushed by a storage node into the value cached for it. An update of a key the cache does
     * not hold is refused: nothing is lost (the key's next read fetches it from the store), while taking it would let
     * whoever can reach the cache give functions a value the store never held, a MAX for a key it holds as an LWW.
     *
     * @return the length of the value now cached, or {@link #REJECTED}.
     */
    int update(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        return admit(key, keyOffset, keyLength, value, valueOffset, valueLength, true);
    }

    private int admit(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength, final boolean heldOnly)
    {
        final int cachedLength = cache.get(key, keyOffset, keyLength, cached, 0);
        if (cachedLength < 0)
        {
            if (heldOnly || cachedLength == HostCache.TOO_LARGE || !LatticeValidator.isValid(value, valueOffset, valueLength))
            {
                rejected.incrementRelease();
                return REJECTED;
            }
            cache.put(key, keyOffset, keyLength, value, valueOffset, valueLength);
            return valueLength;
        }
        // Validates both sides and refuses a type change (TYPE_MISMATCH).
        final int mergedLength = merger.merge(cached, 0, cachedLength, value, valueOffset, valueLength, merged, 0, merged.capacity());
        if (mergedLength < 0)
        {
            rejected.incrementRelease();
            return REJECTED;
        }
        cache.put(key, keyOffset, keyLength, merged, 0, mergedLength);
        return mergedLength;
    }

}
