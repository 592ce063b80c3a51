package io.droplet.store.node;

import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreStatus;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Makes the replicas converge by gossip. Per peer it remembers the keys that changed since it last sent
 * that peer their value, and every gossip period sends them in batches; a send that fails leaves the keys
 * for the next round. A node that starts sends every peer a hello (a gossip of round 0); a peer answers a
 * hello by queueing every key the two share. A peer whose link went down and came back is treated as if it
 * had said hello (gossip sent into the void before the link was seen down is sent again), and is said hello to
 * (so it sends again what we may have missed, though it may never have seen the link down): catch-up.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
final class AntiEntropy implements LocalShard.ChangeListener
{
    private final LocalShard shard;
    private final StoragePublisher publisher;
    private final long gossipPeriodNs;
    private final int gossipBatch;
    private final int maxBatchesPerPeer;
    private final AtomicCounter gossipRounds;
    private final AtomicCounter gossipFromStrangers;
    private final Long2ObjectHashMap<LinkedHashSet<ByteKey>> dirtyByPeer = new Long2ObjectHashMap<>();
    private final LongHashSet helloPending = new LongHashSet();
    private final LongHashSet unreachablePeers = new LongHashSet();
    private final List<ByteKey> batchKeys = new ArrayList<>();
    private final EntryBatch batch;
    private final EntryBatch noEntries = new EntryBatch(1);
    private final UnsafeBuffer keys;
    private final UnsafeBuffer values;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final long[] replicas;
    private long round;
    private long nextRoundNs;

    /**
     * @param shard             this node's part of the ring.
     * @param publisher         to gossip with.
     * @param peers             the other storage nodes of the ring.
     * @param gossipPeriodNs    between rounds.
     * @param gossipBatch       most keys in one gossip message.
     * @param maxBatchesPerPeer most gossip messages to one peer in one round.
     * @param maxMessageLength  longest message; half of it is the value budget of one batch.
     * @param gossipRounds      counts rounds.
     * @param nowNs             current time: the first round is due at once (it sends the hellos).
     */
    AntiEntropy(
        final LocalShard shard,
        final StoragePublisher publisher,
        final long[] peers,
        final long gossipPeriodNs,
        final int gossipBatch,
        final int maxBatchesPerPeer,
        final int maxMessageLength,
        final AtomicCounter gossipRounds,
        final long nowNs,
        final AtomicCounter gossipFromStrangers)
    {
        this.gossipFromStrangers = gossipFromStrangers;
        this.shard = shard;
        this.publisher = publisher;
        this.gossipPeriodNs = gossipPeriodNs;
        this.gossipBatch = gossipBatch;
        this.maxBatchesPerPeer = maxBatchesPerPeer;
        this.gossipRounds = gossipRounds;
        this.batch = new EntryBatch(gossipBatch);
        this.keys = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.values = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.replicas = new long[Math.max(1, shard.replicationFactor())];
        this.nextRoundNs = nowNs;
        noEntries.reset(keys, values);
        for (final long peer : peers)
        {
            dirtyByPeer.put(peer, new LinkedHashSet<>());
            helloPending.add(peer);
        }
    }

    /**
     * A merge changed a key: queue it for its other replicas, except the one it came from.
     * {@inheritDoc}
     */
    public void onChanged(final DirectBuffer key, final int keyOffset, final int keyLength, final long source)
    {
        final int replicaCount = shard.replicasOf(key, keyOffset, keyLength, replicas);
        final long nodeId = shard.nodeId();
        ByteKey byteKey = null;
        for (int i = 0; i < replicaCount; i++)
        {
            final long replica = replicas[i];
            if (replica != nodeId && replica != source)
            {
                if (null == byteKey)
                {
                    byteKey = shard.changedKey(key, keyOffset, keyLength);
                }
                dirtyByPeer.get(replica).add(byteKey);
            }
        }
    }

    /**
     * A peer's gossip: merge its entries; a hello (round 0) from a known peer queues every key we share.
     */
    void onGossip(final long sender, final long round, final EntryBatch entries)
    {
        if (!shard.isPeer(sender))
        {
            // Not a member of the ring (or this node's own id): dropped, whatever it holds.
            gossipFromStrangers.increment();
            return;
        }
        final DirectBuffer keyBuffer = entries.keys();
        final DirectBuffer valueBuffer = entries.values();
        for (int i = 0, count = entries.count(); i < count; i++)
        {
            shard.merge(keyBuffer, entries.keyOffset(i), entries.keyLength(i),
                valueBuffer, entries.valueOffset(i), entries.valueLength(i), sender);
        }
        if (round == 0 && dirtyByPeer.containsKey(sender))
        {
            onHello(sender);
        }
    }

