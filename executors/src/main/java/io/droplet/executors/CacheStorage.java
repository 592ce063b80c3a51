package io.droplet.executors;

import org.agrona.DirectBuffer;

/**
 * The storage side of the host's cache agent, as its state machines use it: fetch a key from its
 * primary, forward a write to it, follow a key's updates. {@link StorageLink} puts a store client
 * behind it; tests record calls.
 * <p>
 * <b>Note:</b> called on the cache agent's thread only.
 */
interface CacheStorage
{
    /**
     * Asks a key's primary replica for its value; the answer comes as the agent's {@code onGetEntry}.
     *
     * @return the fetch's correlation id, or negative if it could not be sent.
     */
    long fetch(DirectBuffer key, int keyOffset, int keyLength);

    /**
     * Forwards a write to a key's primary replica, acknowledged with ack level ONE.
     *
     * @return the write's correlation id, or negative if it could not be sent.
     */
    long put(DirectBuffer key, int keyOffset, int keyLength, DirectBuffer lattice, int latticeOffset, int latticeLength);

    /**
     * Subscribes to a key's updates at its primary, once per key.
     */
    void follow(DirectBuffer key, int keyOffset, int keyLength);
}
