package io.droplet.node;

import io.droplet.api.DropletException;
import io.droplet.client.DropletClient;
import io.droplet.client.RemoteContext;
import io.droplet.executors.ExecutorConfiguration;
import io.droplet.node.cli.DropletCommand;
import io.droplet.node.functions.ShortIncrementFunction;
import io.droplet.node.functions.SleepFunction;
import io.droplet.node.functions.SleepRunsFunction;
import io.droplet.test.Await;
import io.droplet.test.JavaProcess;
import io.droplet.test.SystemTestWatcher;
import io.aeron.Aeron;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Functions of any length beside microsecond ones, end to end through the public client API, in local
 * mode ({@code Droplet.local()}) and in a {@code droplet node} process with every role on a standalone
 * media driver:
 * <ul>
 *     <li>10,000 calls of a short function, one in flight, are timed idle, then again while a 1.5 s
 *     function runs on the worker pool; both p99s and their ratio are printed (not asserted: the machine
 *     is shared), and the p99 of the calls that completed before the 1.5 s call returned (usually all in
 *     local mode; in the node process calls take longer, so only some). The 1.5 s call returns its value,
 *     the function ran once, and no executor was declared dead (the scheduler's "executors expired"
 *     counter) nor any invocation re-run.</li>
 *     <li>Meanwhile, a 30 s function with a 60 s deadline runs on each (started after both idle runs, so
 *     the loaded runs have it running too): it completes with its value, ran once, and a short call is
 *     answered after it.</li>
 *     <li>64 calls of a 100 ms function on one executor with the default pool of 16 finish in under 3 s.</li>
 * </ul>
 * Function runs are counted inside the function ({@link SleepFunction}): read directly in local mode, and
 * through a short function ({@link SleepRunsFunction}) in the node process.
 */