    /**
     * Runs a gossip round when one is due.
     *
     * @param nowNs current time.
     * @return work done.
     */
    int doWork(final long nowNs)
    {
        if (nowNs - nextRoundNs < 0)
        {
            return 0;
        }
        nextRoundNs = nowNs + gossipPeriodNs;
        return gossipRound();
    }

    /**
     * @return keys waiting to be gossiped, over all peers, plus hellos not sent yet.
     */
    int pendingGossip()
    {
        int total = 0;
        for (final LinkedHashSet<ByteKey> dirty : dirtyByPeer.values())
        {
            total += dirty.size();
        }
        return total + helloPending.size();
    }

    private int gossipRound()
    {
        gossipRounds.increment();
        round++;
        int work = 0;
        catchUpReturnedPeers();

        if (!helloPending.isEmpty())
        {
            final LongHashSet.LongIterator iterator = helloPending.iterator();
            while (iterator.hasNext())
            {
                final long peer = iterator.nextValue();
                if (publisher.gossip(peer, shard.nodeId(), 0, noEntries) == SendStatus.OK)
                {
                    iterator.remove();
                    work++;
                }
            }
        }

        for (final Long2ObjectHashMap<LinkedHashSet<ByteKey>>.EntryIterator peers = dirtyByPeer.entrySet().iterator();
            peers.hasNext(); )
        {
            peers.next();
            final long peer = peers.getLongKey();
            final LinkedHashSet<ByteKey> dirty = peers.getValue();
            for (int batches = 0; batches < maxBatchesPerPeer && !dirty.isEmpty(); batches++)
            {
                if (!sendBatch(peer, dirty))
                {
                    break;
                }
                work++;
            }
        }
        return work;
    }

    /**
     * A peer whose link went down (a partition, a crash) and came back may have missed gossip that was sent
     * into the void before the link was seen to be down: queue every key it shares with us, as for a hello.
     * And we may have missed its gossip, while it may never have seen its link to us down (its sends were
     * accepted into the void, or it looked between its own link's outages): say hello to it too, so it sends us
     * what we share. Either side seeing the outage is then enough for both to catch up.
     */
    private void catchUpReturnedPeers()
    {
        for (final long peer : dirtyByPeer.keySet())
        {
            if (!publisher.isConnected(peer))
            {
                unreachablePeers.add(peer);
            }
            else if (unreachablePeers.remove(peer))
            {
                onHello(peer);
                helloPending.add(peer);
            }
        }
    }

    /**
     * A peer (re)started: queue every key it is a replica of, so it catches up whatever it missed. A scan
     * of the whole store, on the control path (it allocates).
     */
    private void onHello(final long peer)
    {
        final LinkedHashSet<ByteKey> dirty = dirtyByPeer.get(peer);
        final UnsafeBuffer key = new UnsafeBuffer(0, 0);
        final long[] owners = new long[replicas.length];
        shard.store().forEach((keyBytes, valueBytes) ->
        {
            key.wrap(keyBytes);
            final int count = shard.replicasOf(key, 0, keyBytes.length, owners);
            for (int i = 0; i < count; i++)
            {
                if (owners[i] == peer)
                {
                    dirty.add(new ByteKey(keyBytes));
                    break;
                }
            }
        });
    }

    /**
     * Sends the first keys of a peer's dirty set; removes them only if the send succeeded.
     */
    private boolean sendBatch(final long peer, final LinkedHashSet<ByteKey> dirty)
    {
        final LatticeStore store = shard.store();
        batchKeys.clear();
        batch.reset(keys, values);
        int valuesLength = 0;
        int keysLength = 0;
        final int budget = values.capacity() / 2;
        final Iterator<ByteKey> iterator = dirty.iterator();
        while (iterator.hasNext() && batchKeys.size() < gossipBatch)
        {
            final ByteKey key = iterator.next();
            final byte[] keyBytes = key.bytes();
            keyView.wrap(keyBytes);
            final int length = store.get(keyView, 0, keyBytes.length, values, valuesLength, values.capacity() - valuesLength);
            if (length < 0)
            {
                // Gone (dropped as corrupt) or larger than what is left: nothing to send for it now.
                if (length != StoreStatus.TOO_LARGE)
                {
                    iterator.remove();
                }
                break;
            }
            keys.putBytes(keysLength, keyBytes);
            batch.add(keysLength, keyBytes.length, valuesLength, length);
            batchKeys.add(key);
            keysLength += keyBytes.length;
            valuesLength += length + keyBytes.length;
            if (valuesLength > budget)
            {
                break;
            }
        }
        if (batchKeys.isEmpty())
        {
            return !dirty.isEmpty();
        }
        if (publisher.gossip(peer, shard.nodeId(), round, batch) != SendStatus.OK)
        {
            return false;
        }
        for (int i = 0, size = batchKeys.size(); i < size; i++)
        {
            dirty.remove(batchKeys.get(i));
        }
        return true;
    }
}
