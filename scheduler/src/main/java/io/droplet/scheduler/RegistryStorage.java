package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Lattice;

import java.util.List;
import java.util.Map;

/**
 * Where the registry lives durably: the lattice KVS ({@link RegistryStore}), or a fake in tests.
 * Operations complete later, on the scheduler's thread, through {@link #doWork()}.
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's thread.
 */
public interface RegistryStorage extends AutoCloseable
{
    /**
     * Told when an operation has completed.
     */
    interface Completion
    {
        /**
         * @param code  NONE, or why the operation failed (TIMEOUT, NO_RESOURCES, ...).
         * @param found the lattices read, by key (gets only; absent keys are missing).
         */
        void onComplete(ErrorCode code, Map<String, Lattice> found);
    }

    /**
     * Told of an entry pushed by the KVS (written through any scheduler).
     */
    interface EntryListener
    {
        /**
         * @param key   the registry key.
         * @param frame the registration frame, or null for a deletion.
         */
        void onEntry(String key, byte[] frame);
    }

    /**
     * @param listener told of entries pushed by the KVS.
     */
    void entryListener(EntryListener listener);

    /**
     * @return work done: replies and timeouts handled.
     */
    int doWork();

    /**
     * Writes a registration (or, with an empty frame, a deletion) with ack ALL, and records its key in
     * the names set.
     *
     * @param key        the registry key.
     * @param frame      the registration frame; empty for a deletion.
     * @param completion told once both writes are acknowledged, or of the first failure.
     */
    void write(String key, byte[] frame, Completion completion);

    /**
     * @param keys       to read.
     * @param completion told with what was found.
     */
    void read(List<String> keys, Completion completion);

    /**
     * @param key to follow, so changes made through other schedulers reach this one.
     */
    void subscribe(String key);

    /**
     * @param key        of a set lattice.
     * @param element    to add.
     * @param completion told when acknowledged or failed.
     */
    void addToSet(String key, String element, Completion completion);

    /**
     * Releases the storage client.
     */
    void close();
}
