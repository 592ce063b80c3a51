package io.droplet.api;

import io.droplet.codecs.value.ValueWriter;
import org.agrona.DirectBuffer;

/**
 * The lattice KVS as seen from inside a function. Neither call blocks the executor: a read answers from
 * the host cache only (and starts a fetch on a miss, so a later call finds the key), a write is merged
 * into the host cache at once and into the key's primary replica asynchronously. To wait for a value,
 * pass a {@code Reference} as an argument instead: the executor resolves it before the function runs.
 * <p>
 * Output commit: a stage's output (the next stage's trigger, or the caller's result) leaves the executor
 * only once the primary replica has acknowledged every write the stage made. So whoever sees a stage's
 * output can read its writes from storage, and if the executor dies first, the stage has no output and
 * the scheduler's re-run writes again (lattice merges make that harmless). A write that is not
 * acknowledged within the invocation's deadline withholds the output: the caller gets TIMEOUT.
 * <p>
 * A function on the worker pool sees its writes and fetches leave when it returns, before its output does.
 * <p>
 * <b>Note:</b> valid only during {@link DropletFunction#apply}, on the thread that runs the function.
 */
public interface FunctionState
{
    /**
     * Reads a key's value from the host cache, as a reference argument would resolve it.
     *
     * @param key UTF-8 bytes of the key.
     * @param offset of the key.
     * @param length of the key.
     * @param out where the value is written when cached.
     * @return true if the key was cached and its value written; false if not cached here (a fetch starts).
     */
    boolean read(DirectBuffer key, int offset, int length, ValueWriter out);

    /**
     * Stores a value under a key, as a last-writer-wins lattice timestamped now by this executor: merged
     * into the key's replicas asynchronously (at least once; no acknowledgement reaches the function).
     *
     * @param key         UTF-8 bytes of the key.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param value       buffer holding one encoded value.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     */
    void putValue(DirectBuffer key, int keyOffset, int keyLength, DirectBuffer value, int valueOffset, int valueLength);

    /**
     * Merges a lattice into a key: any lattice type, encoded as the lattice store encodes it (a set to
     * add elements, a max to raise a counter, ...). Asynchronous as {@link #putValue}; a value that is not
     * a valid lattice, or not of the key's type, is refused by the host cache and the store, and the
     * stage's output is then withheld as for an unacknowledged write.
     *
     * @param key           UTF-8 bytes of the key.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param lattice       buffer holding the encoded lattice.
     * @param latticeOffset of the lattice.
     * @param latticeLength of the lattice.
     */
    void merge(DirectBuffer key, int keyOffset, int keyLength, DirectBuffer lattice, int latticeOffset, int latticeLength);
}
