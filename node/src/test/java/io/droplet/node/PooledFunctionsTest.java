package io.droplet.node;

import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import io.droplet.executors.ExecutorConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lanes in a whole local node: a function that blocks runs on its executor's worker pool while the agent
 * thread goes on serving short calls, and the pool runs as many blocked functions at once as it has
 * workers. Functions block on latches the test releases; nothing here waits on time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PooledFunctionsTest
{
    private final CountDownLatch release = new CountDownLatch(1);
    private DropletClient droplet;

    @BeforeEach
    void start()
    {
        droplet = Droplet.local();
        droplet.registerFunction("micro", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
    }

    @AfterEach
    void stop()
    {
        // Whatever happened, no function stays blocked past the test.
        release.countDown();
        droplet.close();
    }

    @Test
    void shortCallsCompleteWhileABlockedFunctionRuns() throws Exception
    {
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch started = new CountDownLatch(1);
        droplet.registerFunction("blocking", inv ->
        {
            runs.incrementAndGet();
            started.countDown();
            release.await();
            inv.result().writeLong(inv.args().readLong() * 2);
        });

        final CompletableFuture<Object> slow = droplet.callAsync("blocking", 21L);
        assertTrue(started.await(30, TimeUnit.SECONDS), "the blocking function started");
        for (long x = 0; x < 1_000; x++)
        {
            assertEquals(x + 1, droplet.call("micro", x));
        }
        assertFalse(slow.isDone(), "the blocking function is still blocked after 1,000 short calls");
        assertEquals(1, release.getCount());

        release.countDown();
        assertEquals(42L, slow.get(30, TimeUnit.SECONDS));
        // A call after it, through the same executor, proves the node healthy and lets any duplicate show.
        assertEquals(2L, droplet.call("micro", 1L));
        assertEquals(1, runs.get(), "the blocking function ran exactly once");
    }

    @Test
    void aPoolOfSixteenRunsSixteenBlockedFunctionsAtOnce() throws Exception
    {
        assertEquals(16, ExecutorConfiguration.WORKERS_DEFAULT, "a local node's executor has the default pool");
        final int width = ExecutorConfiguration.WORKERS_DEFAULT;
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch allRunning = new CountDownLatch(width);
        droplet.registerFunction("wide", inv ->
        {
            runs.incrementAndGet();
            running.incrementAndGet();
            allRunning.countDown();
            release.await();
            running.decrementAndGet();
            inv.result().writeLong(inv.args().readLong());
        });

        final List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (long i = 0; i < width; i++)
        {
            calls.add(droplet.callAsync("wide", i));
        }
        assertTrue(allRunning.await(30, TimeUnit.SECONDS), "all running at once, got " + running.get());
        assertEquals(width, running.get());
        assertEquals(5L, droplet.call("micro", 4L), "the agent still serves short calls with every worker blocked");

        release.countDown();
        for (int i = 0; i < width; i++)
        {
            assertEquals((long)i, calls.get(i).get(30, TimeUnit.SECONDS));
        }
        assertEquals(width, runs.get(), "each call ran once");
    }
}
