package io.droplet.store.ring;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Chooses the storage node a client sends a key's request to: its primary replica, unless the primary is
 * suspected down (a request to it went unanswered, or could not be sent), in which case the next replica
 * that is not. A suspected node leaves the client's ring for a while and is tried again afterwards; any
 * replica coordinates a put (merges it and forwards it to the others), and a node that comes back catches
 * up by gossip, so writes keep being acknowledged while a host is partitioned away.
 * <p>
 * <b>Note:</b> thread-safe: {@link #choose} may be called from user threads while the client's agent
 * calls {@link #suspect} and {@link #clear}. No allocation after construction.
 */
public final class ReplicaFailover
{
    /** How long a node that failed a request is passed over by default. */
    public static final long DEFAULT_SUSPECT_NS = 2_000_000_000L;

    private final HashRing ring;
    private final int replicationFactor;
    private final long suspectNs;
    private final NanoClock clock;
    private final long[] nodes;
    private final AtomicLongArray suspectUntil;
    private final ThreadLocal<long[]> replicas;

    /**
     * @param ring              of the storage nodes.
     * @param replicationFactor replicas per key.
     * @param suspectNs         how long a suspected node is passed over.
     * @param clock             for suspicions.
     */
    public ReplicaFailover(final HashRing ring, final int replicationFactor, final long suspectNs, final NanoClock clock)
    {
        this.ring = ring;
        this.replicationFactor = Math.max(1, replicationFactor);
        this.suspectNs = suspectNs;
        this.clock = clock;
        this.nodes = ring.nodes();
        this.suspectUntil = new AtomicLongArray(nodes.length);
        final long now = clock.nanoTime();
        for (int i = 0; i < nodes.length; i++)
        {
            // "Suspected until now": not suspected (nano times may be negative, so not 0).
            suspectUntil.set(i, now);
        }
        final int size = Math.max(1, Math.min(this.replicationFactor, nodes.length));
        this.replicas = ThreadLocal.withInitial(() -> new long[size]);
    }

    /**
     * @param key    buffer holding a key.
     * @param offset of the key.
     * @param length of the key.
     * @return the first of its replicas not suspected down; the primary if all are.
     */
    public long choose(final DirectBuffer key, final int offset, final int length)
    {
        final long[] out = replicas.get();
        final int count = ring.replicas(key, offset, length, replicationFactor, out);
        final long now = clock.nanoTime();
        for (int i = 0; i < count; i++)
        {
            final int index = Arrays.binarySearch(nodes, out[i]);
            if (index < 0 || now - suspectUntil.get(index) >= 0)
            {
                return out[i];
            }
        }
        return out[0];
    }

    /**
     * A request to a node went unanswered or could not be sent: pass it over for a while.
     *
     * @param node a storage node.
     */
    public void suspect(final long node)
    {
        final int index = Arrays.binarySearch(nodes, node);
        if (index >= 0)
        {
            suspectUntil.set(index, clock.nanoTime() + suspectNs);
        }
    }

    /**
     * A node answered: it is up.
     *
     * @param node a storage node.
     */
    public void clear(final long node)
    {
        final int index = Arrays.binarySearch(nodes, node);
        if (index >= 0)
        {
            final long now = clock.nanoTime();
            if (now - suspectUntil.get(index) < 0)
            {
                suspectUntil.set(index, now);
            }
        }
    }

    /**
     * @param node a storage node.
     * @return true while it is passed over.
     */
    public boolean isSuspected(final long node)
    {
        final int index = Arrays.binarySearch(nodes, node);
        return index >= 0 && clock.nanoTime() - suspectUntil.get(index) < 0;
    }
}
