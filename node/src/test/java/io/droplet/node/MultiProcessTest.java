package io.droplet.node;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.client.RemoteContext;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.node.cli.DropletCommand;
import io.droplet.node.functions.IncrementFunction;
import io.droplet.node.functions.SquareFunction;
import io.droplet.test.Await;
import io.droplet.test.JavaProcess;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standalone media driver, a scheduler and an executor each in a {@code droplet} process of its own,
 * and a client in this JVM run a DAG. The executor process is killed with SIGKILL under load: every
 * call still ends with its result or a typed error, none is lost. A new executor process rejoins and
 * calls succeed again.
 */
class MultiProcessTest
{
    private static final int CALLS = 3_000;
    private static final int WINDOW = 32;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyCallEndsWhenTheExecutorProcessIsKilled() throws Exception
    {
        final String dir = watcher.aeronDirectory("multi-process");
        final File logs = watcher.dataDirectory("multi-process-logs");
        final List<Process> processes = new ArrayList<>();
        try
        {
            startDriverAndScheduler(dir, logs, processes);
            Process executor = JavaProcess.start(DropletCommand.class, new File(logs, "executor-1.log"),
                "node", "--dir", dir, "--roles", "executor");
            processes.add(executor);

            try (DropletClient droplet = connect(dir))
            {
                droplet.registerFunction("increment", IncrementFunction.class);
                droplet.registerFunction("square", SquareFunction.class);
                droplet.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                awaitServing(droplet);
                // Code the executor process has never seen, shipped with the registration.
                final String className = "shipped.example.Adder";
                droplet.registerFunction("adder", className,
                    ShippedCode.compile(logs.toPath().resolve("adder"), className, ShippedCode.adder(className, 1000)), 1);
                assertEquals(1007L, droplet.call("adder", 7L));

                final List<CompletableFuture<Object>> calls = new ArrayList<>();
                final Map<ErrorCode, Integer> errors = new EnumMap<>(ErrorCode.class);
                int results = 0;
                boolean killed = false;
                for (int i = 0; i < CALLS; i++)
                {
                    if (!killed && i == CALLS / 4)
                    {
                        executor.destroyForcibly();
                        assertTrue(executor.waitFor(30, TimeUnit.SECONDS));
                        killed = true;
                    }
                    calls.add(droplet.callDagAsync("pipeline", (long)i));
                    if (calls.size() - countDone(calls) >= WINDOW)
                    {
                        calls.get(calls.size() - WINDOW).handle((value, failure) -> null).get(30, TimeUnit.SECONDS);
                    }
                }
                for (int i = 0; i < CALLS; i++)
                {
                    final CompletableFuture<Object> call = calls.get(i);
                    call.handle((value, failure) -> null).get(30, TimeUnit.SECONDS);
                    try
                    {
                        final Object value = call.join();
                        assertEquals((long)(i + 1) * (i + 1), value, "call " + i);
                        results++;
                    }
                    catch (final CompletionException ex)
                    {
                        assertTrue(ex.getCause() instanceof DropletException, "untyped failure: " + ex.getCause());
                        errors.merge(((DropletException)ex.getCause()).code(), 1, Integer::sum);
                    }
                }
                System.out.println("results " + results + ", typed errors " + errors);
                assertEquals(CALLS, results + errors.values().stream().mapToInt(Integer::intValue).sum(), "every call ended");
                assertTrue(results >= CALLS / 4 - WINDOW, "calls before the kill succeeded: " + results);
                assertTrue(!errors.isEmpty(), "the kill was felt");
                for (final ErrorCode code : errors.keySet())
                {
                    assertTrue(code == ErrorCode.TIMEOUT || code == ErrorCode.NO_RESOURCES || code == ErrorCode.NOT_CONNECTED,
                        "unexpected error " + code);
                }

                // A new executor process joins; the scheduler hands it the registered functions.
                processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "executor-2.log"),
                    "node", "--dir", dir, "--roles", "executor", "--executor-id", "11", "--executor-endpoint", "127.0.0.1:0/5011"));
                awaitServing(droplet);

