package io.droplet.transport;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A responder that stops polling: the requester's publisher meets back-pressure, reports it when
 * the deadline passes instead of blocking, counts it, and every ping already sent ends in TIMEOUT,
 * never before its deadline.
 */
class BackPressureTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stalledSubscriberGivesBackPressureThenTimeout()
    {
        // 4 KiB messages give 64 KiB terms: the publication window (half a term) fills after ~32 pings.
        try (EchoFixture fixture = new EchoFixture(false, watcher::aeronDirectory, context -> context.maxMessageLength(4096)))
        {
            fixture.awaitConnected();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[1000]);
            final Long2LongHashMap deadlineByCorrelation = new Long2LongHashMap(Long.MIN_VALUE);
            final long deadlineBudget = TimeUnit.MILLISECONDS.toNanos(200);

            long status;
            int sent = 0;
            while (true)
            {
                // Only the requester works from here on: the responder's subscription is never polled again.
                final long deadline = System.nanoTime() + deadlineBudget;
                status = fixture.requester.ping(payload, 0, payload.capacity(), deadline);
                if (status < 0)
                {
                    break;
                }
                deadlineByCorrelation.put(status, deadline);
                sent++;
                assertTrue(sent < 1000, "never back-pressured");
            }

            assertEquals(SendStatus.BACK_PRESSURED, (int)status, SendStatus.name((int)status));
            assertTrue(sent > 0, "some pings went out before the window filled");
            final TransportCounters counters = fixture.requesterChannels.counters();
            assertEquals(1, counters.backPressured.get(), "one send met back-pressure");
            assertEquals(1, counters.sendFailures.get(), "and was given up at its deadline");

            final int expected = sent;
            Await.until(
                () -> { fixture.requesterTransport.invoke(); fixture.requester.doWork(); },
                () -> fixture.errors.size() == expected,
                Duration.ofSeconds(30),
                () -> fixture.errors.size() + " of " + expected + " pings ended");

            assertEquals(0, fixture.pongs);
            for (final long[] error : fixture.errors)
            {
                final long correlationId = error[0];
                assertEquals(ErrorCode.TIMEOUT.value(), (short)error[1]);
                final long lateBy = fixture.errorTimeByCorrelation.get(correlationId) - deadlineByCorrelation.get(correlationId);
                assertTrue(lateBy >= 0, "TIMEOUT reported before the deadline for " + correlationId);
            }
            assertEquals(expected, counters.requestsTimedOut.get());
            assertEquals(0, fixture.requester.inFlight());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void deferredSendsCountEachMessageOnceHoweverOftenRetried()
    {
        try (EchoFixture fixture = new EchoFixture(false, watcher::aeronDirectory, context -> context.maxMessageLength(4096)))
        {
            fixture.awaitConnected();
            final TransportCounters counters = fixture.requesterChannels.counters();
            final long sentBefore = counters.messagesSent.get();
            final long failuresBefore = counters.sendFailures.get();
            final long backPressuredBefore = counters.backPressured.get();
            final DeferredSends sends = new DeferredSends(
                fixture.requesterChannels.peers(), counters, TimeUnit.MILLISECONDS.toNanos(300), 64);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[1000]);

            // The responder never reads: the window fills, then messages are kept, up to the capacity.
            int sendsOk = 0;
            while (sends.size() < 10)
            {
                assertEquals(SendStatus.OK, sends.send(EchoFixture.RESPONDER_ID, frame, 0, frame.capacity(), System.nanoTime()));
                sendsOk++;
                assertTrue(sendsOk < 1000, "never back-pressured");
            }
            final int kept = sends.size();
            final long offeredStraight = counters.messagesSent.get() - sentBefore;
            assertEquals(sendsOk, offeredStraight + kept, "each message either sent or kept");

            // Retried on every pass until the window passes, then given up.
            int passes = 0;
            while (sends.size() > 0)
            {
                fixture.requesterTransport.invoke();
                sends.retry(System.nanoTime());
                passes++;
                assertTrue(passes < 100_000_000, "kept messages never given up");
            }
            assertTrue(passes > 1, "retried more than once before giving up: " + passes);
            assertEquals(offeredStraight, counters.messagesSent.get() - sentBefore, "nothing more went out");
            assertEquals(kept, counters.sendFailures.get() - failuresBefore, "one failure per message given up");
            assertEquals(1, counters.backPressured.get() - backPressuredBefore,
                "one back-pressured send: the messages after it queued behind it");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void claimEncodesInPlaceWhileTheLinkIsReadyAndKeepsMessagesWhenItIsNot()
    {
        try (EchoFixture fixture = new EchoFixture(false, watcher::aeronDirectory, context -> context.maxMessageLength(4096)))
        {
            fixture.awaitConnected();
            final TransportCounters counters = fixture.requesterChannels.counters();
            final DeferredSends sends = new DeferredSends(
                fixture.requesterChannels.peers(), counters, TimeUnit.MILLISECONDS.toNanos(300), 64);
            final MessagePublisher publisher = fixture.requesterChannels.peers().publisher(EchoFixture.RESPONDER_ID);

            // Nothing waits and the link is ready: the space is the publication's own term buffer.
            long sentBefore = counters.messagesSent.get();
            assertEquals(SendStatus.OK, sends.claim(EchoFixture.RESPONDER_ID, 100, System.nanoTime()));
            assertTrue(sends.buffer() == publisher.buffer(), "claimed in the term, not in a scratch buffer");
            sends.buffer().setMemory(sends.offset(), 100, (byte)7);
            assertEquals(SendStatus.OK, sends.commit());
            assertEquals(1, counters.messagesSent.get() - sentBefore, "sent on commit");
            assertEquals(0, sends.size());

            // An aborted claim sends nothing and leaves the sender ready for the next one.
            sentBefore = counters.messagesSent.get();
            assertEquals(SendStatus.OK, sends.claim(EchoFixture.RESPONDER_ID, 100, System.nanoTime()));
            sends.abort();
            assertEquals(0, counters.messagesSent.get() - sentBefore, "nothing sent for an aborted claim");

            // Longer than one frame: encoded in a scratch buffer and offered (fragmented) on commit.
            final int large = publisher.maxPayloadLength() + 500;
            sentBefore = counters.messagesSent.get();
            assertEquals(SendStatus.OK, sends.claim(EchoFixture.RESPONDER_ID, large, System.nanoTime()));
            assertTrue(sends.buffer() != publisher.buffer(), "a message longer than a frame is encoded aside");
            assertEquals(SendStatus.OK, sends.commit());
            assertEquals(1, counters.messagesSent.get() - sentBefore, "the large message was offered");

            // The responder never reads: claims succeed in place until the window is full, then the
            // messages are kept (in order) and given up once the retry window passes.
            int claims = 0;
            while (sends.size() < 10)
            {
                assertEquals(SendStatus.OK, sends.claim(EchoFixture.RESPONDER_ID, 1000, System.nanoTime()));
                sends.buffer().setMemory(sends.offset(), 1000, (byte)1);
                assertEquals(SendStatus.OK, sends.commit());
                assertTrue(++claims < 10_000, "never back-pressured");
            }
            final long failuresBefore = counters.sendFailures.get();
            final int kept = sends.size();
            while (sends.size() > 0)
            {
                fixture.requesterTransport.invoke();
                sends.retry(System.nanoTime());
            }
            assertEquals(kept, counters.sendFailures.get() - failuresBefore, "one failure per kept message given up");
            assertEquals(SendStatus.UNKNOWN_DESTINATION, sends.claim(424242L, 100, System.nanoTime()));
        }
    }
}
