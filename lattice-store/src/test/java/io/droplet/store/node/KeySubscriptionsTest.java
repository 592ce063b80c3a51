package io.droplet.store.node;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.droplet.store.node.ShardFixture.bytes;
import static io.droplet.store.node.ShardFixture.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Subscriptions driven through their methods and a shard's merges, with a cached epoch clock and a
 * recording publisher.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeySubscriptionsTest
{
    private static final long SELF = 1;
    private static final long CACHE = 300;

    @TempDir
    File directory;

    private final CachedEpochClock epochClock = new CachedEpochClock();
    private final RecordingStoragePublisher publisher = new RecordingStoragePublisher();
    private ShardFixture fixture;
    private KeySubscriptions subscriptions;

    @BeforeEach
    void start()
    {
        epochClock.update(1_234);
        fixture = new ShardFixture(directory, SELF, 1, SELF);
        subscriptions = new KeySubscriptions(fixture.shard, publisher, epochClock, 2, 4096);
        fixture.shard.addChangeListener(subscriptions);
    }

    @AfterEach
    void stop()
    {
        fixture.close();
    }

    private static EntryBatch keys(final String... keys)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final EntryBatch batch = new EntryBatch(1).reset(buffer, buffer);
        int offset = 5;
        for (final String key : keys)
        {
            final byte[] bytes = bytes(key);
            buffer.putBytes(offset, bytes);
            batch.add(offset, bytes.length, 0, -1);
            offset += bytes.length + 3;
        }
        return batch;
    }

    private void write(final String key, final long value)
    {
        final byte[] keyBytes = bytes(key);
        final byte[] valueBytes = longs(value);
        fixture.shard.merge(new UnsafeBuffer(keyBytes), 0, keyBytes.length, new UnsafeBuffer(valueBytes), 0, valueBytes.length, 0);
    }

    @Test
    void everyChangeOfAWatchedKeyIsPushedAndNothingElse()
    {
        subscriptions.onSubscribe(11, CACHE, keys("watched"));
        assertEquals(11, publisher.ofType("ack").get(0).correlationId());

        write("watched", 7);
        write("other", 8);
        write("watched", 7);
        write("watched", 9);

        final List<RecordingStoragePublisher.Sent> updates = publisher.ofType("keyUpdate");
        assertEquals(2, updates.size(), "one update per change; an unchanged merge sends none");
        assertEquals(CACHE, updates.get(0).destination());
        assertEquals(1_234_000_000L, updates.get(0).correlationId(), "stamped from the injected clock");
        assertArrayEquals(longs(7), updates.get(0).values().get(0));
        assertArrayEquals(longs(7, 9), updates.get(1).values().get(0));

        subscriptions.onUnsubscribe(12, CACHE, keys("watched"));
        write("watched", 11);
        assertEquals(2, publisher.ofType("keyUpdate").size());
        assertEquals(0, subscriptions.subscribedKeys());
    }

    @Test
    void subscriptionsBeyondTheBoundAreRefused()
    {
        subscriptions.onSubscribe(1, CACHE, keys("a", "b"));
        subscriptions.onSubscribe(2, CACHE, keys("a", "c"));

        assertEquals(1, publisher.ofType("ack").size());
        final List<RecordingStoragePublisher.Sent> errors = publisher.ofType("error");
        assertEquals(1, errors.size());
        assertEquals(2, errors.get(0).correlationId());
        assertEquals(ErrorCode.NO_RESOURCES, errors.get(0).code());
        assertEquals(2, subscriptions.subscribedKeys());
    }

    private KeySubscriptions bounded(final SubscriptionBounds bounds)
    {
        final KeySubscriptions bounded = new KeySubscriptions(fixture.shard, publisher, epochClock, 1000, 4096, bounds, null);
        fixture.shard.addChangeListener(bounded);
        return bounded;
    }

    @Test
    void oneSubscriberPastItsBoundIsRefusedWhileOthersAreServed()
    {
        final KeySubscriptions bounded = bounded(new SubscriptionBounds().keysPerSubscriber(2));
        bounded.onSubscribe(1, CACHE, keys("a", "b"));
        bounded.onSubscribe(2, CACHE, keys("a", "c"));
        bounded.onSubscribe(3, CACHE + 1, keys("c", "d"));

        final List<RecordingStoragePublisher.Sent> errors = publisher.ofType("error");
        assertEquals(1, errors.size());
        assertEquals(2, errors.get(0).correlationId(), "a key it watches already costs nothing; a third one is refused");
        assertEquals(ErrorCode.NO_RESOURCES, errors.get(0).code());
        assertEquals(4, bounded.subscribedKeys());
    }

    @Test
    void watchedKeysPastTheirBytesAreRefused()
    {
        final KeySubscriptions bounded = bounded(new SubscriptionBounds().keyBytes(10));
        bounded.onSubscribe(1, CACHE, keys("12345", "67890"));
        bounded.onSubscribe(2, CACHE + 1, keys("x"));

        assertEquals(ErrorCode.NO_RESOURCES, publisher.ofType("error").get(0).code());
        assertEquals(10, bounded.keyBytes());
        bounded.onUnsubscribe(3, CACHE, keys("12345"));
        assertEquals(5, bounded.keyBytes(), "given back when unwatched");
        bounded.onSubscribe(4, CACHE + 1, keys("x"));
        assertEquals(1, publisher.ofType("error").size());
    }

    @Test
    void aSubscriberThatIsNotThereHoldsNothing()
    {
        final KeySubscriptions bounded = bounded(new SubscriptionBounds());
        publisher.unknown.add(999);
        bounded.onSubscribe(1, 999, keys("a", "b", "c"));

        assertEquals(0, bounded.subscribedKeys(), "its acknowledgement found no such destination");
        assertEquals(0, bounded.subscribers());
        assertEquals(0, bounded.keyBytes());
    }

    @Test
    void aSubscriberThatGoesAwayLetsGoOfEveryKeyAtItsNextUpdate()
    {
        final KeySubscriptions bounded = bounded(new SubscriptionBounds());
        bounded.onSubscribe(1, CACHE, keys("a", "b"));
        bounded.onSubscribe(2, CACHE + 1, keys("a"));
        publisher.unknown.add(CACHE);

        write("a", 1);
        assertEquals(1, bounded.subscribers());
        assertEquals(1, bounded.subscribedKeys(), "only the key the other subscriber watches stays");
        write("a", 2);
        final List<RecordingStoragePublisher.Sent> updates = publisher.ofType("keyUpdate");
        assertEquals(CACHE + 1, updates.get(updates.size() - 1).destination());
    }
}
