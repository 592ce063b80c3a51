package io.droplet.soak;

import io.aeron.Aeron;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.client.RemoteContext;
import io.droplet.node.cli.DropletCommand;
import io.droplet.test.Await;
import io.droplet.test.JavaProcess;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deployment of real processes on this machine for a fault test: a standalone media driver and
 * {@code droplet node} processes started with the same command operators use, each logging to a file
 * in the test's kept directory; processes can be killed with SIGKILL and started again with the same
 * arguments. Closing stops them all (SIGTERM, then SIGKILL).
 * <p>
 * <b>Note:</b> not thread-safe; one per test.
 */
final class Deployment implements AutoCloseable
{
    /** The storage node every deployment here runs. */
    static final Endpoint STORAGE = Endpoint.parse("127.0.0.1:0/5020");

    /**
     * JVM options of every {@code droplet node} process, as {@code deploy/droplet-node.service} runs
     * nodes: a fixed heap, every page of it touched at start. A heap that grows, or whose regions are
     * first touched as the collector reaches them, adds to RSS for hours without a leak; with these, RSS
     * measures only what is not heap (code cache, metaspace, thread stacks, direct and mapped buffers),
     * and the heap is measured after GC.
     */
    static final List<String> NODE_JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");
    /**
     * Environment of every {@code droplet node} process, as the node service sets it: two malloc arenas
     * instead of glibc's eight per core, so memory freed by the JIT's compiler threads is reused rather
     * than kept in arenas of their own (RSS that NMT does not see).
     */
    static final Map<String, String> NODE_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    private final String dir;
    private final File logs;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final Map<String, List<String>> jvmArgs = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();
    private final Map<String, List<String>> launchers = new LinkedHashMap<>();
    private final Map<String, File> logFiles = new LinkedHashMap<>();
    private Aeron aeron;

    /**
     * @param watcher of the test: gives the driver and log directories, kept when it fails.
     * @param label   of the deployment.
     */
    Deployment(final SystemTestWatcher watcher, final String label)
    {
        this.dir = watcher.aeronDirectory(label);
        this.logs = watcher.dataDirectory(label + "-logs");
        System.out.println(label + ": driver " + dir + ", logs " + logs);
    }

    String dir()
    {
        return dir;
    }

    File logs()
    {
        return logs;
    }

