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
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EXEC-KILL: DAG invocations with unique ids (10,000 by default, at 500/s) while an executor process is killed
 * with SIGKILL every few seconds and started again (two executor processes, killed in turn). Every invocation
 * ends with exactly one outcome at the client, a result or a typed error: lost = 0, unexpected = 0.
 * Re-runs are allowed; the set lattices the DAG writes hold each id once, and every id whose invocation
 * returned a result is there (output commit).
 * <p>
 * Both executors must be killed under load: the killer kills only while both serve, and a killed executor's
 * JVM takes seconds to start again and join (far more on a starved machine), so the load goes on past the
 * configured invocations, at the same rate, until the second kill, for at most {@code soak.execkill.load.limit.s}
 * from its start; a killer that cannot get two kills in by then fails the test. The killer's timeline (when
 * it killed, when the scheduler noticed, how long each restarted executor took to join) is printed.
 */
class ExecKillTest
{
    private static final int INVOCATIONS = Integer.getInteger("soak.execkill.invocations", 10_000);
    private static final int RATE = Integer.getInteger("soak.execkill.rate", 500);
    private static final long KILL_PERIOD_MS = Long.getLong("soak.kill.period.ms", 2_500);
    /** Kills the load waits for: each of the two executors once. */
    private static final int MIN_KILLS = 2;
    /** Longest load phase, from its start, while the load waits for the kills. */
    private static final long LOAD_LIMIT_NS = TimeUnit.SECONDS.toNanos(Long.getLong("soak.execkill.load.limit.s", 120));

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
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

