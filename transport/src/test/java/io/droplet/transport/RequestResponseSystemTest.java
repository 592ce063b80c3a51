package io.droplet.transport;

import io.droplet.test.SystemTestWatcher;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many request/response pairs with many in flight: every response arrives exactly once, in its
 * own correlation, none lost, none duplicated, none timed out.
 */
class RequestResponseSystemTest
{
    private static final int WINDOW = 64;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void millionPairsOverIpc()
    {
        try (EchoFixture fixture = new EchoFixture(false, watcher::aeronDirectory, context -> { }))
        {
            runPairs(fixture, 1_000_000);
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void twoHundredThousandPairsOverUdp()
    {
        try (EchoFixture fixture = new EchoFixture(true, watcher::aeronDirectory, context -> { }))
        {
            assertTrue(fixture.requesterChannels.peers().publisher(EchoFixture.RESPONDER_ID).channel().startsWith("aeron:udp"));
            runPairs(fixture, 200_000);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sharedProfileDriverOnItsOwnThread()
    {
        try (EchoFixture fixture = new EchoFixture(false, watcher::aeronDirectory,
            context -> context.threadingProfile(ThreadingProfile.SHARED)))
        {
            assertTrue(!fixture.requesterTransport.isInvoker(), "driver and client conductor run their own threads");
            runPairs(fixture, 20_000);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void dedicatedProfileOverUdp()
    {
        try (EchoFixture fixture = new EchoFixture(true, watcher::aeronDirectory,
            context -> context.threadingProfile(ThreadingProfile.DEDICATED)))
        {
            runPairs(fixture, 2_000);
        }
    }

    private static void runPairs(final EchoFixture fixture, final int count)
    {
        fixture.awaitConnected();
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        final long deadlineBudget = TimeUnit.SECONDS.toNanos(30);
        final long[] payloadByCorrelation = new long[count + 1];
        int sent = 0;

        while (fixture.pongs + fixture.errors.size() < count)
        {
            while (sent < count && fixture.requester.inFlight() < WINDOW)
            {
                // The payload carries a value derived from the send order: the pong must echo it in the same correlation.
                final long marker = (long)sent * 31 + 7;
                payload.putLong(0, marker);
                final long correlationId = fixture.requester.ping(payload, 0, 32, System.nanoTime() + deadlineBudget);
                assertTrue(correlationId > 0, () -> "ping not sent: " + SendStatus.name((int)correlationId));
                payloadByCorrelation[(int)correlationId] = marker;
                sent++;
            }
            fixture.dutyCycle();
        }

        assertEquals(0, fixture.errors.size(), () -> "errors: first correlation " + fixture.errors.get(0)[0] +
            " code " + fixture.errors.get(0)[1] + ", pongs dropped by responder " + fixture.responder.pongsDropped() +
            ", frames received by responder " + fixture.responderChannels.counters().framesReceived.get() +
            ", rejected " + fixture.responderChannels.counters().framesRejected.get() +
            ", requester back-pressured " + fixture.requesterChannels.counters().backPressured.get() +
            ", responder back-pressured " + fixture.responderChannels.counters().backPressured.get() +
            ", responder not connected " + fixture.responderChannels.counters().notConnected.get());
        assertEquals(0, fixture.duplicates, "duplicates");
        assertEquals(count, fixture.pongs, "pongs");
        assertEquals(count, fixture.pongPayloadByCorrelation.size(), "distinct correlations answered");
        for (int correlationId = 1; correlationId <= count; correlationId++)
        {
            final long echoed = fixture.pongPayloadByCorrelation.get(correlationId);
            if (echoed != payloadByCorrelation[correlationId])
            {
                throw new AssertionError("correlation " + correlationId + " got payload " + echoed +
                    " expected " + payloadByCorrelation[correlationId]);
            }
        }

        final TransportCounters requesterCounters = fixture.requesterChannels.counters();
        final TransportCounters responderCounters = fixture.responderChannels.counters();
        assertEquals(0, requesterCounters.unknownCorrelations.get());
        assertEquals(0, requesterCounters.requestsTimedOut.get());
        assertEquals(0, responderCounters.framesRejected.get());
        assertEquals(count, responderCounters.framesReceived.get());
        assertEquals(count, fixture.responder.pongsSent());
        assertEquals(0, fixture.requester.inFlight());
    }
}