    /**
     * @param driverDir a driver's directory.
     * @param typeId    of the counters.
     * @param label     exact label of the counters (a driver's system counters: "NAKs sent", ...).
     * @return the sum of the matching counters in that driver's CnC file.
     */
    static long sumOn(final String driverDir, final int typeId, final String label)
    {
        try (Aeron other = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverDir)))
        {
            final long[] total = {0};
            final CountersReader counters = other.countersReader();
            counters.forEach((counterId, type, keyBuffer, counterLabel) ->
            {
                if (type == typeId && counterLabel.startsWith(label))
                {
                    total[0] += counters.getCounterValue(counterId);
                }
            });
            return total[0];
        }
    }

    /**
     * @param driverDir a driver's directory.
     * @param labelEnd  how the labels of the counters to add up end (every role of every process).
     * @return their sum.
     */
    static long sumEndingOn(final String driverDir, final String labelEnd)
    {
        try (Aeron other = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverDir)))
        {
            final long[] total = {0};
            other.countersReader().forEach((value, typeId, label) -> total[0] += label.endsWith(labelEnd) ? value : 0);
            return total[0];
        }
    }

    /**
     * Prints every non-zero Droplet counter of a driver's processes, for a test's log.
     *
     * @param driverDir a driver's directory.
     */
    static void printCounters(final String driverDir)
    {
        try (Aeron other = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverDir)))
        {
            final CountersReader counters = other.countersReader();
            counters.forEach((counterId, type, keyBuffer, label) ->
            {
                final long value = counters.getCounterValue(counterId);
                if (label.startsWith("droplet") && value != 0)
                {
                    System.out.println("  " + value + "  " + label);
                }
            });
        }
    }

    /**
     * Starts the host's media driver and waits for it.
     *
     * @param extraJvmArgs system properties for the driver (loss generators, timeouts).
     */
    void driver(final List<String> extraJvmArgs)
    {
        start("driver", extraJvmArgs, List.of("driver", "--dir", dir));
        Await.until(() -> new File(dir, "cnc.dat").exists() || !processes.get("driver").isAlive(), Duration.ofSeconds(30),
            () -> "driver started");
        if (!processes.get("driver").isAlive())
        {
            throw new IllegalStateException("the driver exited; see " + logs);
        }
    }

    /**
     * Starts another host's media driver (another directory), for tests across "hosts".
     *
     * @param name         of the driver process.
     * @param extraJvmArgs system properties for the driver.
     * @return its directory.
     */
    String otherDriver(final SystemTestWatcher watcher, final String name, final List<String> extraJvmArgs)
    {
        final String otherDir = watcher.aeronDirectory(name);
        start(name, extraJvmArgs, List.of("driver", "--dir", otherDir));
        Await.until(() -> new File(otherDir, "cnc.dat").exists() || !processes.get(name).isAlive(), Duration.ofSeconds(30),
            () -> name + " started");
        return otherDir;
    }

    /**
     * Starts a {@code droplet node} process on another host's driver.
     *
     * @param driverDir the driver's directory.
     * @param name      of the process.
     * @param args      of {@code droplet node}, after {@code --dir}.
     */
    void nodeOn(final String driverDir, final String name, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("node", "--dir", driverDir));
        command.addAll(List.of(args));
        start(name, NODE_JVM_OPTIONS, command);
    }

    /**
     * Starts a {@code droplet node} process.
     *
     * @param name of the process (its log file).
     * @param args of {@code droplet node}, after {@code --dir}.
     */
    void node(final String name, final String... args)
    {
        node(name, List.of(), args);
    }

    /**
     * Starts a {@code droplet node} process with extra JVM options.
     *
     * @param name    of the process (its log file).
     * @param jvmArgs extra JVM options (a GC log, say).
     * @param args    of {@code droplet node}, after {@code --dir}.
     */
    void node(final String name, final List<String> jvmArgs, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("node", "--dir", dir));
        command.addAll(List.of(args));
        final List<String> options = new ArrayList<>(NODE_JVM_OPTIONS);
        options.addAll(jvmArgs);
        start(name, options, command);
    }

    /**
     * The usual core: storage and scheduler in one process (the registry lives in the KVS).
     */
    void core()
    {
        node("core", "--roles", "storage,scheduler", "--data", new File(logs, "storage-data").getPath());
    }

    /**
     * An executor process.
     *
     * @param id     node id (10, 11, ...); its stream is 5000 + id.
     */
    void executor(final long id)
    {
        node("executor-" + id, "--roles", "executor", "--executor-id", Long.toString(id),
            "--executor-endpoint", "127.0.0.1:0/" + (5000 + id));
    }

    /**
     * SIGKILL, and wait for the process to be gone.
     *
     * @param name of the process.
     */
    void kill(final String name)
    {
        final Process process = processes.get(name);
        process.destroyForcibly();
        try
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException(name + " did not die");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Starts a process again with the arguments it had.
     *
     * @param name of the process.
     */
    void restart(final String name)
    {
        start(name, jvmArgs.get(name), commands.get(name));
    }

    /**
     * @param name of a process.
     * @return its process id.
     */
    long pid(final String name)
    {
        return processes.get(name).pid();
    }

    /**
     * @param name of a process.
     * @return its resident set size in bytes, from /proc.
     */
    long residentBytes(final String name)
    {
        return statusBytes(name, "VmRSS:");
    }

    /**
     * @param name  of a process.
     * @param field of /proc/pid/status counted in kB: {@code VmRSS:}, {@code RssAnon:} (heap, stacks, native
     *              memory), {@code RssFile:}, {@code RssShmem:} (mapped pages of the driver's log buffers).
     * @return its value in bytes.
     */
    long statusBytes(final String name, final String field)
    {
        try
        {
            for (final String line : java.nio.file.Files.readAllLines(
                java.nio.file.Paths.get("/proc", Long.toString(processes.get(name).pid()), "status")))
            {
                if (line.startsWith(field))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no " + field + " for " + name);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param name of a process.
     * @param text a line of its output.
     * @return true if the log of its latest start holds that text (a node prints "droplet node running" once its
     * roles run).
     */
    boolean logged(final String name, final String text)
    {
        try
        {
            return java.nio.file.Files.readString(logFiles.get(name).toPath()).contains(text);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    boolean isAlive(final String name)
    {
        return processes.get(name).isAlive();
    }

    /**
     * @param name of a process that has exited.
     * @return its exit status.
     */
    int exitValue(final String name)
    {
        return processes.get(name).exitValue();
    }

    /**
     * @param callTimeout default deadline of its calls.
     * @return a client of this deployment (scheduler 1, storage 20), connected once the core is up.
     */
    DropletClient client(final Duration callTimeout)
    {
        return client(1000, callTimeout);
    }

    /**
     * @param node        the client's node id (its stream is derived from it).
     * @param callTimeout default deadline of its calls.
     * @return a client of this deployment, connected once the core is up.
     */
    DropletClient client(final long node, final Duration callTimeout)
    {
        final DropletClient[] client = new DropletClient[1];
        Await.until(() ->
        {
            try
            {
                client[0] = DropletClient.connect(new RemoteContext()
                    .aeronDirectoryName(dir)
                    .clientNode(node)
                    .storage(20, STORAGE)
                    .replicationFactor(1)
                    .callTimeoutNs(callTimeout.toNanos()));
                return true;
            }
            catch (final DropletException ex)
            {
                return false;
            }
        }, Duration.ofSeconds(60), () -> "client connected to the scheduler");
        return client[0];
    }

    /**
     * @return the counters of every process on this driver (its CnC file).
     */
    CountersReader counters()
    {
        if (null == aeron)
        {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
        }
        return aeron.countersReader();
    }

    /**
     * @param typeId        of the counters.
     * @param labelContains part of their label ("" for all).
     * @return the sum of the matching counters' values.
     */
    long sum(final int typeId, final String labelContains)
    {
        final long[] total = {0};
        final CountersReader counters = counters();
        counters.forEach((counterId, type, keyBuffer, label) ->
        {
            if (type == typeId && label.contains(labelContains))
            {
                total[0] += counters.getCounterValue(counterId);
            }
        });
        return total[0];
    }

    /**
     * Starts a {@code droplet} command (driver or node) inside a network namespace.
     *
     * @param launcher words that run a command there ({@code ip netns exec <namespace>}).
     * @param name     of the process.
     * @param command  of {@code droplet}.
     */
    void startIn(final List<String> launcher, final String name, final List<String> command)
    {
        launchers.put(name, launcher);
        start(name, "node".equals(command.get(0)) ? NODE_JVM_OPTIONS : List.of(), command);
    }

    private void start(final String name, final List<String> extraJvmArgs, final List<String> command)
    {
        final int start = starts.merge(name, 1, Integer::sum);
        try
        {
            final File log = new File(logs, name + (start == 1 ? "" : "-" + start) + ".log");
            processes.put(name, JavaProcess.start(launchers.getOrDefault(name, List.of()), DropletCommand.class, log, extraJvmArgs,
                "node".equals(command.get(0)) ? NODE_ENVIRONMENT : Map.of(), command.toArray(new String[0])));
            commands.put(name, command);
            jvmArgs.put(name, extraJvmArgs);
            logFiles.put(name, log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Connects a client once the deployment answers, trying again until a deadline.
     *
     * @param context makes the client's context for each try.
     * @param timeout longest wait.
     * @return the connected client.
     */
    static DropletClient connect(final java.util.function.Supplier<RemoteContext> context, final Duration timeout)
    {
        final DropletClient[] client = new DropletClient[1];
        Await.until(() ->
        {
            try
            {
                client[0] = DropletClient.connect(context.get());
                return true;
            }
            catch (final RuntimeException ex)
            {
                return false;
            }
        }, timeout, () -> "client connected");
        return client[0];
    }

    /**
     * @param host a local address.
     * @return a UDP port free on it now.
     */
    static int freePort(final String host)
    {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getByName(host)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("no free UDP port on " + host, ex);
        }
    }

    /**
     * @param rate of data and control frames a driver's receivers drop.
     * @param seed of the loss generators.
     * @return the driver's JVM options that turn Aeron's loss generators on.
     */
    static List<String> lossArgs(final double rate, final long seed)
    {
        return List.of(
            "-Daeron.SendChannelEndpoint.supplier=io.aeron.driver.ext.DebugSendChannelEndpointSupplier",
            "-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier",
            "-Daeron.debug.receive.data.loss.rate=" + rate,
            "-Daeron.debug.receive.data.loss.seed=" + seed,
            "-Daeron.debug.receive.control.loss.rate=" + rate,
            "-Daeron.debug.receive.control.loss.seed=" + (seed + 1));
    }

    /**
     * Stops every process, newest first.
     */
    public void close()
    {
        if (null != aeron)
        {
            aeron.close();
        }
        final List<Process> all = new ArrayList<>(processes.values());
        for (int i = all.size() - 1; i >= 0; i--)
        {
            all.get(i).destroy();
        }
        for (int i = all.size() - 1; i >= 0; i--)
        {
            try
            {
                if (!all.get(i).waitFor(20, TimeUnit.SECONDS))
                {
                    all.get(i).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