                final List<CompletableFuture<Object>> calls = new ArrayList<>(INVOCATIONS);
                final long start = System.nanoTime();
                final Killer killer = new Killer(deployment, new Random(seed), start);
                killer.start();
                // The configured invocations at the rate; then on at the rate until both executors were killed, within
                // the limit. The submitter parks until each call is due rather than spinning: a spinning thread would
                // take one of a small machine's cores from the processes under test for the whole phase.
                for (long i = 1; i <= INVOCATIONS || killer.awaitingKills(start + LOAD_LIMIT_NS); i++)
                {
                    final long due = start + i * 1_000_000_000L / RATE;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime())
                    {
                        LockSupport.parkNanos(wait);
                    }
                    calls.add(client.callDagAsync("audit", i));
                }
                final long loadNs = System.nanoTime() - start;
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
                Await.until(() -> killer.noteUp("running by") && liveExecutors(deployment) == 2, Duration.ofSeconds(120),
                    Duration.ofMillis(20), () -> "both executors live again; killer: " + killer.timeline());
                killer.noteRecovered();
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
                System.out.printf("EXEC-KILL invocations %d in %.1f s, kills %d, results %d, errors %s, re-runs %d, lost %d, " +
                    "unexpected %d, ids recorded %d (entries %d), succeeded but not recorded %d; %s; killer: %s%n", calls.size(),
                    loadNs / 1e9, killer.kills.get(), results, errors, reruns, lost, unexpected, recorded.size(), entries,
                    missing.size(), LatencyProbe.compare(before, after), killer.timeline());

                assertEquals(0, lost, "lost");
                assertEquals(0, after.errorCount(), "calls succeed once the executors are back: " + LatencyProbe.compare(before, after));
                assertEquals(0, unexpected, "unexpected");
                assertEquals(calls.size(), results + errors.values().stream().mapToInt(Integer::intValue).sum());
                assertTrue(errors.keySet().stream().allMatch(code -> code == ErrorCode.TIMEOUT || code == ErrorCode.NO_RESOURCES ||
                    code == ErrorCode.NOT_CONNECTED), "only typed errors of a dying executor: " + errors);
                assertEquals(recorded.size(), entries, "each id once in the sets");
                assertTrue(missing.isEmpty(), "every invocation with a result had its write stored: missing " + missing);
                assertTrue(killer.kills.get() >= MIN_KILLS, "executors were killed under load: " + killer.kills.get() + " in " +
                    String.format("%.1f s", loadNs / 1e9) + (null == killer.failure ? "" : "; the killer failed: " + killer.failure) +
                    "; killer: " + killer.timeline());
                assertTrue(results > calls.size() / 2, "most invocations returned results: " + results + " of " + calls.size());
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

    /**
     * Kills the executors in turn with SIGKILL every period and starts each again after the scheduler noticed;
     * keeps a timeline of what it did, relative to the start of the load.
     */
    private static final class Killer extends Thread
    {
        final AtomicInteger kills = new AtomicInteger();
        volatile Throwable failure;
        private final Deployment deployment;
        private final Random random;
        private final long startNs;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> timeline = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile long restartedNs;
        private volatile String victim;
        private volatile long upNs;

        Killer(final Deployment deployment, final Random random, final long startNs)
        {
            super("killer");
            this.deployment = deployment;
            this.random = random;
            this.startNs = startNs;
        }

        public void run()
        {
            try
            {
                killInTurn();
            }
            catch (final Throwable ex)
            {
                if (running.get())
                {
                    failure = ex;
                }
            }
        }

        private void killInTurn()
        {
            int turn = 0;
            final Duration poll = Duration.ofMillis(20);
            while (running.get())
            {
                // Only kill when both executors serve: a restarted JVM takes a few seconds to join.
                Await.until(() -> !running.get() || (noteUp("running") && liveExecutors() == 2), Duration.ofSeconds(120), poll,
                    () -> "both executors live");
                if (!running.get())
                {
                    return;
                }
                noteJoined();
                final long killAt = System.nanoTime() +
                    TimeUnit.MILLISECONDS.toNanos(KILL_PERIOD_MS / 2 + random.nextInt((int)KILL_PERIOD_MS));
                Await.until(() -> !running.get() || System.nanoTime() - killAt >= 0, Duration.ofMillis(2 * KILL_PERIOD_MS),
                    poll, () -> "the next kill is due");
                if (!running.get())
                {
                    return;
                }
                victim = "executor-" + (10 + (turn++ % 2));
                final long killedNs = System.nanoTime();
                deployment.kill(victim);
                kills.incrementAndGet();
                // Started again once the scheduler stopped placing work there (and re-ran what it had).
                Await.until(() -> liveExecutors() < 2, Duration.ofSeconds(30), poll, () -> "the scheduler noticed the kill");
                final long noticedNs = System.nanoTime();
                deployment.restart(victim);
                restartedNs = System.nanoTime();
                timeline.add(String.format("%s killed at %.1f s, noticed after %d ms, restarted", victim, seconds(killedNs),
                    TimeUnit.NANOSECONDS.toMillis(noticedNs - killedNs)));
            }
        }

        /**
         * @param limitNs end of the longest load phase.
         * @return true while the load should go on for the kills: fewer than {@code MIN_KILLS} so far, the killer
         * running and the limit not reached.
         */
        boolean awaitingKills(final long limitNs)
        {
            return kills.get() < MIN_KILLS && isAlive() && System.nanoTime() - limitNs < 0;
        }

        /**
         * Notes when the executor restarted last printed that its roles run (its JVM started and the node launched):
         * from the killer while it runs, from the test's thread once it stopped.
         *
         * @param running how to say it ("running by" when seen late, after the load).
         * @return true.
         */
        boolean noteUp(final String running)
        {
            final long restarted = restartedNs;
            if (0 != restarted && 0 == upNs && deployment.logged(victim, "droplet node running"))
            {
                upNs = System.nanoTime();
                timeline.add(String.format("%s %.1f s after its restart", running, (upNs - restarted) / 1e9));
            }
            return true;
        }

        /** Notes that the executor restarted last has joined, seen once the load's calls ended (after the killer stopped). */
        void noteRecovered()
        {
            noteJoined("joined by");
        }

        private void noteJoined()
        {
            noteJoined("joined");
        }

        private void noteJoined(final String joined)
        {
            final long restarted = restartedNs;
            if (0 != restarted)
            {
                restartedNs = 0;
                upNs = 0;
                final long nowNs = System.nanoTime();
                timeline.add(String.format("%s %.1f s after its restart (at %.1f s)", joined, (nowNs - restarted) / 1e9,
                    seconds(nowNs)));
            }
        }

        String timeline()
        {
            synchronized (timeline)
            {
                return String.join("; ", timeline);
            }
        }

        private double seconds(final long nanoTime)
        {
            return (nanoTime - startNs) / 1e9;
        }

        private long liveExecutors()
        {
            return ExecKillTest.liveExecutors(deployment);
        }

        /**
         * Stops killing and waits for the killer; a kill under way completes first, its executor started again
         * (not interrupted: that could leave it dead).
         */
        void stopAndJoin() throws InterruptedException
        {
            running.set(false);
            join(60_000);
            if (isAlive())
            {
                throw new IllegalStateException("the killer did not stop; killer: " + timeline());
            }
        }
    }
}
