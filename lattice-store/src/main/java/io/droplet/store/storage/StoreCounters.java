package io.droplet.store.storage;

import io.droplet.transport.CounterDescriptor;
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
    public static final int TYPE_ID_BASE = CounterDescriptor.STORE_GETS.typeId();

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
    /** Subscriptions refused past a bound, and subscribers dropped with their keys because they went away. */
    public final AtomicCounter subscriptionsRefused;

    /**
     * @param allocator of counters.
     * @param name      of the node, for labels.
     */
    public StoreCounters(final TransportCounters.Allocator allocator, final String name)
    {
        gets = add(allocator, CounterDescriptor.STORE_GETS, name);
        puts = add(allocator, CounterDescriptor.STORE_PUTS, name);
        merges = add(allocator, CounterDescriptor.STORE_MERGES, name);
        gossipRounds = add(allocator, CounterDescriptor.STORE_GOSSIP_ROUNDS, name);
        bytesStored = add(allocator, CounterDescriptor.STORE_BYTES_STORED, name);
        recoveries = add(allocator, CounterDescriptor.STORE_RECOVERIES, name);
        droppedCorrupt = add(allocator, CounterDescriptor.STORE_DROPPED_CORRUPT, name);
        subscriptionsRefused = add(allocator, CounterDescriptor.STORE_SUBSCRIPTIONS_REFUSED, name);
    }

    private AtomicCounter add(final TransportCounters.Allocator allocator, final CounterDescriptor descriptor, final String name)
    {
        final AtomicCounter counter = descriptor.allocate(allocator, name);
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
