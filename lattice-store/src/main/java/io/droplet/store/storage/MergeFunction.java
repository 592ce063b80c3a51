package io.droplet.store.storage;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Merges two encoded values into a third buffer: the store's only knowledge of what it stores.
 * {@code io.droplet.api.lattice.LatticeMerger#merge} is the production implementation.
 * <p>
 * <b>Note:</b> implementations need not be thread-safe; the store keeps one per thread.
 */
@FunctionalInterface
public interface MergeFunction
{
    /**
     * @param a           current value.
     * @param aOffset     of its first byte.
     * @param aLength     of the value.
     * @param b           incoming value.
     * @param bOffset     of its first byte.
     * @param bLength     of the value.
     * @param out         for the result; must not overlap the inputs.
     * @param outOffset   where the result goes.
     * @param outCapacity bytes available.
     * @return the result's length, or a negative code (type mismatch, invalid, too large).
     */
    int merge(
        DirectBuffer a, int aOffset, int aLength,
        DirectBuffer b, int bOffset, int bLength,
        MutableDirectBuffer out, int outOffset, int outCapacity);
}
