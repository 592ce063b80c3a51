package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Lattice;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.List;

/**
 * How the schedulers of a deployment find each other, with nothing configured but the storage ring (the
 * seeds): each adds {@code id@endpoint} to a set lattice in the KVS every period and reads the set back.
 * A scheduler learned this way is introduced to the executors (and an executor joining later to every
 * scheduler known), which then heartbeat to it too: every scheduler comes to know every executor, as if
 * each had been configured with all schedulers. A scheduler that stops stays in the set (sets only grow)
 * but is harmless: executors heartbeat to it in vain, and clients use the ones they are given.
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's agent thread.
 */
final class SchedulerDiscovery
{
    /** The set of {@code id@endpoint} entries, one per scheduler that ever ran. */
    static final String KEY = "droplet/schedulers";
    /** A Connect naming this identity introduces a scheduler (not a client) to an executor or a host cache. */
    static final String SCHEDULER_IDENTITY = io.droplet.transport.Introductions.SCHEDULER_IDENTITY;

    /** Told of each scheduler learned. */
    interface Listener
    {
        /**
         * @param node     of the scheduler.
         * @param endpoint where it receives.
         */
        void onScheduler(long node, String endpoint);
    }

    private final RegistryStorage registry;
    private final long self;
    private final String selfEntry;
    private final long periodNs;
    private final Listener listener;
    private final Long2ObjectHashMap<String> known = new Long2ObjectHashMap<>();
    private long nextNs;
    private boolean inFlight;

    /**
     * @param registry the scheduler's KVS access.
     * @param self     this scheduler's node id.
     * @param endpoint where this scheduler receives.
     * @param periodNs between announcements.
     * @param listener told of each scheduler learned.
     */
    SchedulerDiscovery(final RegistryStorage registry, final long self, final String endpoint, final long periodNs,
        final Listener listener)
    {
        this.registry = registry;
        this.self = self;
        this.selfEntry = self + "@" + endpoint;
        this.periodNs = periodNs;
        this.listener = listener;
    }

    /**
     * Announces this scheduler and reads the others, once a period.
     *
     * @param nowNs of the scheduler's clock.
     * @return work done.
     */
    int doWork(final long nowNs)
    {
        if (inFlight || nowNs - nextNs < 0)
        {
            return 0;
        }
        nextNs = nowNs + periodNs;
        inFlight = true;
        registry.addToSet(KEY, selfEntry, (code, ignored) -> registry.read(List.of(KEY), this::onSet));
        return 1;
    }

    /**
     * @param action told of every scheduler known (this one excluded).
     */
    void forEach(final org.agrona.collections.LongObjConsumer<String> action)
    {
        known.forEachLong(action);
    }

    private void onSet(final ErrorCode code, final java.util.Map<String, Lattice> found)
    {
        inFlight = false;
        final Lattice set = code == ErrorCode.NONE ? found.get(KEY) : null;
        if (null == set)
        {
            return;
        }
        for (final String entry : RegistryStore.namesOf(set))
        {
            final int at = entry.indexOf('@');
            if (at <= 0)
            {
                continue;
            }
            final long node;
            try
            {
                node = Long.parseLong(entry.substring(0, at));
            }
            catch (final NumberFormatException ex)
            {
                continue;
            }
            final String endpoint = entry.substring(at + 1);
            if (node != self && !endpoint.equals(known.get(node)))
            {
                known.put(node, endpoint);
                listener.onScheduler(node, endpoint);
            }
        }
    }
}
