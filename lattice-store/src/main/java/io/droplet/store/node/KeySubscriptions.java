package io.droplet.store.node;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.storage.LatticeStore;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.collections.ObjectHashSet;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;

/**
 * The subscribers of each key (caches), and the push of a key's merged value to them after every merge
 * that changed it. Bounded: at most {@code maxSubscribedKeys} keys are watched, at most
 * {@link SubscriptionBounds#keysPerSubscriber()} for one subscriber, and their bytes at most
 * {@link SubscriptionBounds#keyBytes()}; a subscription that would go beyond is refused with NO_RESOURCES and
 * counted (the keys it added before reaching the bound stay watched). A subscriber that goes away lets go of
 * everything it watched: one the node cannot answer (its acknowledgement or an update finds no such destination,
 * or its link closed) is dropped with all its keys, so a subscription under a made-up subscriber id holds nothing.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
final class KeySubscriptions implements LocalShard.ChangeListener
{
    private final LocalShard shard;
    private final StoragePublisher publisher;
    private final EpochClock epochClock;
    private final int maxSubscribedKeys;
    private final int maxKeysPerSubscriber;
    private final long maxKeyBytes;
    private final AtomicCounter refused;
    private final Object2ObjectHashMap<ByteKey, LongHashSet> subscribersByKey = new Object2ObjectHashMap<>();
    private final Long2ObjectHashMap<ObjectHashSet<ByteKey>> keysBySubscriber = new Long2ObjectHashMap<>();
    private final LongArrayList gone = new LongArrayList();
    private final UnsafeBuffer value;
    private long keyBytes;

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
        this(shard, publisher, epochClock, maxSubscribedKeys, maxValueLength, new SubscriptionBounds(), null);
    }

    /**
     * @param shard             this node's part of the ring.
     * @param publisher         to push and answer with.
     * @param epochClock        stamps updates.
     * @param maxSubscribedKeys most keys watched at once.
     * @param maxValueLength    longest value pushed.
     * @param bounds            per subscriber and in bytes.
     * @param refused           counts subscriptions refused and subscribers dropped, or null.
     */
    KeySubscriptions(
        final LocalShard shard,
        final StoragePublisher publisher,
        final EpochClock epochClock,
        final int maxSubscribedKeys,
        final int maxValueLength,
        final SubscriptionBounds bounds,
        final AtomicCounter refused)
    {
        this.shard = shard;
        this.publisher = publisher;
        this.epochClock = epochClock;
        this.maxSubscribedKeys = maxSubscribedKeys;
        this.maxKeysPerSubscriber = bounds.keysPerSubscriber();
        this.maxKeyBytes = bounds.keyBytes();
        this.refused = refused;
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxValueLength));
    }

    /**
     * Watches keys for a subscriber and acknowledges, or refuses if a bound is reached.
     */
    void onSubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
    {
        final DirectBuffer buffer = keys.keys();
        ObjectHashSet<ByteKey> watched = keysBySubscriber.get(subscriber);
        for (int i = 0, count = keys.count(); i < count; i++)
        {
            final ByteKey key = ByteKey.copyOf(buffer, keys.keyOffset(i), keys.keyLength(i));
            if (null != watched && watched.contains(key))
            {
                continue;
            }
            LongHashSet subscribers = subscribersByKey.get(key);
            final boolean newKey = null == subscribers;
            if ((null != watched && watched.size() >= maxKeysPerSubscriber) ||
                (newKey && (subscribersByKey.size() >= maxSubscribedKeys || keyBytes + key.bytes().length > maxKeyBytes)))
            {
                count(1);
                publisher.error(subscriber, correlationId, ErrorCode.NO_RESOURCES,
                    "too many subscribed keys on this storage node");
                return;
            }
            if (newKey)
            {
                subscribers = new LongHashSet();
                subscribersByKey.put(key, subscribers);
                keyBytes += key.bytes().length;
            }
            if (null == watched)
            {
                watched = new ObjectHashSet<>();
                keysBySubscriber.put(subscriber, watched);
            }
            subscribers.add(subscriber);
            watched.add(key);
        }
        if (isGone(publisher.ack(subscriber, correlationId)))
        {
            drop(subscriber);
        }
    }

    /**
     * Stops watching keys for a subscriber and acknowledges.
     */
    void onUnsubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
    {
        final DirectBuffer buffer = keys.keys();
        final ObjectHashSet<ByteKey> watched = keysBySubscriber.get(subscriber);
        for (int i = 0, count = keys.count(); i < count; i++)
        {
            final ByteKey key = ByteKey.copyOf(buffer, keys.keyOffset(i), keys.keyLength(i));
            unwatch(subscriber, key);
            if (null != watched)
            {
                watched.remove(key);
            }
        }
        if (null != watched && watched.isEmpty())
        {
            keysBySubscriber.remove(subscriber);
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
            final long subscriber = iterator.nextValue();
            if (isGone(publisher.keyUpdate(subscriber, shard.nodeId(), timestampNs, key, keyOffset, keyLength, value, 0, valueLength)))
            {
                gone.addLong(subscriber);
            }
        }
        // Dropped after the walk: dropping changes the set being walked.
        for (int i = 0; i < gone.size(); i++)
        {
            drop(gone.getLong(i));
        }
        gone.clear();
    }

    /**
     * @return keys watched by at least one subscriber.
     */
    int subscribedKeys()
    {
        return subscribersByKey.size();
    }

    /**
     * @return subscribers watching at least one key.
     */
    int subscribers()
    {
        return keysBySubscriber.size();
    }

    /**
     * @return bytes of the keys watched.
     */
    long keyBytes()
    {
        return keyBytes;
    }

    /**
     * A send status that says the subscriber is not there: no such destination, or its link closed. A link not yet
     * connected or back-pressured is not: the subscriber may be starting, or busy.
     */
    private static boolean isGone(final int status)
    {
        return status == SendStatus.UNKNOWN_DESTINATION || status == SendStatus.CLOSED;
    }

    private void drop(final long subscriber)
    {
        final ObjectHashSet<ByteKey> watched = keysBySubscriber.remove(subscriber);
        if (null == watched)
        {
            return;
        }
        for (final ByteKey key : watched)
        {
            unwatch(subscriber, key);
        }
        count(1);
    }

    private void unwatch(final long subscriber, final ByteKey key)
    {
        final LongHashSet subscribers = subscribersByKey.get(key);
        if (null != subscribers && subscribers.remove(subscriber) && subscribers.isEmpty())
        {
            subscribersByKey.remove(key);
            keyBytes -= key.bytes().length;
        }
    }

    private void count(final int events)
    {
        if (null != refused)
        {
            refused.getAndAddRelease(events);
        }
    }
}
