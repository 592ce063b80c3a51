package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import io.droplet.transport.SendStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stage's output waits for its writes to be acknowledged: nothing is sent before the last
 * acknowledgement, the output goes after it; a refused write answers the caller with its code; an
 * output whose writes are not acknowledged by the deadline is dropped.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OutputCommitTest
{
    private final StageFixture fixture = new StageFixture(null);
    private final UnsafeBuffer output = new UnsafeBuffer(new byte[]{ 9, 8, 7 });

    OutputCommitTest()
    {
        // A two-stage DAG: the output of stage 0 goes on to stage 1.
        fixture.stage("first").stage("second").edge(0, 1);
    }

    private void completeStage(final long deadline, final long... putIds)
    {
        fixture.commit.beginStage();
        for (final long putId : putIds)
        {
            fixture.commit.onPutSent(putId);
        }
        fixture.commit.complete(5, 50, StageFixture.CALLER, deadline, 0, 0, fixture.schedule, output, 0, 3);
    }

    @Test
    void anOutputWithoutWritesGoesAtOnce()
    {
        completeStage(0);

        final List<Sent> triggers = fixture.sends.of(Kind.TRIGGER);
        assertEquals(1, triggers.size());
        assertEquals(1, triggers.get(0).stage());
        assertEquals(0, fixture.commit.held());
    }

    @Test
    void theOutputWaitsForEveryAcknowledgement()
    {
        completeStage(0, 11, 12);
        assertTrue(fixture.sends.sent.isEmpty(), "held while writes are unacknowledged");
        assertEquals(1, fixture.commit.held());

        fixture.commit.onPutResponse(12, ErrorCode.NONE);
        assertTrue(fixture.sends.sent.isEmpty(), "one write still unacknowledged");

        fixture.commit.onPutResponse(11, ErrorCode.NONE);
        final List<Sent> triggers = fixture.sends.of(Kind.TRIGGER);
        assertEquals(1, triggers.size());
        assertEquals(StageFixture.EXECUTOR, triggers.get(0).destination());
        assertEquals(5, triggers.get(0).invocationId());
        assertEquals(50, triggers.get(0).correlationId());
        assertEquals(0, triggers.get(0).fromStage());
        assertEquals(3, triggers.get(0).value().length);
        assertEquals(9, triggers.get(0).value()[0]);
        assertEquals(0, fixture.commit.held());

        fixture.commit.onPutResponse(11, ErrorCode.NONE);
        assertEquals(1, fixture.sends.sent.size(), "a repeated acknowledgement sends nothing");
    }

    @Test
    void aRefusedWriteAnswersTheCallerInsteadOfTheOutput()
    {
        completeStage(0, 21, 22);

        fixture.commit.onPutResponse(21, ErrorCode.INVALID_ARGUMENT);
        assertTrue(fixture.sends.sent.isEmpty(), "waits for the other acknowledgement");

        fixture.commit.onPutResponse(22, ErrorCode.NONE);
        assertTrue(fixture.sends.of(Kind.TRIGGER).isEmpty(), "the output never goes");
        final List<Sent> errors = fixture.sends.of(Kind.ERROR);
        assertEquals(1, errors.size());
        assertEquals(ErrorCode.INVALID_ARGUMENT, errors.get(0).code());
        assertEquals(StageFixture.CALLER, errors.get(0).destination());
        assertEquals(50, errors.get(0).correlationId());
        assertEquals(0, fixture.commit.held());
    }

    @Test
    void anOutputWhoseWritesAreNotAcknowledgedByTheDeadlineIsDropped()
    {
        final long deadline = fixture.nowNs + 100;
        completeStage(deadline, 31);

        assertEquals(0, fixture.commit.expire(deadline));
        assertEquals(1, fixture.commit.expire(deadline + 1));
        assertEquals(0, fixture.commit.held());
        assertEquals(1, fixture.counters.undeliverable.get());

        fixture.commit.onPutResponse(31, ErrorCode.NONE);
        assertTrue(fixture.sends.sent.isEmpty(), "a late acknowledgement releases nothing");
    }

    @Test
    void aWriteThatCannotReachTheCacheWithholdsTheOutput()
    {
        fixture.commit.beginStage();
        fixture.commit.onPutNotSent();
        fixture.commit.complete(5, 50, StageFixture.CALLER, 0, 0, 0, fixture.schedule, output, 0, 3);

        assertTrue(fixture.sends.of(Kind.TRIGGER).isEmpty());
        assertEquals(ErrorCode.NOT_CONNECTED, fixture.sends.of(Kind.ERROR).get(0).code());
        assertEquals(0, fixture.commit.held());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // the first host cache a JVM opens generates its classes
    void aStageResultIsHeldUntilItsStatePutIsAcknowledged()
    {
        final HostCache cache = openCache();
        try
        {
            final StageFixture withCache = new StageFixture(cache);
            withCache.functions.install("count", invocation ->
            {
                final UnsafeBuffer key = new UnsafeBuffer("counter".getBytes(StandardCharsets.UTF_8));
                final UnsafeBuffer value = new UnsafeBuffer(new byte[]{ 1, 2 });
                invocation.state().putValue(key, 0, key.capacity(), value, 0, 2);
                invocation.result().writeLong(1);
            });
            withCache.stage("count");
            withCache.trigger(8, 0, 0, 0, writer -> writer.beginList(0).endList());

            final List<Sent> puts = withCache.sends.of(Kind.CACHE_PUT);
            assertEquals(1, puts.size());
            assertEquals("counter", puts.get(0).key());
            assertEquals(withCache.nowNs, puts.get(0).timestamp(), "stamped with the executor's clock");
            assertTrue(withCache.sends.of(Kind.RESULT).isEmpty(), "not sent before the put is acknowledged");

            withCache.commit.onPutResponse(puts.get(0).correlationId(), ErrorCode.NONE);
            final List<Sent> results = withCache.sends.of(Kind.RESULT);
            assertEquals(1, results.size());
            assertEquals(8, results.get(0).correlationId());
            assertEquals(1, results.get(0).longValue());
        }
        finally
        {
            cache.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // the first host cache a JVM opens generates its classes
    void aStateWriteRefusedAtTheDoorFailsTheStage()
    {
        final HostCache cache = openCache();
        try
        {
            final StageFixture withCache = new StageFixture(cache);
            withCache.sends.putStatus = SendStatus.NOT_CONNECTED;
            withCache.functions.install("count", invocation ->
            {
                final UnsafeBuffer key = new UnsafeBuffer("counter".getBytes(StandardCharsets.UTF_8));
                invocation.state().putValue(key, 0, key.capacity(), key, 0, 1);
            });
            withCache.stage("count");
            withCache.trigger(8, 0, 0, 0, writer -> writer.beginList(0).endList());

            assertTrue(withCache.sends.of(Kind.RESULT).isEmpty());
            assertEquals(ErrorCode.NOT_CONNECTED, withCache.sends.of(Kind.ERROR).get(0).code());
        }
        finally
        {
            cache.close();
        }
    }

    private static HostCache openCache()
    {
        try
        {
            final java.io.File file = java.io.File.createTempFile("output-commit-", ".dat");
            file.delete();
            file.deleteOnExit();
            return new HostCache(file, 100);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
