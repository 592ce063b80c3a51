package io.droplet.store.node;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.PendingRequests;
import org.agrona.concurrent.CachedNanoClock;
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
import static io.droplet.store.node.ShardFixture.keyOffset;
import static io.droplet.store.node.ShardFixture.keyValue;
import static io.droplet.store.node.ShardFixture.longs;
import static io.droplet.store.node.ShardFixture.valueOffset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ack levels of a put, driven through the coordinator with a cached clock and a recording publisher: no
 * media driver, a real store on a temporary directory.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplicaCoordinatorTest
{
    private static final long SELF = 1;
    private static final long CLIENT = 100;
    private static final long CORRELATION = 7;
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final byte[] KEY = bytes("user:1");
    private static final byte[] VALUE = longs(42);

    @TempDir
    File directory;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final RecordingStoragePublisher publisher = new RecordingStoragePublisher();
    private ShardFixture fixture;
    private ReplicaCoordinator coordinator;

    @BeforeEach
    void start()
    {
        clock.update(TimeUnit.SECONDS.toNanos(1));
        fixture = new ShardFixture(directory, SELF, 3, 1, 2, 3);
        coordinator = new ReplicaCoordinator(fixture.shard, publisher, clock, TIMEOUT_NS,
            new PendingRequests(16, clock.nanoTime(), fixture.transportCounters), fixture.storeCounters.puts,
            fixture.storeCounters.mergesFromStrangers);
    }

    @AfterEach
    void stop()
    {
        fixture.close();
    }

    private void put(final AckLevel ack, final byte[] value)
    {
        final UnsafeBuffer frame = keyValue(KEY, value);
        coordinator.onPut(CORRELATION, CLIENT, ack, frame, keyOffset(), KEY.length, valueOffset(KEY), value.length);
    }

    /**
     * Moves time on in steps of a millisecond, a duty cycle each, as a running agent would (the timer wheel
     * behind the deadlines moves one tick per poll).
     */
    private void advance(final long nanos)
    {
        final long step = TimeUnit.MILLISECONDS.toNanos(1);
        for (long moved = 0; moved < nanos; moved += step)
        {
            clock.advance(Math.min(step, nanos - moved));
            coordinator.doWork(clock.nanoTime());
        }
    }

    @Test
    void ackOneIsAnsweredAfterTheLocalMergeAndForwardsWantNoAck()
    {
        put(AckLevel.ONE, VALUE);

        assertArrayEquals(VALUE, fixture.get(KEY), "merged locally before answering");
        final List<RecordingStoragePublisher.Sent> answers = publisher.ofType("putResponse");
        assertEquals(1, answers.size());
        assertEquals(CLIENT, answers.get(0).destination());
        assertEquals(CORRELATION, answers.get(0).correlationId());
        assertEquals(ErrorCode.NONE, answers.get(0).code());
        assertEquals("putResponse", publisher.sent.get(0).type(), "answered before the forwards go out");

        final List<RecordingStoragePublisher.Sent> forwards = publisher.ofType("replicaMerge");
        assertEquals(2, forwards.size(), "forwarded to the two other replicas");
        for (final RecordingStoragePublisher.Sent forward : forwards)
        {
            assertNotEquals(SELF, forward.destination());
            assertEquals(ReplicaCoordinator.NO_REPLY, forward.correlationId());
            assertEquals(SELF, forward.replyTo(), "names its sender, a member, though it wants no ack");
            assertArrayEquals(KEY, forward.keys().get(0));
            assertArrayEquals(VALUE, forward.values().get(0));
        }
        assertEquals(0, coordinator.pendingForwards());
        assertEquals(1, fixture.storeCounters.puts.get());

        advance(TIMEOUT_NS * 2);
        assertEquals(0, publisher.ofType("error").size(), "nothing awaited, nothing times out");
    }

    @Test
    void ackAllIsAnsweredOnlyWhenEveryReplicaAcknowledged()
    {
        put(AckLevel.ALL, VALUE);

        assertArrayEquals(VALUE, fixture.get(KEY));
        assertEquals(0, publisher.ofType("putResponse").size(), "not answered before the replicas acknowledge");
        final List<RecordingStoragePublisher.Sent> forwards = publisher.ofType("replicaMerge");
        assertEquals(2, forwards.size());
        final long first = forwards.get(0).correlationId();
        final long second = forwards.get(1).correlationId();
        assertNotEquals(ReplicaCoordinator.NO_REPLY, first);
        assertNotEquals(first, second);
        assertEquals(SELF, forwards.get(0).replyTo(), "replicas acknowledge to the coordinator");

        advance(TIMEOUT_NS / 2);
        coordinator.onReplicaAck(first, ErrorCode.NONE);
        assertEquals(0, publisher.ofType("putResponse").size(), "one replica of two is not ALL");

        coordinator.onReplicaAck(second, ErrorCode.NONE);
        final List<RecordingStoragePublisher.Sent> answers = publisher.ofType("putResponse");
        assertEquals(1, answers.size());
        assertEquals(CLIENT, answers.get(0).destination());
        assertEquals(CORRELATION, answers.get(0).correlationId());
        assertEquals(ErrorCode.NONE, answers.get(0).code());

        advance(TIMEOUT_NS * 2);
        assertEquals(0, publisher.ofType("error").size(), "an answered put does not time out");
        coordinator.onReplicaAck(second, ErrorCode.NONE);
        assertEquals(1, publisher.ofType("putResponse").size(), "a duplicate ack answers nothing");
    }

    @Test
    void ackAllFailsWithATimeoutAtTheDeadlineWhenAReplicaDoesNotAcknowledge()
    {
        put(AckLevel.ALL, VALUE);
        final List<RecordingStoragePublisher.Sent> forwards = publisher.ofType("replicaMerge");
        coordinator.onReplicaAck(forwards.get(0).correlationId(), ErrorCode.NONE);

        advance(TIMEOUT_NS - TimeUnit.MILLISECONDS.toNanos(50));
        assertEquals(0, publisher.ofType("error").size(), "not before the deadline");
        assertEquals(0, publisher.ofType("putResponse").size());

        advance(TimeUnit.MILLISECONDS.toNanos(100));
        final List<RecordingStoragePublisher.Sent> errors = publisher.ofType("error");
        assertEquals(1, errors.size());
        assertEquals(CLIENT, errors.get(0).destination());
        assertEquals(CORRELATION, errors.get(0).correlationId());
        assertEquals(ErrorCode.TIMEOUT, errors.get(0).code());
        assertEquals(0, publisher.ofType("putResponse").size());
        assertArrayEquals(VALUE, fixture.get(KEY), "the merges that happened stay");

        coordinator.onReplicaAck(forwards.get(1).correlationId(), ErrorCode.NONE);
        advance(TIMEOUT_NS);
        assertEquals(1, publisher.sent.stream().filter(s -> s.destination() == CLIENT).count(), "the client hears once");
    }

    @Test
    void aReplicaRefusalFailsTheAckAllPutOnce()
    {
        put(AckLevel.ALL, VALUE);
        final List<RecordingStoragePublisher.Sent> forwards = publisher.ofType("replicaMerge");
        coordinator.onReplicaAck(forwards.get(0).correlationId(), ErrorCode.NO_RESOURCES);
        coordinator.onReplicaAck(forwards.get(1).correlationId(), ErrorCode.NONE);
        advance(TIMEOUT_NS * 2);

        assertEquals(1, publisher.sent.stream().filter(s -> s.destination() == CLIENT).count());
        assertEquals(ErrorCode.NO_RESOURCES, publisher.ofType("error").get(0).code());
    }

    @Test
    void anInvalidValueIsRefusedWithATypedErrorAndNotForwarded()
    {
        put(AckLevel.ALL, new byte[]{ 1, 2, 3 });

        assertNull(fixture.get(KEY));
        assertEquals(1, publisher.sent.size());
        assertEquals(ErrorCode.INVALID_ARGUMENT, publisher.ofType("error").get(0).code());
    }

    @Test
    void aForwardedMergeIsMergedAndAcknowledgedToTheCoordinator()
    {
        final UnsafeBuffer frame = keyValue(KEY, VALUE);
        coordinator.onReplicaMerge(55, 2, frame, keyOffset(), KEY.length, valueOffset(KEY), VALUE.length);

        assertArrayEquals(VALUE, fixture.get(KEY));
        final List<RecordingStoragePublisher.Sent> acks = publisher.ofType("putResponse");
        assertEquals(1, acks.size());
        assertEquals(2, acks.get(0).destination());
        assertEquals(55, acks.get(0).correlationId());
        assertTrue(publisher.ofType("replicaMerge").isEmpty(), "a replica does not forward again");
    }
}
