package io.droplet.soak;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.scheduler.SchedulerCounters;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Record;
import io.droplet.soak.functions.Square;
import io.droplet.api.lattice.Bytes;
import io.droplet.api.lattice.Lattice;
import io.droplet.api.lattice.SetLattice;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EXEC-KILL: DAG invocations with unique ids (10,000 by default) while an executor process is killed with
 * SIGKILL every few seconds and started again (two executor processes, killed in turn). Every invocation
 * ends with exactly one outcome at the client, a result or a typed error: lost = 0, unexpected = 0.
 * Re-runs are allowed; the set lattices the DAG writes hold each id once, and every id whose invocation
 * returned a result is there (output commit).
 */
class ExecKillTest
{
    private static final int INVOCATIONS = Integer.getInteger("soak.execkill.invocations", 10_000);
    private static final int RATE = Integer.getInteger("soak.execkill.rate", 500);
    private static final long KILL_PERIOD_MS = Long.getLong("soak.kill.period.ms", 2_500);

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void everyInvocationEndsOnceWhileExecutorsAreKilled() throws Exception
    {
        final long seed = Long.getLong("soak.seed", System.nanoTime());
        System.out.println("EXEC-KILL seed " + seed + ", invocations " + INVOCATIONS + " at " + RATE + "/s, kill every " +
            KILL_PERIOD_MS + " ms");
        try (Deployment deployment = new Deployment(watcher, "exec-kill"))
        {
            deployment.driver(List.of());
            deployment.core();
            for (final long id : new long[]{ 10, 11 })
            {
                final long cache = 30 + 2 * (id - 10);
                deployment.node("executor-" + id, "--roles", "cache,executor",
                    "--executor-id", Long.toString(id), "--executor-endpoint", "127.0.0.1:0/" + (5000 + id),
                    "--cache-id", Long.toString(cache), "--cache-endpoint", "127.0.0.1:0/" + (5000 + cache),
                    "--cache-file", new File(deployment.logs(), "cache-" + cache + ".dat").getPath());
            }
            try (DropletClient client = deployment.client(Duration.ofSeconds(5)))
            {
                client.registerFunction("record", Record.class);
                client.registerFunction("square", Square.class);
                client.registerDag("audit", List.of("record", "square"), List.of(Connection.of("record", "square")));
                Await.until(() -> Long.valueOf(0).equals(callQuietly(client)), Duration.ofSeconds(60), () -> "the DAG is served");
                // Latency is probed with a DAG that writes nothing, before the first kill and after the last.
                client.registerFunction("increment", Increment.class);
                client.registerDag("plain", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                final LatencyProbe before = LatencyProbe.warmThenRun("plain DAG call", i -> client.callDag("plain", i), i -> (i + 1) * (i + 1));

                final Killer killer = new Killer(deployment, new Random(seed));
                killer.start();
                final List<CompletableFuture<Object>> calls = new ArrayList<>(INVOCATIONS);
                final long start = System.nanoTime();
                for (int i = 1; i <= INVOCATIONS; i++)
                {
                    final long due = start + (long)i * 1_000_000_000L / RATE;
                    while (System.nanoTime() - due < 0)
                    {
                        Thread.onSpinWait();
                    }
                    calls.add(client.callDagAsync("audit", (long)i));
                }
                killer.stopAndJoin();

                int results = 0;
                int lost = 0;
                int unexpected = 0;
                final Map<ErrorCode, Integer> errors = new EnumMap<>(ErrorCode.class);
                final Set<Long> succeeded = new HashSet<>();
                for (int i = 0; i < calls.size(); i++)
                {
                    final long id = i + 1;
                    final CompletableFuture<Object> call = calls.get(i);
                    try
                    {
                        final Object value = call.get(30, TimeUnit.SECONDS);
                        if (Long.valueOf(id * id).equals(value))
                        {
                            results++;
                            succeeded.add(id);
                        }
                        else
                        {
                            unexpected++;
                        }
                    }
                    catch (final java.util.concurrent.TimeoutException ex)
                    {
                        lost++;
                    }
                    catch (final java.util.concurrent.ExecutionException | CompletionException ex)
                    {
                        if (ex.getCause() instanceof DropletException)
                        {
                            errors.merge(((DropletException)ex.getCause()).code(), 1, Integer::sum);
                        }
                        else
                        {
                            unexpected++;
                        }
                    }
                }

                // Recovered: both executors serve again (the last one killed was restarted) and nothing is in flight.
                Await.until(() -> liveExecutors(deployment) == 2, Duration.ofSeconds(120), () -> "both executors live again");
                final LatencyProbe after = LatencyProbe.run("plain DAG call", i -> client.callDag("plain", i), i -> (i + 1) * (i + 1));

                final Set<Long> recorded = new HashSet<>();
                int entries = 0;
                for (int s = 0; s < Record.SETS; s++)
                {
                    final Lattice set = client.get("seen-" + s);
                    if (set instanceof SetLattice)
                    {
                        for (final Bytes element : ((SetLattice)set).elements())
                        {
                            recorded.add(Long.parseLong(element.toUtf8()));
                            entries++;
                        }
                    }
                }
                final long reruns = deployment.sum(SchedulerCounters.TYPE_ID_BASE + 4, "");
                final Set<Long> missing = new HashSet<>(succeeded);
                missing.removeAll(recorded);
                System.out.printf("EXEC-KILL invocations %d, kills %d, results %d, errors %s, re-runs %d, lost %d, unexpected %d, " +
                    "ids recorded %d (entries %d), succeeded but not recorded %d; %s%n", calls.size(), killer.kills.get(), results,
                    errors, reruns, lost, unexpected, recorded.size(), entries, missing.size(), LatencyProbe.compare(before, after));

                assertEquals(0, lost, "lost");
                assertEquals(0, after.errorCount(), "calls succeed once the executors are back: " + LatencyProbe.compare(before, after));
                assertEquals(0, unexpected, "unexpected");
                assertEquals(INVOCATIONS, results + errors.values().stream().mapToInt(Integer::intValue).sum());
                assertTrue(errors.keySet().stream().allMatch(code -> code == ErrorCode.TIMEOUT || code == ErrorCode.NO_RESOURCES ||
                    code == ErrorCode.NOT_CONNECTED), "only typed errors of a dying executor: " + errors);
                assertEquals(recorded.size(), entries, "each id once in the sets");
                assertTrue(missing.isEmpty(), "every invocation with a result had its write stored: missing " + missing);
                assertTrue(killer.kills.get() >= 2, "executors were killed: " + killer.kills.get());
                assertTrue(results > INVOCATIONS / 2, "most invocations returned results: " + results);
            }
        }
    }

    private static Object callQuietly(final DropletClient client)
    {
        try
        {
            return client.callDag("audit", 0L);
        }
        catch (final DropletException ex)
        {
            return ex;
        }
    }

    private static long liveExecutors(final Deployment deployment)
    {
        return deployment.sum(SchedulerCounters.TYPE_ID_BASE + 2, "");
    }

    /** Kills the executors in turn with SIGKILL every period and starts each again after the scheduler noticed. */
    private static final class Killer extends Thread
    {
        final AtomicInteger kills = new AtomicInteger();
        private final Deployment deployment;
        private final Random random;
        private final AtomicBoolean running = new AtomicBoolean(true);

        Killer(final Deployment deployment, final Random random)
        {
            super("killer");
            this.deployment = deployment;
            this.random = random;
        }

        public void run()
        {
            int turn = 0;
            final Duration poll = Duration.ofMillis(20);
            while (running.get())
            {
                // Only kill when both executors serve: a restarted JVM takes a few seconds to join.
                Await.until(() -> !running.get() || liveExecutors() == 2, Duration.ofSeconds(120), poll,
                    () -> "both executors live");
                final long killAt = System.nanoTime() +
                    TimeUnit.MILLISECONDS.toNanos(KILL_PERIOD_MS / 2 + random.nextInt((int)KILL_PERIOD_MS));
                Await.until(() -> !running.get() || System.nanoTime() - killAt >= 0, Duration.ofMillis(2 * KILL_PERIOD_MS),
                    poll, () -> "the next kill is due");
                if (!running.get())
                {
                    return;
                }
                final String victim = "executor-" + (10 + (turn++ % 2));
                deployment.kill(victim);
                kills.incrementAndGet();
                // Started again once the scheduler stopped placing work there (and re-ran what it had).
                Await.until(() -> liveExecutors() < 2, Duration.ofSeconds(30), poll, () -> "the scheduler noticed the kill");
                deployment.restart(victim);
            }
        }

        private long liveExecutors()
        {
            return ExecKillTest.liveExecutors(deployment);
        }

        void stopAndJoin() throws InterruptedException
        {
            running.set(false);
            interrupt();
            join(30_000);
        }
    }
}
