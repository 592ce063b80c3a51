package io.droplet.executors;

import io.droplet.executors.RecordingSends.Kind;
import io.droplet.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancelling pooled runs, with real worker threads: past its deadline or by its invocation's cancel, a
 * running function sees {@code isCancelled()} and is interrupted, its output is dropped, its worker takes
 * the next run with no interrupt left over; a queued run that is cancelled never starts. The agent's side
 * (trigger, expire, cancel, poll) runs on the test's thread, as on the agent's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PooledCancelTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final StageFixture fixture = new StageFixture(null, new RecordingSends(), 1, 1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger sawCancelled = new AtomicInteger();
    private final AtomicInteger sawInterrupt = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> startedInterrupted = new ConcurrentLinkedQueue<>();

    PooledCancelTest()
    {
        // Blocks until released or interrupted; then reports what it saw.
        fixture.functions.install("wait", inv ->
        {
            started.incrementAndGet();
            startedInterrupted.add(String.valueOf(Thread.currentThread().isInterrupted()));
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                sawInterrupt.incrementAndGet();
            }
            if (inv.isCancelled())
            {
                sawCancelled.incrementAndGet();
            }
            inv.result().writeLong(inv.args().readLong());
        });
        fixture.functions.install("echo", inv ->
        {
            startedInterrupted.add(String.valueOf(Thread.currentThread().isInterrupted()));
            inv.result().writeLong(inv.args().readLong());
        });
    }

    @AfterEach
    void close()
    {
        release.countDown();
        fixture.pool.close();
    }

    @Test
    void aRunPastItsDeadlineIsInterruptedDroppedAndItsWorkerServesTheNext()
    {
        fixture.stage("wait");
        final long deadline = fixture.nowNs + 1_000_000;
        fixture.trigger(1, 0, 0, deadline, writer -> writer.beginList(1).writeLong(7).endList());
        Await.until(() -> started.get() == 1, WAIT, () -> "the function started on its worker");

        assertEquals(0, fixture.lane.expire(1), "before its deadline nothing is cancelled");
        fixture.nowNs = deadline + 1;
        assertEquals(1, fixture.lane.expire(2_000_000_000L), "past it the run is cancelled");
        Await.until(() -> fixture.lane.poll() > 0, WAIT, () -> "the cancelled run came back");

        assertEquals(1, sawInterrupt.get(), "its worker was interrupted");
        assertEquals(1, sawCancelled.get(), "the function saw isCancelled()");
        assertTrue(fixture.sends.of(Kind.RESULT).isEmpty(), "its output is dropped");
        assertEquals(1, fixture.counters.runsCancelled.get());
        assertEquals(1, fixture.counters.lateResultsDropped.get());
        assertEquals(0, fixture.lane.busy(), "its slot is free");

        fixture.nowNs = deadline + 2;
        final StageFixture next = fixture.stage("echo");
        fixture.trigger(2, 1, 1, 0, writer -> writer.beginList(1).writeLong(8).endList());
        Await.until(() -> fixture.lane.poll() > 0, WAIT, () -> "the next run on the same worker came back");
        assertEquals(8, next.sends.of(Kind.RESULT).get(0).longValue());
        assertEquals("[false, false]", startedInterrupted.toString(), "no interrupt leaks into the next run");
    }

    @Test
    void aCancelledInvocationStopsItsRunningStageAndAQueuedOneNeverStarts()
    {
        fixture.stage("wait");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(1).endList());
        Await.until(() -> started.get() == 1, WAIT, () -> "the first run started");
        fixture.trigger(2, 0, 0, 0, writer -> writer.beginList(1).writeLong(2).endList());
        assertEquals(2, fixture.lane.busy(), "the second waits in the queue behind the only worker");

        assertEquals(0, fixture.lane.cancel(99), "no run of another invocation is touched");
        assertEquals(1, fixture.lane.cancel(2), "the queued run is cancelled");
        assertEquals(1, fixture.lane.cancel(1), "the running one is cancelled");
        assertEquals(0, fixture.lane.cancel(1), "once");
        Await.until(() ->
        {
            fixture.lane.poll();
            return fixture.lane.busy() == 0;
        }, WAIT, () -> "both runs came back");

        assertEquals(1, started.get(), "the queued run never started");
        assertEquals(1, sawInterrupt.get());
        assertEquals(1, sawCancelled.get());
        assertTrue(fixture.sends.of(Kind.RESULT).isEmpty(), "neither answers: the scheduler answered CANCELLED");
        assertTrue(fixture.sends.of(Kind.ERROR).isEmpty());
        assertEquals(2, fixture.counters.runsCancelled.get());
        assertEquals(0, fixture.counters.lateResultsDropped.get(), "not late: cancelled");
        assertFalse(startedInterrupted.contains("true"));
    }
}