class LongFunctionsTest
{
    private static final int CALLS = 10_000;
    private static final long SLOW_MS = 1_500;
    private static final long LONG_MS = 30_000;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long LOCAL_TAG = 1_000;
    private static final long NODE_TAG = 2_000;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    /** A client of a deployment, the counters of its driver, and how to count a tag's runs there. */
    private record Deployment(String name, DropletClient client, Aeron counters, LongUnaryOperator runs)
    {
        long counter(final String labelEnd)
        {
            final long[] sum = {0};
            counters.countersReader().forEach((value, typeId, label) -> sum[0] += label.endsWith(labelEnd) ? value : 0);
            return sum[0];
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shortCallsProceedWhileLongFunctionsRunLocallyAndInANodeProcess() throws Exception
    {
        final String nodeDir = watcher.aeronDirectory("long-node");
        final File logs = watcher.dataDirectory("long-node-logs");
        final String localDir = watcher.aeronDirectory("long-local");
        final List<Process> processes = new ArrayList<>();
        try
        {
            // The node process starts with the local node; both are up, warm and otherwise idle before either idle run.
            processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "driver.log"),
                "driver", "--dir", nodeDir, "--term-length", "4m"));
            Await.until(() -> new File(nodeDir, "cnc.dat").exists(), WAIT, () -> "driver started");
            processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "node.log"),
                "node", "--dir", nodeDir, "--roles", "storage,cache,scheduler,executor",
                "--data", new File(logs, "storage-data").getPath(),
                "--cache-file", new File(logs, "host-cache.dat").getPath()));
            try (DropletClient localClient = Droplet.local(new LocalContext()
                    .aeronDirectoryName(localDir).callTimeoutNs(CALL_DEADLINE.toNanos()));
                Aeron localCounters = Aeron.connect(new Aeron.Context().aeronDirectoryName(localDir));
                DropletClient nodeClient = connect(nodeDir);
                Aeron nodeCounters = Aeron.connect(new Aeron.Context().aeronDirectoryName(nodeDir)))
            {
                final Deployment local = new Deployment("local", localClient, localCounters, SleepFunction::runs);
                final Deployment node = new Deployment("node process", nodeClient, nodeCounters,
                    tag -> (Long)nodeClient.call("sleep-runs", tag));
                for (final Deployment deployment : List.of(local, node))
                {
                    register(deployment.client());
                    awaitServing(deployment.client());
                    shortCalls(deployment.client(), null, null);
                }
                final Histogram localIdle = shortCalls(local.client(), null, null);
                final Histogram nodeIdle = shortCalls(node.client(), null, null);

                // Both idle runs are done: a 30 s function starts on each and runs through the loaded runs.
                final long longStart = System.nanoTime();
                final CompletableFuture<Object> localLong = local.client().callAsync("sleep", LONG_MS, LOCAL_TAG + 1);
                final CompletableFuture<Object> nodeLong = node.client().callAsync("sleep", LONG_MS, NODE_TAG + 1);

                loaded(local, LOCAL_TAG, localIdle);
                loaded(node, NODE_TAG, nodeIdle);

                longCompletes(local, localLong, LOCAL_TAG + 1, longStart);
                longCompletes(node, nodeLong, NODE_TAG + 1, longStart);
                for (final Deployment deployment : List.of(local, node))
                {
                    System.out.printf(Locale.ROOT, "%s: executor stages run %d, runs refused %d, late results dropped %d, " +
                        "responses to unknown correlation %d%n", deployment.name(),
                        deployment.counter(": executor stages run"), deployment.counter(": executor runs refused (pool full)"),
                        deployment.counter(": executor late results dropped"), deployment.counter(": responses to unknown correlation"));
                    assertEquals(0, deployment.counter(": executors expired"), deployment.name() + ": no executor declared dead");
                    assertEquals(0, deployment.counter(": invocations re-run"), deployment.name() + ": no invocation re-run");
                    assertEquals(0, deployment.counter(": executor late results dropped"), deployment.name());
                }
            }
        }
        finally
        {
            for (int i = processes.size() - 1; i >= 0; i--)
            {
                processes.get(i).destroy();
                processes.get(i).waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sixtyFourCallsOfAHundredMillisecondFunctionOnAPoolOfSixteenFinishInUnderThreeSeconds() throws Exception
    {
        assertNull(System.getProperty(ExecutorConfiguration.WORKERS_PROP_NAME), "the executor has the default pool");
        assertEquals(16, ExecutorConfiguration.WORKERS_DEFAULT);
        final long firstTag = 3_000;
        try (DropletClient droplet = Droplet.local())
        {
            register(droplet);
            awaitServing(droplet);
            // One call first: the function is known to the executor and its lane has run once.
            assertEquals(firstTag - 1, droplet.call("sleep", 1L, firstTag - 1));

            final List<CompletableFuture<Object>> calls = new ArrayList<>();
            final long start = System.nanoTime();
            for (int i = 0; i < 64; i++)
            {
                calls.add(droplet.callAsync("sleep", 100L, firstTag + i));
            }
            for (int i = 0; i < 64; i++)
            {
                assertEquals(firstTag + i, calls.get(i).get(30, TimeUnit.SECONDS), "call " + i);
            }
            final long elapsedNs = System.nanoTime() - start;
            System.out.printf(Locale.ROOT, "64 calls of a 100 ms function on a pool of 16: %.0f ms (4 rounds: 400 ms at best)%n",
                elapsedNs / 1e6);
            for (int i = 0; i < 64; i++)
            {
                assertEquals(1, SleepFunction.runs(firstTag + i), "call " + i + " ran once");
            }
            assertTrue(elapsedNs < TimeUnit.SECONDS.toNanos(3), "under 3 s: " + elapsedNs / 1_000_000 + " ms");
        }
    }

    private static void register(final DropletClient client)
    {
        client.registerFunction("micro", ShortIncrementFunction.class);
        client.registerFunction("sleep", SleepFunction.class);
        client.registerFunction("sleep-runs", SleepRunsFunction.class);
    }

    /**
     * Times {@value #CALLS} short calls one in flight while a 1.5 s function runs, prints their p99 (and that of
     * those that completed while it still ran) beside the idle p99, and checks the slow call's value and that its
     * function ran once.
     */
    private static void loaded(final Deployment deployment, final long tag, final Histogram idle) throws Exception
    {
        final CompletableFuture<Object> slow = deployment.client().callAsync("sleep", SLOW_MS, tag);
        Await.until(() -> deployment.runs().applyAsLong(tag) > 0, WAIT, () -> deployment.name() + ": the 1.5 s function started");
        final Histogram whileRunning = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram loaded = shortCalls(deployment.client(), slow, whileRunning);
        assertEquals(tag, slow.get(30, TimeUnit.SECONDS), deployment.name() + ": the slow call returns its value");
        final double idleP99 = idle.getValueAtPercentile(99.0);
        System.out.printf(Locale.ROOT, "%s: %,d short calls one in flight: idle p50 %.2f us, p99 %.2f us; " +
            "while a 1.5 s function runs p50 %.2f us, p99 %.2f us, p99 ratio %.2f; " +
            "the %,d that completed before it returned: p99 %.2f us, p99 ratio %.2f%n",
            deployment.name(), CALLS, idle.getValueAtPercentile(50.0) / 1e3, idleP99 / 1e3,
            loaded.getValueAtPercentile(50.0) / 1e3, loaded.getValueAtPercentile(99.0) / 1e3,
            loaded.getValueAtPercentile(99.0) / idleP99, whileRunning.getTotalCount(),
            whileRunning.getValueAtPercentile(99.0) / 1e3, whileRunning.getValueAtPercentile(99.0) / idleP99);
        assertEquals(1, deployment.runs().applyAsLong(tag), deployment.name() + ": the 1.5 s function ran once");
    }

    private static void longCompletes(
        final Deployment deployment, final CompletableFuture<Object> call, final long tag, final long startNs) throws Exception
    {
        assertEquals(tag, call.get(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS), deployment.name() + ": the 30 s call returns");
        System.out.printf(Locale.ROOT, "%s: the 30 s call (60 s deadline) returned after %.1f s%n",
            deployment.name(), (System.nanoTime() - startNs) / 1e9);
        assertEquals(1, deployment.runs().applyAsLong(tag), deployment.name() + ": the 30 s function ran once");
        assertEquals(8L, deployment.client().call("micro", 7L), deployment.name() + ": a short call is answered after it");
    }

    /**
     * {@value #CALLS} calls of the short function one in flight, each checked.
     *
     * @param slow         a call in flight meanwhile, or null.
     * @param whileRunning gets the latencies of the calls that completed while {@code slow} had not, or null.
     * @return the latencies of all, in nanoseconds.
     */
    private static Histogram shortCalls(
        final DropletClient client, final CompletableFuture<Object> slow, final Histogram whileRunning)
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (long i = 0; i < CALLS; i++)
        {
            final long start = System.nanoTime();
            final Object value = client.call("micro", i);
            final long latency = Math.min(System.nanoTime() - start, histogram.getHighestTrackableValue());
            histogram.recordValue(latency);
            if (null != slow && !slow.isDone())
            {
                whileRunning.recordValue(latency);
            }
            if (!Long.valueOf(i + 1).equals(value))
            {
                assertEquals(i + 1, value, "micro(" + i + ")");
            }
        }
        return histogram;
    }

    /**
     * Waits until the short function answers, each attempt waiting at most 2 s (calls carry a 60 s deadline).
     */
    private static void awaitServing(final DropletClient client)
    {
        Await.until(() ->
        {
            try
            {
                return Long.valueOf(2).equals(client.callAsync("micro", 1L).get(2, TimeUnit.SECONDS));
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                return false;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }, WAIT, () -> "the short function is served");
    }

    private static DropletClient connect(final String dir)
    {
        final DropletClient[] client = new DropletClient[1];
        Await.until(() ->
        {
            try
            {
                client[0] = DropletClient.connect(new RemoteContext().aeronDirectoryName(dir).callTimeoutNs(CALL_DEADLINE.toNanos()));
                return true;
            }
            catch (final DropletException ex)
            {
                return false;
            }
        }, WAIT, () -> "client connected to the node process's scheduler");
        return client[0];
    }
}
