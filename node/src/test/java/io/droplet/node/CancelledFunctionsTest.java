package io.droplet.node;

import io.droplet.api.Connection;
import io.droplet.api.DropletException;
import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancellation in a whole local node: a function on the worker pool that runs past its call's deadline, or
 * whose DAG invocation its caller cancels, sees {@code isCancelled()}, has its thread interrupted and
 * returns, so its worker is free; its output goes nowhere and the node goes on serving.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancelledFunctionsTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger interrupted = new AtomicInteger();
    private final AtomicInteger sawCancelled = new AtomicInteger();
    private final AtomicInteger returned = new AtomicInteger();
    private final AtomicInteger childRuns = new AtomicInteger();
    private final CountDownLatch never = new CountDownLatch(1);
    private DropletClient droplet;

    @BeforeEach
    void start()
    {
        droplet = Droplet.local();
        droplet.registerFunction("micro", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
        // Waits for ever (or 70 s) when its argument is 1, unless cancelled; returns its argument at once otherwise.
        droplet.registerFunction("long", inv ->
        {
            final long x = inv.args().readLong();
            if (x == 1)
            {
                started.incrementAndGet();
                try
                {
                    never.await(70, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    interrupted.incrementAndGet();
                }
                if (inv.isCancelled())
                {
                    sawCancelled.incrementAndGet();
                }
                returned.incrementAndGet();
            }
            inv.result().writeLong(x);
        });
        droplet.registerFunction("child", inv ->
        {
            childRuns.incrementAndGet();
            inv.result().writeLong(inv.args().readLong() * 10);
        });
        droplet.registerDag("long-alone", List.of("long"), List.of());
        droplet.registerDag("long-then-child", List.of("long", "child"), List.of(Connection.of("long", "child")));
    }

    @AfterEach
    void stop()
    {
        never.countDown();
        droplet.close();
    }

    @Test
    void aFunctionPastItsDeadlineIsCancelledAndItsWorkerFreed()
    {
        final long before = System.nanoTime();
        final DropletException timeout = assertThrows(DropletException.class,
            () -> droplet.callDagWithin("long-alone", Duration.ofSeconds(2), 1L));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
        System.out.println("CANCEL a 70 s function with a 2 s deadline answered " + timeout.code() + " after " + elapsedMs + " ms");
        assertEquals(ErrorCode.TIMEOUT, timeout.code());
        assertTrue(elapsedMs < 10_000, "answered at its deadline, not when the function ends: " + elapsedMs + " ms");

        Await.until(() -> returned.get() == 1, WAIT, () -> "the function was stopped and returned");
        assertEquals(1, interrupted.get(), "its thread was interrupted");
        assertEquals(1, sawCancelled.get(), "it saw isCancelled()");
        assertEquals(8L, droplet.callDagWithin("long-alone", Duration.ofSeconds(10), 8L), "the pool serves the next call");
        assertEquals(3L, droplet.call("micro", 2L), "the node is healthy");
        assertEquals(1, started.get(), "the cancelled function ran once");
    }

    @Test
    void aDagCancelledByItsCallerEndsCancelledAndStopsItsRunningStage() throws Exception
    {
        final CompletableFuture<Object> call = droplet.callDagAsync("long-then-child", 1L);
        Await.until(() -> started.get() == 1, WAIT, () -> "the DAG's first stage is running");

        // Says how the call ended if it was already done: it failed this way once on a busy machine (not yet explained).
        assertTrue(droplet.cancel(call), () -> "a call in flight is cancelled; it had ended: " + outcomeOf(call));
        final ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.CANCELLED, ((DropletException)failure.getCause()).code());
        assertFalse(droplet.cancel(call), "once");

        Await.until(() -> returned.get() == 1, WAIT, () -> "the running stage was stopped");
        assertEquals(1, interrupted.get());
        assertEquals(1, sawCancelled.get());
        // A DAG call after it runs both stages: had the cancelled one's output gone on, the child would run twice.
        assertEquals(50L, droplet.callDagWithin("long-then-child", Duration.ofSeconds(10), 5L));
        assertEquals(1, childRuns.get(), "the cancelled invocation's child stage never ran");
        assertFalse(droplet.cancel(CompletableFuture.completedFuture(1L)), "not a call of this client");
    }

    private static String outcomeOf(final CompletableFuture<Object> call)
    {
        try
        {
            return "value " + call.getNow(null);
        }
        catch (final RuntimeException ex)
        {
            return String.valueOf(ex.getCause());
        }
    }
}
