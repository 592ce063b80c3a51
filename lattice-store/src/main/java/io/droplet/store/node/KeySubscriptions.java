package io.droplet.store.node;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.storage.LatticeStore;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The subscribers of each key (caches), and the push of a key's merged value to them after every merge
 * that changed it. Bounded: at most {@code maxSubscribedKeys} keys are watched; a subscription that would
 * go beyond is refused with NO_RESOURCES (the keys it added before reaching the bound stay watched).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
final class KeySubscriptions implements LocalShard.ChangeListener
{
    private final LocalShard shard;
    private final StoragePublisher publisher;
    private final EpochClock epochClock;
    private final int maxSubscribedKeys;
    private final Object2ObjectHashMap<ByteKey, LongHashSet> subscribersByKey = new Object2ObjectHashMap<>();
    private final UnsafeBuffer value;

    /**
     * @param shard             this node's part of the ring.
     * @param publisher         to push and answer with.
     * @param epochClock        stamps updates.
     * @param maxSubscribedKeys most keys watched at once.
     * @param maxValueLength    longest value pushed.
     */
    KeySubscriptions(
        final LocalShard shard,
        final StoragePublisher publisher,
        final EpochClock epochClock,
        final int maxSubscribedKeys,
        final int maxValueLength)
    {
        this.shard = shard;
        this.publisher = publisher;
        this.epochClock = epochClock;
        this.maxSubscribedKeys = maxSubscribedKeys;
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxValueLength));
    }

    /**
     * Watches keys for a subscriber and acknowledges, or refuses if the bound is reached.
     */
    void onSubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
    {
        final DirectBuffer buffer = keys.keys();
        for (int i = 0, count = keys.count(); i < count; i++)
        {
            final ByteKey key = ByteKey.copyOf(buffer, keys.keyOffset(i), keys.keyLength(i));
            LongHashSet subscribers = subscribersByKey.get(key);
            if (null == subscribers)
            {
                if (subscribersByKey.size() >= maxSubscribedKeys)
                {
                    publisher.error(subscriber, correlationId, ErrorCode.NO_RESOURCES,
                        "too many subscribed keys on this storage node");
                    return;
                }
                subscribers = new LongHashSet();
                subscribersByKey.put(key, subscribers);
            }
            subscribers.add(subscriber);
        }
        publisher.ack(subscriber, correlationId);
    }

    /**
     * Stops watching keys for a subscriber and acknowledges.
     */
    void onUnsubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
    {
        final DirectBuffer buffer = keys.keys();
        for (int i = 0, count = keys.count(); i < count; i++)
        {
            final ByteKey key = ByteKey.copyOf(buffer, keys.keyOffset(i), keys.keyLength(i));
            final LongHashSet subscribers = subscribersByKey.get(key);
            if (null != subscribers && subscribers.remove(subscriber) && subscribers.isEmpty())
            {
                subscribersByKey.remove(key);
            }
        }
        publisher.ack(subscriber, correlationId);
    }

    /**
     * Pushes a changed key's merged value to its subscribers.
     * {@inheritDoc}
     */
    public void onChanged(final DirectBuffer key, final int keyOffset, final int keyLength, final long source)
    {
        if (subscribersByKey.isEmpty())
        {
            return;
        }
        final LongHashSet subscribers = subscribersByKey.get(shard.changedKey(key, keyOffset, keyLength));
        if (null == subscribers || subscribers.isEmpty())
        {
            return;
        }
        final LatticeStore store = shard.store();
        final int valueLength = store.get(key, keyOffset, keyLength, value, 0, value.capacity());
        if (valueLength < 0)
        {
            return;
        }
        final long timestampNs = epochClock.time() * 1_000_000L;
        final LongHashSet.LongIterator iterator = subscribers.iterator();
        while (iterator.hasNext())
        {
            publisher.keyUpdate(iterator.nextValue(), shard.nodeId(), timestampNs,
                key, keyOffset, keyLength, value, 0, valueLength);
        }
    }

    /**
     * @return keys watched by at least one subscriber.
     */
    int subscribedKeys()
    {
        return subscribersByKey.size();
    }
}
