package io.droplet.store.storage;

import io.droplet.transport.TransportCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * Counters of one storage node: gets, puts, merges, gossip rounds, bytes stored, recoveries and
 * dropped-corrupt entries, allocated like the transport's (Aeron's CnC file in production, so
 * {@code droplet stat} reads them from outside).
 * <p>
 * <b>Note:</b> thread-safe (atomic counters).
 */
public final class StoreCounters implements AutoCloseable
{
    /** Type id of the first store counter. */
    public static final int TYPE_ID_BASE = 7140;

    private final List<AtomicCounter> all = new ArrayList<>();

    /** Client gets served (each key of a multi-get counts). */
    public final AtomicCounter gets;
    /** Puts received from clients. */
    public final AtomicCounter puts;
    /** Merges that changed a stored value. */
    public final AtomicCounter merges;
    /** Gossip rounds run. */
    public final AtomicCounter gossipRounds;
    /** Bytes of keys and values stored (as written; replaced values are subtracted). */
    public final AtomicCounter bytesStored;
    /** Times the store was recovered after an unclean stop. */
    public final AtomicCounter recoveries;
    /** Entries dropped because they failed their checksum. */
    public final AtomicCounter droppedCorrupt;

    /**
     * @param allocator of counters.
     * @param name      of the node, for labels.
     */
    public StoreCounters(final TransportCounters.Allocator allocator, final String name)
    {
        int typeId = TYPE_ID_BASE;
        gets = add(allocator, typeId++, name, "store gets");
        puts = add(allocator, typeId++, name, "store puts");
        merges = add(allocator, typeId++, name, "store merges that changed a value");
        gossipRounds = add(allocator, typeId++, name, "store gossip rounds");
        bytesStored = add(allocator, typeId++, name, "store bytes stored");
        recoveries = add(allocator, typeId++, name, "store recoveries");
        droppedCorrupt = add(allocator, typeId, name, "store entries dropped as corrupt");
    }

    private AtomicCounter add(final TransportCounters.Allocator allocator, final int typeId, final String name, final String what)
    {
        final AtomicCounter counter = allocator.allocate(typeId, "droplet " + name + ": " + what);
        all.add(counter);
        return counter;
    }

    /**
     * Frees the counters.
     */
    public void close()
    {
        CloseHelper.closeAll(all);
    }
}
