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
    /** Map files set aside because their recovery crashed or failed (the store started empty). */
    public final AtomicCounter filesMovedAside;
    /** Repairs of Chronicle Map's bookkeeping at recovery that lost nothing (stale after an unclean stop). */
    public final AtomicCounter recoveryRepairs;
    /** Keys whose values were dropped as corrupt and have none again yet (a gauge). */
    public final AtomicCounter keysLost;
    /** Reads answered DATA_LOST. */
    public final AtomicCounter readsDataLost;
    /**
     * Reads of an absent key answered DATA_LOST because losses went unnamed and the written-keys filter holds the
     * key (included in {@link #readsDataLost}, which the node counts; about 1 % of them may be keys never written).
     */
    public final AtomicCounter readsLostUnnamed;
    /** Merges refused as too large: past the largest value, or causal values past the validator's bounds. */
    public final AtomicCounter tooLarge;
    /** Gossip frames dropped because their sender is not a member of the ring. */
    public final AtomicCounter gossipFromStrangers;
    /** Replica merges dropped because their sender is not a member of the ring. */
    public final AtomicCounter mergesFromStrangers;
    /** Gets answered PAYLOAD_TOO_LARGE: the answer would exceed the message limit. */
    public final AtomicCounter getsTooLarge;
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
        filesMovedAside = add(allocator, CounterDescriptor.STORE_FILES_MOVED_ASIDE, name);
        recoveryRepairs = add(allocator, CounterDescriptor.STORE_RECOVERY_REPAIRS, name);
        keysLost = add(allocator, CounterDescriptor.STORE_KEYS_LOST, name);
        readsDataLost = add(allocator, CounterDescriptor.STORE_READS_DATA_LOST, name);
        tooLarge = add(allocator, CounterDescriptor.STORE_PUTS_TOO_LARGE, name);
        readsLostUnnamed = add(allocator, CounterDescriptor.STORE_READS_LOST_UNNAMED, name);
        gossipFromStrangers = add(allocator, CounterDescriptor.STORE_GOSSIP_FROM_STRANGERS, name);
        mergesFromStrangers = add(allocator, CounterDescriptor.STORE_MERGES_FROM_STRANGERS, name);
        getsTooLarge = add(allocator, CounterDescriptor.STORE_GETS_TOO_LARGE, name);
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
