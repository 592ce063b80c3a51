package io.droplet.store.node;

import io.droplet.api.lattice.LatticeMerger;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.io.File;
import java.util.concurrent.locks.LockSupport;

/**
 * A store with data in a process of its own, for tests that kill it: opens the store in a data directory,
 * merges {@link DiskCorruptTest#value(int)} under {@link DiskCorruptTest#key(int)} for the given number of
 * keys, says {@code WRITTEN}, and waits to be killed (never closing the store).
 * Arguments: data directory, keys.
 */
public final class StoreWriterProcess
{
    private StoreWriterProcess()
    {
    }

    /**
     * @param args data directory, keys.
     */
    public static void main(final String[] args)
    {
        final int keys = Integer.parseInt(args[1]);
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        final StoreCounters counters = new StoreCounters((typeId, label) -> manager.newCounter(label, typeId), "writer");
        final LatticeStore store = LatticeStore.open(DiskCorruptTest.storeContext(new File(args[0]), counters)
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge));
        for (int i = 0; i < keys; i++)
        {
            final byte[] key = DiskCorruptTest.key(i);
            final byte[] value = DiskCorruptTest.value(i);
            store.merge(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(value), 0, value.length);
        }
        System.out.println("WRITTEN " + store.size());
        System.out.flush();
        while (true)
        {
            LockSupport.parkNanos(1_000_000_000L);
        }
    }
}
