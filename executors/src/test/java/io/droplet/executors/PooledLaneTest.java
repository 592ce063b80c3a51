package io.droplet.executors;

import io.droplet.api.ShortFunction;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lanes: a short function runs inline on the agent, any other on the worker pool, whose completed runs
 * come back through the hand-back queue to the agent, which sends their outputs, drops those past their
 * deadline and refuses work when the pool is full. The pool has no threads here: the test runs queued
 * runs itself ({@link WorkerPool#runQueued}), and the clock is the fixture's.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PooledLaneTest
{
    private final StageFixture fixture = new StageFixture(null, new RecordingSends(), 2);
    private int pooledRuns;

    PooledLaneTest()
    {
        fixture.functions.install("short-increment", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
        fixture.functions.install("increment", inv ->
        {
            pooledRuns++;
            inv.result().writeLong(inv.args().readLong() + 1);
        });
        fixture.functions.install("square", inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        });
        fixture.functions.install("fail", inv ->
        {
            throw new IllegalStateException("pooled boom");
        });
    }

    @Test
    void aShortFunctionRunsInlineAndAnyOtherWaitsForAWorker()
    {
        fixture.stage("short-increment").stage("increment");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(1).endList());
        assertEquals(2, fixture.sends.of(Kind.RESULT).get(0).longValue(), "inline: answered within the trigger");

        fixture.trigger(2, 1, 1, 0, writer -> writer.beginList(1).writeLong(10).endList());
        assertEquals(0, pooledRuns, "not run on the agent's thread");
        assertEquals(1, fixture.sends.of(Kind.RESULT).size());
        assertEquals(0, fixture.lane.poll(), "nothing to hand back before a worker ran it");

        assertTrue(fixture.pool.runQueued());
        assertEquals(1, pooledRuns);
        assertEquals(1, fixture.sends.of(Kind.RESULT).size(), "a worker never sends: the agent does, when handed back");
        assertEquals(1, fixture.lane.poll());
        final List<Sent> results = fixture.sends.of(Kind.RESULT);
        assertEquals(2, results.size());
        assertEquals(11, results.get(1).longValue());
        assertEquals(2, results.get(1).correlationId());
        assertEquals(2, fixture.counters.stagesRun.get());
        assertEquals(0, fixture.lane.busy(), "the run is free again");
    }

    @Test
    void aPooledRunKeepsItsOwnCopyOfTheArguments()
    {
        fixture.stage("increment");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(41).endList());
        // The receive buffer is reused by the next frame before a worker gets to the run.
        fixture.trigger(2, 0, 0, 0, writer -> writer.beginList(1).writeLong(99).endList());

        assertTrue(fixture.pool.runQueued());
        assertTrue(fixture.pool.runQueued());
        fixture.lane.poll();
        final List<Sent> results = fixture.sends.of(Kind.RESULT);
        assertEquals(42, results.get(0).longValue());
        assertEquals(100, results.get(1).longValue());
    }

    @Test
    void aPooledOutputTriggersTheChildStageWhenHandedBack()
    {
        fixture.stage("increment").stage("square").edge(0, 1);
        fixture.trigger(7, 0, 0, 0, writer -> writer.beginList(1).writeLong(4).endList());
        assertTrue(fixture.sends.of(Kind.TRIGGER).isEmpty());

        fixture.pool.runQueued();
        fixture.lane.poll();
        final List<Sent> triggers = fixture.sends.of(Kind.TRIGGER);
        assertEquals(1, triggers.size());
        assertEquals(1, triggers.get(0).stage());
        assertEquals(0, triggers.get(0).fromStage());
        assertEquals(5, triggers.get(0).longValue());
    }

    @Test
    void aFullPoolAnswersNoResourcesAtOnce()
    {
        fixture.stage("increment");
        for (int i = 1; i <= 3; i++)
        {
            final long x = i;
            fixture.trigger(i, 0, 0, 0, writer -> writer.beginList(1).writeLong(x).endList());
        }
        final List<Sent> errors = fixture.sends.of(Kind.ERROR);
        assertEquals(1, errors.size(), "two runs fit the pool, the third is refused");
        assertEquals(ErrorCode.NO_RESOURCES, errors.get(0).code());
        assertEquals(3, errors.get(0).correlationId());
        assertEquals(1, fixture.counters.runsRefused.get());

        while (fixture.pool.runQueued())
        {
            fixture.lane.poll();
        }
        fixture.lane.poll();
        assertEquals(2, fixture.sends.of(Kind.RESULT).size());
        fixture.trigger(4, 0, 0, 0, writer -> writer.beginList(1).writeLong(4).endList());
        assertEquals(1, fixture.sends.of(Kind.ERROR).size(), "room again once runs are handed back");
    }

    @Test
    void aRunHandedBackPastItsDeadlineIsDroppedAndCounted()
    {
        fixture.stage("increment");
        final long deadline = fixture.nowNs + 1_000_000;
        fixture.trigger(1, 0, 0, deadline, writer -> writer.beginList(1).writeLong(1).endList());
        fixture.trigger(2, 0, 0, deadline + 10_000_000, writer -> writer.beginList(1).writeLong(2).endList());
        fixture.pool.runQueued();
        fixture.pool.runQueued();

        fixture.nowNs = deadline + 1;
        assertEquals(2, fixture.lane.poll());
        final List<Sent> results = fixture.sends.of(Kind.RESULT);
        assertEquals(1, results.size(), "the late run's caller has had TIMEOUT already");
        assertEquals(2, results.get(0).correlationId());
        assertEquals(1, fixture.counters.lateResultsDropped.get());
        assertTrue(fixture.sends.of(Kind.ERROR).isEmpty());
        assertEquals(0, fixture.lane.busy());
    }

    @Test
    void aPooledFailureIsAnExecutionError()
    {
        fixture.stage("fail");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(0).endList());
        fixture.pool.runQueued();
        fixture.lane.poll();

        final Sent error = fixture.sends.of(Kind.ERROR).get(0);
        assertEquals(ErrorCode.EXECUTION_ERROR, error.code());
        assertTrue(error.detail().contains("pooled boom"), error.detail());
        assertEquals(1, fixture.counters.stagesFailed.get());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // the first host cache a JVM opens generates its classes
    void aPooledRunsWritesAreSentByTheAgentInOrderAndHoldItsOutput() throws Exception
    {
        final java.io.File file = java.io.File.createTempFile("pooled-lane-", ".dat");
        file.delete();
        file.deleteOnExit();
        final HostCache cache = new HostCache(file, 100);
        try
        {
            final StageFixture withCache = new StageFixture(cache, new RecordingSends(), 2);
            withCache.functions.install("write-twice", invocation ->
            {
                final UnsafeBuffer first = new UnsafeBuffer("first".getBytes(StandardCharsets.UTF_8));
                final UnsafeBuffer second = new UnsafeBuffer("second".getBytes(StandardCharsets.UTF_8));
                final UnsafeBuffer value = new UnsafeBuffer(new byte[]{ 1, 2 });
                invocation.state().putValue(first, 0, first.capacity(), value, 0, 2);
                invocation.state().putValue(second, 0, second.capacity(), value, 0, 2);
                final UnsafeBuffer absent = new UnsafeBuffer("absent".getBytes(StandardCharsets.UTF_8));
                invocation.result().writeBoolean(invocation.state().read(absent, 0, absent.capacity(), invocation.result()));
            });
            withCache.stage("write-twice");
            withCache.trigger(8, 0, 0, 0, writer -> writer.beginList(0).endList());
            withCache.pool.runQueued();
            assertTrue(withCache.sends.sent.isEmpty(), "a worker sends nothing itself");

            withCache.lane.poll();
            final List<Sent> puts = withCache.sends.of(Kind.CACHE_PUT);
            assertEquals(2, puts.size());
            assertEquals("first", puts.get(0).key());
            assertEquals("second", puts.get(1).key());
            assertEquals("absent", withCache.sends.of(Kind.CACHE_GET).get(0).key(), "the miss asked for a fetch");
            assertTrue(withCache.sends.of(Kind.RESULT).isEmpty(), "output commit: held until both puts are acknowledged");
            assertEquals(1, withCache.commit.held());

            withCache.commit.onPutResponse(puts.get(0).correlationId(), ErrorCode.NONE);
            withCache.commit.onPutResponse(puts.get(1).correlationId(), ErrorCode.NONE);
            final List<Sent> results = withCache.sends.of(Kind.RESULT);
            assertEquals(1, results.size());
            assertEquals(8, results.get(0).correlationId());
        }
        finally
        {
            cache.close();
        }
    }

    @Test
    void bothLanesAllocateNothingOnceWarm()
    {
        final StageRunnerTest.CountingSends sends = new StageRunnerTest.CountingSends();
        final StageFixture counting = new StageFixture(null, sends, 4);
        counting.functions.install("short-increment", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
        counting.functions.install("short-square", ShortFunction.of(inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        }));
        counting.functions.install("increment", inv -> inv.result().writeLong(inv.args().readLong() + 1));
        counting.functions.install("square", inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        });
        final StageSchedule inline = counting.schedule;
        counting.stage("short-increment").stage("short-square").edge(0, 1);
        final UnsafeBuffer args = new UnsafeBuffer(new byte[64]);
        final int argsLength = new ValueWriter().wrap(args, 0, 64).beginList(1).writeLong(3).endList().encodedLength();
        sends.runner = counting.runner;
        sends.schedule = inline;

        assertEquals(0, allocatedBy(() -> run(counting, inline, args, argsLength)) / 1024, "inline lane, with a pool present");
        assertEquals(runs * 10_000L, sends.results);
        assertEquals(16, sends.lastResult);
        final long inlineResults = sends.results;

        final StageFixture pooled = new StageFixture(null, sends, 4);
        pooled.functions.install("increment", inv -> inv.result().writeLong(inv.args().readLong() + 1));
        pooled.functions.install("square", inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        });
        pooled.stage("increment").stage("square").edge(0, 1);
        sends.runner = pooled.runner;
        sends.schedule = pooled.schedule;
        assertEquals(0, allocatedBy(() -> run(pooled, pooled.schedule, args, argsLength)) / 1024, "pooled lane");
        assertEquals(inlineResults + runs * 10_000L, sends.results);
        assertEquals(16, sends.lastResult);
    }

    private static void run(final StageFixture fixture, final StageSchedule schedule, final UnsafeBuffer args, final int length)
    {
        for (int i = 0; i < 10_000; i++)
        {
            fixture.runner.onTrigger(i, i, StageFixture.CALLER, 0, 0, 0, 0, schedule, args, 0, length, false);
            if (null != fixture.pool)
            {
                // The child stage's trigger is dispatched when the parent's run is handed back: run both.
                while (fixture.pool.runQueued() | fixture.lane.poll() > 0)
                {
                    Thread.onSpinWait();
                }
            }
        }
    }

    /**
     * @return the least the test thread allocated in one run of {@code work}, over up to ten runs after two that
     * warm up: a per-run allocation shows in every run, a JIT that is slow to compile on a busy machine does not.
     */
    private static int runs;

    private static long allocatedBy(final Runnable work)
    {
        work.run();
        work.run();
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        runs = 2;
        for (int round = 0; round < 10 && least >= 1024; round++)
        {
            runs++;
            final long before = threads.getThreadAllocatedBytes(thread);
            work.run();
            least = Math.min(least, threads.getThreadAllocatedBytes(thread) - before);
        }
        return least;
    }
}
