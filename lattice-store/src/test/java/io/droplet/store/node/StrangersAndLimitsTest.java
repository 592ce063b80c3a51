package io.droplet.store.node;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.PendingRequests;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static io.droplet.store.node.ShardFixture.bytes;
import static io.droplet.store.node.ShardFixture.keyOffset;
import static io.droplet.store.node.ShardFixture.keyValue;
import static io.droplet.store.node.ShardFixture.longs;
import static io.droplet.store.node.ShardFixture.valueOffset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A storage node takes gossip and replica merges only from the other members of its ring (in open mode too),
 * and answers a get whose answer would not fit a message with PAYLOAD_TOO_LARGE; each is counted.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StrangersAndLimitsTest
{
    private static final long SELF = 1;
    private static final long STRANGER = 99;
    private static final byte[] KEY = bytes("k");

    @TempDir
    File directory;

    @Test
    void gossipFromANodeOutsideTheRingIsDroppedAndCounted()
    {
        try (ShardFixture node = new ShardFixture(directory, SELF, 2, SELF, 2))
        {
            final AntiEntropy antiEntropy = new AntiEntropy(node.shard, new RecordingStoragePublisher(), new long[]{ 2 },
                TimeUnit.MILLISECONDS.toNanos(10), 256, 8, 64 * 1024, node.storeCounters.gossipRounds, 0,
                node.storeCounters.gossipFromStrangers);
            final UnsafeBuffer frame = keyValue(KEY, longs(666));
            final EntryBatch entries = new EntryBatch(4).reset(frame, frame);
            entries.add(keyOffset(), KEY.length, valueOffset(KEY), 8);

            antiEntropy.onGossip(STRANGER, 1, entries);
            antiEntropy.onGossip(SELF, 1, entries);
            assertNull(node.get(KEY), "neither a stranger's nor one claiming to be this node is merged");
            assertEquals(2, node.storeCounters.gossipFromStrangers.get());

            antiEntropy.onGossip(2, 1, entries);
            assertArrayEquals(longs(666), node.get(KEY), "a member's is");
            assertEquals(2, node.storeCounters.gossipFromStrangers.get());
        }
    }

    @Test
    void aReplicaMergeFromANodeOutsideTheRingIsDroppedAndCounted()
    {
        try (ShardFixture node = new ShardFixture(directory, SELF, 3, SELF, 2, 3))
        {
            final CachedNanoClock clock = new CachedNanoClock();
            final RecordingStoragePublisher publisher = new RecordingStoragePublisher();
            final ReplicaCoordinator coordinator = new ReplicaCoordinator(node.shard, publisher, clock, 1_000_000_000L,
                new PendingRequests(16, clock.nanoTime(), node.transportCounters), node.storeCounters.puts,
                node.storeCounters.mergesFromStrangers);
            final UnsafeBuffer frame = keyValue(KEY, longs(7));

            coordinator.onReplicaMerge(55, STRANGER, frame, keyOffset(), KEY.length, valueOffset(KEY), 8);
            coordinator.onReplicaMerge(ReplicaCoordinator.NO_REPLY, ReplicaCoordinator.NO_REPLY, frame, keyOffset(),
                KEY.length, valueOffset(KEY), 8);
            assertNull(node.get(KEY));
            assertTrue(publisher.sent.isEmpty(), "no answer to a stranger");
            assertEquals(2, node.storeCounters.mergesFromStrangers.get());

            coordinator.onReplicaMerge(ReplicaCoordinator.NO_REPLY, 2, frame, keyOffset(), KEY.length, valueOffset(KEY), 8);
            assertArrayEquals(longs(7), node.get(KEY), "a member's forward is merged");
            assertTrue(publisher.sent.isEmpty(), "and not acknowledged when it asked for no ack");
        }
    }

    @Test
    void aGetWhoseAnswerWouldNotFitAMessageIsAnsweredPayloadTooLarge()
    {
        final int maxMessageLength = 256;
        try (ShardFixture node = new ShardFixture(directory, SELF, 1, SELF))
        {
            final RecordingStoragePublisher publisher = new RecordingStoragePublisher();
            final AtomicCounter tooLarge = node.storeCounters.getsTooLarge;
            final ShardReader reader = new ShardReader(node.store, publisher, node.storeCounters.gets,
                node.storeCounters.readsDataLost, maxMessageLength, 16, tooLarge);
            // 30 longs: the value fits the message, the answer (header, key echoed, framing) does not, by a few bytes.
            put(node, "fits-not", 30);
            put(node, "larger", 40);
            put(node, "small", 2);

            get(reader, 1, "fits-not");
            get(reader, 2, "larger");
            get(reader, 3, "small");

            assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, publisher.sent.get(0).code());
            assertEquals("error", publisher.sent.get(0).type());
            assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, publisher.sent.get(1).code(), "not KEY_NOT_FOUND: it exists");
            assertEquals("getResponse", publisher.sent.get(2).type());
            assertEquals(ErrorCode.NONE, publisher.sent.get(2).code());
            assertEquals(2, tooLarge.get());
        }
    }

    private static void put(final ShardFixture node, final String key, final int longs)
    {
        final long[] values = new long[longs];
        for (int i = 0; i < longs; i++)
        {
            values[i] = i;
        }
        final byte[] value = longs(values);
        final byte[] keyBytes = bytes(key);
        assertTrue(node.shard.merge(new UnsafeBuffer(keyBytes), 0, keyBytes.length, new UnsafeBuffer(value), 0, value.length, 0) >= 0);
    }

    private static void get(final ShardReader reader, final long correlationId, final String key)
    {
        final byte[] keyBytes = bytes(key);
        reader.onGet(correlationId, 100, new UnsafeBuffer(keyBytes), 0, keyBytes.length);
    }
}
