package io.droplet.store.node;

import io.droplet.store.ring.HashRing;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.LongSetMerge;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import io.droplet.transport.TransportCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.io.File;
import java.nio.charset.StandardCharsets;

/**
 * A storage node's shard without a media driver: a real store on a temporary directory (values are
 * sets of longs, merged by union), a ring, in-memory counters.
 */
final class ShardFixture implements AutoCloseable
{
    final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[32 * 1024]));
    final StoreCounters storeCounters;
    final TransportCounters transportCounters;
    final LatticeStore store;
    final HashRing ring = new HashRing(HashRing.DEFAULT_VIRTUAL_NODES);
    final LocalShard shard;

    ShardFixture(final File directory, final long nodeId, final int replicationFactor, final long... nodes)
    {
        storeCounters = new StoreCounters((typeId, label) -> countersManager.newCounter(label, typeId), "test-" + nodeId);
        transportCounters = new TransportCounters((typeId, label) -> countersManager.newCounter(label, typeId), "test-" + nodeId);
        store = LatticeStore.open(new StoreContext()
            .dataDirectory(directory)
            .entries(1024)
            .averageKeySize(16)
            .averageValueSize(64)
            .mergeFunctionSupplier(LongSetMerge::new)
            .counters(storeCounters));
        for (final long node : nodes)
        {
            ring.add(node);
        }
        shard = new LocalShard(nodeId, store, ring, replicationFactor);
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] longs(final long... values)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[values.length * 8]);
        for (int i = 0; i < values.length; i++)
        {
            buffer.putLong(i * 8, values[i]);
        }
        return buffer.byteArray();
    }

    /**
     * @return the stored value of a key, or null.
     */
    byte[] get(final byte[] key)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[4096]);
        final int length = store.get(new UnsafeBuffer(key), 0, key.length, value, 0, value.capacity());
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        value.getBytes(0, bytes);
        return bytes;
    }

    /**
     * @return a frame-like buffer holding key then value, as the adapter hands them over.
     */
    static UnsafeBuffer keyValue(final byte[] key, final byte[] value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[key.length + value.length + 16]);
        buffer.putBytes(3, key);
        buffer.putBytes(3 + key.length + 5, value);
        return buffer;
    }

    static int keyOffset()
    {
        return 3;
    }

    static int valueOffset(final byte[] key)
    {
        return 3 + key.length + 5;
    }

    public void close()
    {
        store.close();
        storeCounters.close();
        transportCounters.close();
    }
}
