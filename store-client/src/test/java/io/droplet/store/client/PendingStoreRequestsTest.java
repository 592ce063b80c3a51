package io.droplet.store.client;

import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.SendStatus;
import io.droplet.transport.TransportCounters;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage requests in flight and the failover they drive, on a cached clock without a media driver.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PendingStoreRequestsTest
{
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long SUSPECT_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final CachedNanoClock clock = new CachedNanoClock();
    private final TransportCounters counters;
    private final HashRing ring = new HashRing(HashRing.DEFAULT_VIRTUAL_NODES);
    private final UnsafeBuffer key = new UnsafeBuffer("some-key".getBytes(StandardCharsets.UTF_8));
    private final long[] replicas = new long[3];
    private final LongArrayList timedOut = new LongArrayList();
    private final PendingStoreRequests pending;

    PendingStoreRequestsTest()
    {
        clock.update(-7_000_000_000L);
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[1024 * 1024]), new UnsafeBuffer(new byte[64 * 1024]));
        counters = new TransportCounters((typeId, label) -> manager.newCounter(label, typeId), "test");
        ring.add(21);
        ring.add(22);
        ring.add(23);
        ring.replicas(key, 0, key.capacity(), 3, replicas);
        pending = new PendingStoreRequests(16, clock.nanoTime(), counters,
            new ReplicaFailover(ring, 3, SUSPECT_NS, clock));
    }

    private int advance(final long ns)
    {
        int expired = 0;
        for (long left = ns; left > 0; left -= 500_000)
        {
            clock.advance(Math.min(500_000, left));
            expired += pending.expire(clock.nanoTime(), timedOut::addLong);
        }
        return expired;
    }

    @Test
    void anUnansweredRequestTimesOutAndItsKeyFailsOverToTheNextReplica()
    {
        final long primary = pending.nodeFor(key, 0, key.capacity());
        assertEquals(replicas[0], primary);
        assertTrue(pending.track(1, primary, clock.nanoTime() + TIMEOUT_NS));
        assertEquals(0, advance(TIMEOUT_NS / 2));
        assertTrue(pending.isPending(1));

        assertEquals(1, advance(TIMEOUT_NS));
        assertEquals(1, timedOut.size());
        assertEquals(1L, timedOut.getLong(0));
        assertFalse(pending.isPending(1));
        assertEquals(replicas[1], pending.nodeFor(key, 0, key.capacity()), "the next replica takes the key");

        assertFalse(pending.onAnswer(1), "the primary's late answer is dropped");
        assertEquals(1, counters.unknownCorrelations.get(), "and counted");
    }

    @Test
    void anAnswerEndsTheRequestAndClearsItsNode()
    {
        assertTrue(pending.track(1, replicas[0], clock.nanoTime() + TIMEOUT_NS));
        advance(TIMEOUT_NS * 2);
        assertEquals(replicas[1], pending.nodeFor(key, 0, key.capacity()));

        assertTrue(pending.track(2, replicas[0], clock.nanoTime() + TIMEOUT_NS));
        assertTrue(pending.onAnswer(2), "answered in time");
        assertEquals(replicas[0], pending.nodeFor(key, 0, key.capacity()), "a node that answers is up again");
        assertEquals(0, advance(TIMEOUT_NS * 2), "nothing left to time out");
    }

    @Test
    void aSendRefusedByADownLinkSuspectsTheNodeAndOtherFailuresDoNot()
    {
        assertTrue(pending.track(1, replicas[0], clock.nanoTime() + TIMEOUT_NS));
        pending.onSendFailed(1, SendStatus.PAYLOAD_TOO_LARGE);
        assertEquals(replicas[0], pending.nodeFor(key, 0, key.capacity()), "too large says nothing of the node");
        assertFalse(pending.isPending(1));

        assertTrue(pending.track(2, replicas[0], clock.nanoTime() + TIMEOUT_NS));
        pending.onSendFailed(2, SendStatus.NOT_CONNECTED);
        assertEquals(replicas[1], pending.nodeFor(key, 0, key.capacity()));
        assertEquals(0, advance(TIMEOUT_NS * 2), "a request not sent does not time out");
        advance(SUSPECT_NS);
        assertEquals(replicas[0], pending.nodeFor(key, 0, key.capacity()), "tried again once the suspicion ends");
    }

    @Test
    void refusesBeyondItsCapacityAndWithoutARing()
    {
        for (int i = 1; i <= 16; i++)
        {
            assertTrue(pending.track(i, replicas[0], clock.nanoTime() + TIMEOUT_NS));
        }
        assertFalse(pending.track(17, replicas[0], clock.nanoTime() + TIMEOUT_NS));
        assertEquals(1, counters.requestsRefused.get());

        final PendingStoreRequests noRing = new PendingStoreRequests(16, clock.nanoTime(), counters, null);
        assertThrows(IllegalStateException.class, () -> noRing.nodeFor(key, 0, key.capacity()));
    }
}
