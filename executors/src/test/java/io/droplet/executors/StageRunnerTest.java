package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stage runs its function over its arguments and sends the output on to each child stage's executor,
 * or to the caller from the sink; failures are answered as typed errors.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StageRunnerTest
{
    private final StageFixture fixture = new StageFixture(null);

    @BeforeEach
    void install()
    {
        fixture.functions.install("increment", invocation -> invocation.result().writeLong(invocation.args().readLong() + 1));
        fixture.functions.install("square", invocation ->
        {
            final long x = invocation.args().readLong();
            invocation.result().writeLong(x * x);
        });
        fixture.functions.install("fail", invocation ->
        {
            throw new IllegalStateException("boom");
        });
        fixture.functions.install("silent", invocation ->
        {
        });
    }

    @Test
    void aSourceStageSendsItsOutputToEachChild()
    {
        fixture.stage("increment").stage("square").stage("square").edge(0, 1).edge(0, 2);
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(4).endList());

        final List<Sent> triggers = fixture.sends.of(Kind.TRIGGER);
        assertEquals(2, triggers.size());
        assertEquals(1, triggers.get(0).stage());
        assertEquals(2, triggers.get(1).stage());
        assertEquals(0, triggers.get(0).fromStage());
        assertEquals(5, triggers.get(0).longValue());
        assertTrue(fixture.sends.of(Kind.RESULT).isEmpty(), "only the sink answers the caller");
    }

    @Test
    void theSinkAnswersTheCallerWithItsParentsOutputSquared()
    {
        fixture.stage("increment").stage("square").edge(0, 1);
        fixture.trigger(1, 1, 0, 0, writer -> writer.writeLong(5));

        final List<Sent> results = fixture.sends.of(Kind.RESULT);
        assertEquals(1, results.size());
        assertEquals(25, results.get(0).longValue());
        assertEquals(StageFixture.CALLER, results.get(0).destination());
    }

    @Test
    void aFunctionThatWritesNothingReturnsNull()
    {
        fixture.stage("silent");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(0).endList());

        assertEquals(1, fixture.sends.of(Kind.RESULT).get(0).value().length, "the null value");
    }

    @Test
    void failuresAreTypedErrorsForTheCaller()
    {
        fixture.stage("fail").stage("missing");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(0).endList());
        fixture.trigger(2, 1, 1, 0, writer -> writer.beginList(0).endList());
        fixture.trigger(3, 5, 5, 0, writer -> writer.beginList(0).endList());

        final List<Sent> errors = fixture.sends.of(Kind.ERROR);
        assertEquals(3, errors.size());
        assertEquals(ErrorCode.EXECUTION_ERROR, errors.get(0).code());
        assertTrue(errors.get(0).detail().contains("boom"));
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, errors.get(1).code());
        assertTrue(errors.get(1).detail().contains("missing"));
        assertEquals(ErrorCode.MALFORMED, errors.get(2).code());
        assertEquals(3, fixture.counters.stagesFailed.get());
        assertEquals(0, fixture.counters.stagesRun.get());
    }

    @Test
    void anOutputTooLargeForTheChildsTriggerIsAnsweredAsSuch()
    {
        fixture.sends.triggerStatus = SendStatus.PAYLOAD_TOO_LARGE;
        fixture.stage("increment").stage("square").edge(0, 1);
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(4).endList());

        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, fixture.sends.of(Kind.ERROR).get(0).code());
    }

    @Test
    void theDispatchPathAllocatesNothing()
    {
        final CountingSends sends = new CountingSends();
        final StageFixture counting = new StageFixture(null, sends);
        counting.functions.install("increment", invocation -> invocation.result().writeLong(invocation.args().readLong() + 1));
        counting.functions.install("square", invocation ->
        {
            final long x = invocation.args().readLong();
            invocation.result().writeLong(x * x);
        });
        counting.stage("increment").stage("square").edge(0, 1);
        final UnsafeBuffer args = new UnsafeBuffer(new byte[64]);
        final int argsLength = new io.droplet.codecs.value.ValueWriter().wrap(args, 0, 64).beginList(1).writeLong(3).endList()
            .encodedLength();
        sends.runner = counting.runner;
        sends.schedule = counting.schedule;

        for (int i = 0; i < 20_000; i++)
        {
            counting.runner.onTrigger(i, i, StageFixture.CALLER, 0, 0, 0, 0, counting.schedule, args, 0, argsLength, false);
        }
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        // The least of up to ten measured rounds: a per-run allocation shows in every round, a JIT that is slow
        // to compile on a busy machine only in the first.
        long allocated = Long.MAX_VALUE;
        int rounds = 0;
        for (int round = 0; round < 10 && allocated >= 1024; round++)
        {
            rounds++;
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 10_000; i++)
            {
                counting.runner.onTrigger(i, i, StageFixture.CALLER, 0, 0, 0, 0, counting.schedule, args, 0, argsLength, false);
            }
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(thread) - before);
        }

        assertEquals(20_000 + rounds * 10_000, sends.results);
        assertEquals(16, sends.lastResult, "(3 + 1) squared");
        assertTrue(allocated < 1024, "source stage, trigger to the child, child stage, result: " + allocated + " bytes allocated");
    }

    /**
     * Sends that allocate nothing: a trigger runs its child stage at once, as a trigger to this executor would.
     */
    static final class CountingSends extends RecordingSends
    {
        StageRunner runner;
        StageSchedule schedule;
        long results;
        long lastResult;
        long completionsTold;

        public int trigger(
            final long destination, final long invocationId, final long correlationId, final long replyTo, final long deadline,
            final int childStage, final int fromStage, final int attempt, final StageSchedule schedule,
            final DirectBuffer value, final int offset, final int length)
        {
            runner.onTrigger(invocationId, correlationId, replyTo, deadline, childStage, fromStage, attempt, this.schedule,
                value, offset, length, false);
            return SendStatus.OK;
        }

        public int result(
            final long replyTo, final long correlationId, final long invocationId, final DirectBuffer value, final int offset,
            final int length)
        {
            results++;
            lastResult = value.getLong(offset + 1, java.nio.ByteOrder.LITTLE_ENDIAN);
            return SendStatus.OK;
        }

        public int invocationsCompleted(final long[] schedulers, final int count, final long[] invocationIds, final int idCount)
        {
            completionsTold += (long)count * idCount;
            return count;
        }
    }
}
