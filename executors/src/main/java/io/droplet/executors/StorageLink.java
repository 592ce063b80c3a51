package io.droplet.executors;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.store.client.StoreClient;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cache agent's {@link CacheStorage} over its store client: every request carries the storage
 * timeout from the {@link CacheContext}, and each key is subscribed to once.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the cache agent.
 */
final class StorageLink implements CacheStorage
{
    private final StoreClient storage;
    private final NanoClock clock;
    private final long timeoutNs;
    private final Set<String> followed = new HashSet<>();

    /**
     * @param storage   the agent's store client.
     * @param clock     the store client's deadlines are on.
     * @param timeoutNs of each request.
     */
    StorageLink(final StoreClient storage, final NanoClock clock, final long timeoutNs)
    {
        this.storage = storage;
        this.clock = clock;
        this.timeoutNs = timeoutNs;
    }

    public long fetch(final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        return storage.get(key, keyOffset, keyLength, clock.nanoTime() + timeoutNs);
    }

    public long put(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
    {
        return storage.put(key, keyOffset, keyLength, lattice, latticeOffset, latticeLength, AckLevel.ONE, clock.nanoTime() + timeoutNs);
    }

    public void follow(final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        // The cache path for a key's first miss or write: a String per key, once.
        final byte[] keyBytes = new byte[keyLength];
        key.getBytes(keyOffset, keyBytes);
        if (followed.add(new String(keyBytes, StandardCharsets.ISO_8859_1)))
        {
            storage.subscribe(storage.primaryOf(key, keyOffset, keyLength), List.of(keyBytes), clock.nanoTime() + timeoutNs);
        }
    }
}
