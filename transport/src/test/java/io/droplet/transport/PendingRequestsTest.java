package io.droplet.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class PendingRequestsTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TransportCounters counters = TestCounters.create();
    private final List<Long> timedOut = new ArrayList<>();

    @Test
    void completesOnceAndCountsUnknownResponses()
    {
        final PendingRequests pending = new PendingRequests(16, 0, counters);
        assertTrue(pending.track(1, 100 * MS));
        assertTrue(pending.track(2, 100 * MS));
        assertFalse(pending.track(2, 100 * MS), "duplicate correlation id");

        assertTrue(pending.complete(1));
        assertFalse(pending.complete(1), "second response to the same request");
        assertFalse(pending.complete(99), "never sent");
        assertEquals(2, counters.unknownCorrelations.get());
        assertEquals(1, pending.size());
    }

    @Test
    void expiresAtTheDeadlineNeverBefore()
    {
        final PendingRequests pending = new PendingRequests(16, 0, counters);
        pending.track(1, 10 * MS);
        pending.track(2, 50 * MS);

        for (long t = 0; t < 10 * MS; t += MS / 4)
        {
            assertEquals(0, pending.expire(t, timedOut::add), "nothing before the first deadline at " + t);
        }
        expireUntil(pending, 10 * MS, 12 * MS);
        assertEquals(List.of(1L), timedOut);

        assertFalse(pending.complete(1), "a response after the timeout is dropped");
        assertEquals(1, counters.unknownCorrelations.get());

        assertTrue(pending.complete(2));
        expireUntil(pending, 12 * MS, 100 * MS);
        assertEquals(List.of(1L), timedOut, "a completed request never times out");
        assertEquals(1, counters.requestsTimedOut.get());
    }

    @Test
    void refusesBeyondCapacityAndCancelsQuietly()
    {
        final PendingRequests pending = new PendingRequests(2, 0, counters);
        assertTrue(pending.track(1, MS));
        assertTrue(pending.track(2, MS));
        assertFalse(pending.track(3, MS));
        assertEquals(1, counters.requestsRefused.get());

        pending.cancel(1);
        assertFalse(pending.isPending(1));
        expireUntil(pending, 0, 10 * MS);
        assertEquals(List.of(2L), timedOut, "a cancelled request does not time out");
        assertEquals(0, counters.unknownCorrelations.get());
    }

    @Test
    void expiresAfterALongIdleGap()
    {
        final PendingRequests pending = new PendingRequests(4, 0, counters);
        pending.expire(TimeUnit.SECONDS.toNanos(60), timedOut::add);
        final long start = TimeUnit.SECONDS.toNanos(60);
        pending.track(7, start + 5 * MS);
        assertEquals(0, pending.expire(start + 4 * MS, timedOut::add));
        expireUntil(pending, start + 4 * MS, start + 7 * MS);
        assertEquals(List.of(7L), timedOut);
    }

    private void expireUntil(final PendingRequests pending, final long from, final long until)
    {
        // A duty cycle polls many times per tick; emulate it with a fine step.
        for (long t = from; t <= until; t += MS / 8)
        {
            pending.expire(t, timedOut::add);
        }
    }
}
