package io.droplet.node;

import io.aeron.Aeron;
import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.client.DropletClient;
import io.droplet.executors.ExecutorConfiguration;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capacity in a whole local node: the scheduler places pooled calls only on free slots and keeps the rest
 * waiting until the executor reports a slot free, so the executor never has to refuse a call; a call still
 * waiting at its deadline is answered TIMEOUT by the scheduler.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CapacityTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final CountDownLatch release = new CountDownLatch(1);
    private DropletClient droplet;
    private Aeron aeron;

    @BeforeEach
    void start()
    {
        final String dir = watcher.aeronDirectory("capacity");
        droplet = Droplet.local(new LocalContext().aeronDirectoryName(dir).callTimeoutNs(TimeUnit.SECONDS.toNanos(10)));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
    }

    @AfterEach
    void stop()
    {
        release.countDown();
        aeron.close();
        droplet.close();
    }

    @Test
    void sixtyFourCallsOfAHundredMillisecondFunctionOnSixteenWorkersWaitAtTheSchedulerNotTheExecutor() throws Exception
    {
        final int workers = ExecutorConfiguration.WORKERS_DEFAULT;
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger runs = new AtomicInteger();
        droplet.registerFunction("sleepy", inv ->
        {
            runs.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            // The function's work is to take 100 ms (its worker parked, as a call to a slow service would leave it).
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime())
            {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
            running.decrementAndGet();
            inv.result().writeLong(inv.args().readLong());
        });
        assertEquals(1L, droplet.call("sleepy", 1L), "the function is known to the executor and the scheduler");

        final long start = System.nanoTime();
        final List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (long i = 0; i < 4 * workers; i++)
        {
            calls.add(droplet.callAsync("sleepy", i));
        }
        for (int i = 0; i < calls.size(); i++)
        {
            assertEquals((long)i, calls.get(i).get(30, TimeUnit.SECONDS));
        }
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("64 calls of a 100 ms function on 16 workers: " + elapsedMs + " ms; calls that waited at the " +
            "scheduler: " + counter("calls queued for a free slot"));

        assertTrue(elapsedMs < 3_000, "64 calls took " + elapsedMs + " ms");
        assertEquals(1 + 4 * workers, runs.get(), "each call ran once");
        assertTrue(mostAtOnce.get() <= workers, "at most a pool's worth at once: " + mostAtOnce.get());
        assertTrue(counter("calls queued for a free slot") > 0, "calls beyond the free slots waited at the scheduler");
        assertEquals(0, counter("executor runs refused (pool full)"), "the executor was never overfilled");
        assertEquals(0, counter("calls refused (scheduler queue full)"));
        assertEquals(0, counter("queued calls timed out"));
        assertEquals(0, counter("calls waiting for a free slot"));
    }

    @Test
    void aCallWaitingForASlotIsAnsweredTimeoutAtItsDeadlineAndTheNodeStaysHealthy() throws Exception
    {
        final int workers = ExecutorConfiguration.WORKERS_DEFAULT;
        final CountDownLatch allRunning = new CountDownLatch(workers);
        droplet.registerFunction("held", inv ->
        {
            allRunning.countDown();
            release.await();
            inv.result().writeLong(inv.args().readLong());
        });
        droplet.registerDag("held-dag", List.of("held"), List.of());
        final List<CompletableFuture<Object>> held = new ArrayList<>();
        for (long i = 0; i < workers; i++)
        {
            held.add(droplet.callAsync("held", i));
        }
        assertTrue(allRunning.await(30, TimeUnit.SECONDS), "every worker holds a call");

        final DropletException timedOut = assertThrows(DropletException.class,
            () -> droplet.callDagWithin("held-dag", Duration.ofSeconds(1), 99L));
        assertEquals(ErrorCode.TIMEOUT, timedOut.code());
        Await.until(() -> counter("queued calls timed out") == 1, Duration.ofSeconds(10),
            () -> "the scheduler answered the waiting call at its deadline");
        assertEquals(0, counter("executor runs refused (pool full)"));

        release.countDown();
        for (int i = 0; i < workers; i++)
        {
            assertEquals((long)i, held.get(i).get(30, TimeUnit.SECONDS));
        }
        assertEquals(7L, droplet.call("held", 7L), "slots free again: the next call runs");
    }

    /** Sum of the counters of every role whose label ends with this text. */
    private long counter(final String labelEnd)
    {
        final long[] sum = {0};
        aeron.countersReader().forEach((value, typeId, label) ->
        {
            if (label.endsWith(labelEnd))
            {
                sum[0] += value;
            }
        });
        return sum[0];
    }
}