                // The scheduler's counters, read from outside its process through the driver's CnC file.
                final String stat = Cli.run("stat", "--dir", dir);
                assertTrue(stat.contains("scheduler-1: invocations started"), stat);
                assertTrue(stat.lines().anyMatch(line -> line.contains("scheduler-1: executors expired") &&
                    line.trim().matches("\\d+:\\s+[1-9].*")), stat);
            }
        }
        finally
        {
            for (int i = processes.size() - 1; i >= 0; i--)
            {
                processes.get(i).destroy();
                if (!processes.get(i).waitFor(30, TimeUnit.SECONDS))
                {
                    // A node that does not stop when asked (a shutdown hook starved on a loaded machine) must not outlive the test.
                    processes.get(i).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * One {@code droplet node} process with every role against a standalone driver: the registry, a DAG,
     * KVS writes and reads, and a reference resolved through the node's host cache.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNodeWithEveryRoleServesDagsStateAndReferences() throws Exception
    {
        final String dir = watcher.aeronDirectory("all-roles");
        final File logs = watcher.dataDirectory("all-roles-logs");
        final List<Process> processes = new ArrayList<>();
        try
        {
            processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "driver.log"),
                "driver", "--dir", dir, "--term-length", "4m"));
            Await.until(() -> new File(dir, "cnc.dat").exists(), Duration.ofSeconds(30), () -> "driver started");
            processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "node.log"),
                "node", "--dir", dir, "--roles", "storage,cache,scheduler,executor",
                "--data", new File(logs, "storage-data").getPath(),
                "--cache-file", new File(logs, "host-cache.dat").getPath()));
            try (DropletClient droplet = connect(() -> new RemoteContext()
                .aeronDirectoryName(dir)
                .storage(20, io.droplet.transport.Endpoint.parse("127.0.0.1:0/5020"))
                .callTimeoutNs(TimeUnit.SECONDS.toNanos(2))))
            {
                droplet.registerFunction("increment", IncrementFunction.class);
                droplet.registerFunction("square", SquareFunction.class);
                droplet.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                awaitServing(droplet);
                droplet.put("base", io.droplet.api.lattice.MaxLattice.of(9));
                assertEquals(io.droplet.api.lattice.MaxLattice.of(9), droplet.get("base"));
                assertEquals(100L, droplet.callDag("pipeline", io.droplet.codecs.value.Reference.of("base")),
                    "the reference is read through the node's host cache");
                assertTrue(droplet.listFunctions().containsAll(List.of("increment", "square")));
            }
        }
        finally
        {
            for (int i = processes.size() - 1; i >= 0; i--)
            {
                processes.get(i).destroy();
                if (!processes.get(i).waitFor(30, TimeUnit.SECONDS))
                {
                    // A node that does not stop when asked (a shutdown hook starved on a loaded machine) must not outlive the test.
                    processes.get(i).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * Two executor processes; one is killed with SIGKILL under load. The scheduler re-runs the
     * invocations placed on it on the survivor once it stops heartbeating: every call returns its result.
     * <p>
     * It used to fail about one run in four because an executor's first outputs on a new link to another
     * process were dropped (the link connects asynchronously through an external driver);
     * {@code DeferredSends} fixed that, and it passed every one of 21 runs since, so it runs by default.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void invocationsOfAKilledExecutorAreRerunElsewhere() throws Exception
    {
        final String dir = watcher.aeronDirectory("rerun");
        final File logs = watcher.dataDirectory("rerun-logs");
        final List<Process> processes = new ArrayList<>();
        try
        {
            startDriverAndScheduler(dir, logs, processes);
            final Process doomed = JavaProcess.start(DropletCommand.class, new File(logs, "executor-a.log"),
                "node", "--dir", dir, "--roles", "executor", "--executor-id", "10", "--executor-endpoint", "127.0.0.1:0/5010");
            processes.add(doomed);
            processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "executor-b.log"),
                "node", "--dir", dir, "--roles", "executor", "--executor-id", "11", "--executor-endpoint", "127.0.0.1:0/5011"));

            try (DropletClient droplet = connect(dir, TimeUnit.SECONDS.toNanos(8)))
            {
                droplet.registerFunction("increment", IncrementFunction.class);
                droplet.registerFunction("square", SquareFunction.class);
                droplet.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                awaitServing(droplet);
                Await.until(() -> Cli.run("stat", "--dir", dir).lines().anyMatch(line ->
                    line.contains("scheduler-1: live executors") && line.trim().matches("\\d+:\\s+2 .*")),
                    Duration.ofSeconds(30), () -> "both executors live: " + Cli.run("stat", "--dir", dir));

                final List<CompletableFuture<Object>> calls = new ArrayList<>();
                for (int i = 0; i < CALLS; i++)
                {
                    if (i == CALLS / 4)
                    {
                        doomed.destroyForcibly();
                        assertTrue(doomed.waitFor(30, TimeUnit.SECONDS));
                    }
                    calls.add(droplet.callDagAsync("pipeline", (long)i));
                    if (calls.size() - countDone(calls) >= WINDOW)
                    {
                        final long waitStart = System.nanoTime();
                        calls.get(calls.size() - WINDOW).handle((value, failure) -> null).get(30, TimeUnit.SECONDS);
                        if (System.nanoTime() - waitStart > TimeUnit.SECONDS.toNanos(3))
                        {
                            System.out.println("slow call " + (calls.size() - WINDOW) + ": " +
                                calls.get(calls.size() - WINDOW).handle((value, failure) -> failure).get() + "\n" +
                                Cli.run("stat", "--dir", dir));
                            threadDumps(processes, logs);
                        }
                    }
                }
                int results = 0;
                final List<Throwable> failures = new ArrayList<>();
                for (int i = 0; i < CALLS; i++)
                {
                    try
                    {
                        assertEquals((long)(i + 1) * (i + 1), calls.get(i).get(30, TimeUnit.SECONDS), "call " + i);
                        results++;
                    }
                    catch (final java.util.concurrent.ExecutionException ex)
                    {
                        failures.add(ex.getCause());
                    }
                }
                System.out.println("results " + results + ", failures " + failures);
                assertEquals(CALLS, results + failures.size(), "every call ended");
                for (final Throwable failure : failures)
                {
                    assertTrue(failure instanceof DropletException && ((DropletException)failure).code() == ErrorCode.TIMEOUT,
                        "only typed timeouts: " + failure);
                }
                // Calls of the killed executor are re-run, not failed.
                assertTrue(failures.size() <= CALLS / 100, "at most 1% timed out: " + failures.size());
                assertTrue(Cli.run("stat", "--dir", dir).lines().anyMatch(line ->
                    line.contains("scheduler-1: invocations re-run") && line.trim().matches("\\d+:\\s+[1-9].*")),
                    "the scheduler re-ran invocations");
            }
        }
        finally
        {
            for (int i = processes.size() - 1; i >= 0; i--)
            {
                processes.get(i).destroy();
                if (!processes.get(i).waitFor(30, TimeUnit.SECONDS))
                {
                    // A node that does not stop when asked (a shutdown hook starved on a loaded machine) must not outlive the test.
                    processes.get(i).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static void startDriverAndScheduler(final String dir, final File logs, final List<Process> processes)
        throws java.io.IOException
    {
        processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "driver.log"),
            "driver", "--dir", dir, "--term-length", "4m"));
        Await.until(() -> new File(dir, "cnc.dat").exists(), Duration.ofSeconds(30), () -> "driver started");
        processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "scheduler.log"),
            "node", "--dir", dir, "--roles", "storage,scheduler", "--data", new File(logs, "storage-data").getPath()));
    }

    /**
     * Thread dumps of the node processes, kept with the test's logs, to see what a stalled one was doing.
     */
    private static void threadDumps(final List<Process> processes, final File logs)
    {
        final File jcmd = new File(System.getProperty("java.home"), "bin/jcmd");
        for (final Process process : processes)
        {
            if (process.isAlive() && jcmd.canExecute())
            {
                try
                {
                    final Process dump = new ProcessBuilder(jcmd.getPath(), Long.toString(process.pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logs, "threads-" + process.pid() + ".txt")))
                        .start();
                    dump.waitFor(20, TimeUnit.SECONDS);
                }
                catch (final java.io.IOException ex)
                {
                    System.out.println("no thread dump of " + process.pid() + ": " + ex);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static int countDone(final List<CompletableFuture<Object>> calls)
    {
        int done = 0;
        for (int i = Math.max(0, calls.size() - 4 * WINDOW); i < calls.size(); i++)
        {
            done += calls.get(i).isDone() ? 1 : 0;
        }
        return done + Math.max(0, calls.size() - 4 * WINDOW);
    }

    private static DropletClient connect(final String dir)
    {
        return connect(dir, TimeUnit.SECONDS.toNanos(2));
    }

    private static DropletClient connect(final String dir, final long callTimeoutNs)
    {
        return connect(() -> new RemoteContext().aeronDirectoryName(dir).callTimeoutNs(callTimeoutNs));
    }

    private static DropletClient connect(final java.util.function.Supplier<RemoteContext> context)
    {
        final DropletClient[] client = new DropletClient[1];
        Await.until(() ->
        {
            try
            {
                client[0] = DropletClient.connect(context.get());
                return true;
            }
            catch (final DropletException ex)
            {
                return false;
            }
        }, Duration.ofSeconds(60), () -> "client connected to the scheduler");
        return client[0];
    }

    private static void awaitServing(final DropletClient droplet)
    {
        Await.until(() ->
        {
            try
            {
                return Long.valueOf(16).equals(droplet.callDag("pipeline", 3L));
            }
            catch (final DropletException ex)
            {
                return false;
            }
        }, Duration.ofSeconds(60), () -> "the DAG is served");
    }
}
