package io.droplet.store.node;

import io.droplet.store.ring.HashRing;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreStatus;
import org.agrona.DirectBuffer;

/**
 * This node's part of the ring: merges writes into its store and tells those that must hear of a change
 * (the replicas to gossip to, the subscribers to push to); knows which nodes replicate a key.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
final class LocalShard
{
    /** Told of every merge that changed a stored value. */
    interface ChangeListener
    {
        /**
         * @param key       buffer holding the key.
         * @param keyOffset of the key.
         * @param keyLength of the key.
         * @param source    node the change came from (which has it already), or 0 for a client's put.
         */
        void onChanged(DirectBuffer key, int keyOffset, int keyLength, long source);
    }

    private static final ChangeListener[] NO_LISTENERS = new ChangeListener[0];

    private final long nodeId;
    private final LatticeStore store;
    private final HashRing ring;
    private final int replicationFactor;
    private ChangeListener[] listeners = NO_LISTENERS;
    private ByteKey changedKey;

    /**
     * @param nodeId            of this node, on the ring.
     * @param store             this node serves.
     * @param ring              of the storage nodes.
     * @param replicationFactor R: replicas per key.
     */
    LocalShard(final long nodeId, final LatticeStore store, final HashRing ring, final int replicationFactor)
    {
        this.nodeId = nodeId;
        this.store = store;
        this.ring = ring;
        this.replicationFactor = replicationFactor;
    }

    /**
     * @param listener to tell of changes, after those added before (control path: allocates).
     */
    void addChangeListener(final ChangeListener listener)
    {
        listeners = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
    }

    /**
     * Merges a value into the store; on a change, tells the listeners.
     *
     * @return {@link StoreStatus#CHANGED}, {@link StoreStatus#UNCHANGED} or a negative store status.
     */
    int merge(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength, final long source)
    {
        final int status = store.merge(key, keyOffset, keyLength, value, valueOffset, valueLength);
        if (status == StoreStatus.CHANGED)
        {
            changedKey = null;
            for (final ChangeListener listener : listeners)
            {
                listener.onChanged(key, keyOffset, keyLength, source);
            }
            changedKey = null;
        }
        return status;
    }

    /**
     * The changed key as a hash-map key, copied at most once per change however many listeners need it.
     *
     * @return the key being told of, as a {@link ByteKey}; valid during a change listener call.
     */
    ByteKey changedKey(final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        if (null == changedKey)
        {
            changedKey = ByteKey.copyOf(key, keyOffset, keyLength);
        }
        return changedKey;
    }

    /**
     * @param replicas filled with the key's replicas, in ring order; at least R long.
     * @return how many were written.
     */
    int replicasOf(final DirectBuffer key, final int keyOffset, final int keyLength, final long[] replicas)
    {
        return ring.replicas(key, keyOffset, keyLength, replicationFactor, replicas);
    }

    /**
     * @param replicas of a key.
     * @param count    of replicas.
     * @return true if this node is among them.
     */
    boolean isAmong(final long[] replicas, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (replicas[i] == nodeId)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Gossip and replica merges are taken only from the ring's other members (in open mode as well: a node that
     * is not a member has no business writing into replicas).
     *
     * @param node that says it sent a gossip or merge.
     * @return true if it is another member of the ring.
     */
    boolean isPeer(final long node)
    {
        return node != nodeId && ring.contains(node);
    }

    long nodeId()
    {
        return nodeId;
    }

    LatticeStore store()
    {
        return store;
    }

    int replicationFactor()
    {
        return replicationFactor;
    }
}
