package io.droplet.perf.peers;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dask distributed, run by Debian's {@code python3-distributed} under {@code /usr/bin/python3} (the
 * {@code python3} first on a path may be another interpreter that does not see Debian's packages): the
 * script {@code dask_chain.py}, a resource next to this class, starts a LocalCluster of one worker process
 * with one thread and a Client, and chains {@code client.submit(square, client.submit(increment, x))}.
 * <p>
 * {@link #call(long)} asks the script for one composition over its standard input. Measured runs use
 * {@link #runTimedInPython(int, int)} instead: the script times each call with
 * {@code time.perf_counter_ns} where a Dask user would see it, so the pipe to this JVM is not counted.
 * <p>
 * If {@code /usr/bin/python3} cannot import {@code distributed}, {@link #start()} runs
 * {@code apt-get install -y python3-distributed} (saying so on standard error), and reports the peer
 * unavailable, with the reason, if that does not work.
 * <p>
 * <b>Note:</b> not thread-safe (see {@link PeerSystem}).
 */
public final class DaskPeer implements PeerSystem
{
    /** The interpreter that sees Debian's Python packages. */
    public static final String PYTHON = "/usr/bin/python3";
    /** The Debian package of Dask distributed. */
    public static final String PACKAGE = "python3-distributed";

    private static final String SCRIPT = "dask_chain.py";
    private static final long CHECK_DEADLINE_MS = 60_000;
    private static final long INSTALL_DEADLINE_MS = TimeUnit.MINUTES.toMillis(10);
    private static final long START_DEADLINE_MS = 120_000;
    private static final long CALL_DEADLINE_MS = 30_000;
    /** A run's deadline: this much, plus {@link #RUN_DEADLINE_PER_CALL_MS} per call. */
    private static final long RUN_DEADLINE_MS = 60_000;
    private static final long RUN_DEADLINE_PER_CALL_MS = 100;

    private File directory;
    private PeerProcess python;
    private String version;

    /**
     * Makes sure Dask is installed, writes the script to a temporary directory, starts it and waits (with
     * a deadline) until its cluster takes work.
     *
     * @throws PeerUnavailableException if Dask is not installed and cannot be.
     * @throws Exception                if the script fails to start its cluster in time.
     */
    @Override
    public void start() throws Exception
    {
        directory = Files.createTempDirectory("droplet-dask-peer").toFile();
        ensureInstalled(directory);

        final File script = new File(directory, SCRIPT);
        try (InputStream resource = DaskPeer.class.getResourceAsStream(SCRIPT))
        {
            if (null == resource)
            {
                throw new IOException(SCRIPT + " is missing from the class path");
            }
            Files.copy(resource, script.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
        final File workers = new File(directory, "workers");
        if (!workers.mkdir())
        {
            throw new IOException("cannot make " + workers);
        }

        python = PeerProcess.start(
            "dask", List.of(PYTHON, "-u", script.getPath(), workers.getPath()), directory,
            new File(directory, "dask.log"), pythonEnvironment(directory));
        version = python.awaitLine("ready ", deadline(START_DEADLINE_MS)).trim();
    }

    /**
     * @return the version of Dask distributed the script reported, or {@code null} before start.
     */
    public String version()
    {
        return version;
    }

    /**
     * Asks the script for one composition; the time includes the pipe to the script and back.
     * <p>
     * {@inheritDoc}
     */
    @Override
    public long call(final long x) throws Exception
    {
        python.send("call " + x);
        return Long.parseLong(python.awaitLine("result ", deadline(CALL_DEADLINE_MS)).trim());
    }

    /**
     * Runs {@code warmup} calls, then {@code calls} timed calls one after another, timed inside Python;
     * checks every result.
     *
     * @param warmup calls before timing.
     * @param calls  timed calls.
     * @return the latencies, mismatches and elapsed time.
     * @throws Exception if the script fails or misses the run's deadline.
     */
    public PeerRun runTimedInPython(final int warmup, final int calls) throws Exception
    {
        final long deadlineNs = deadline(RUN_DEADLINE_MS + RUN_DEADLINE_PER_CALL_MS * ((long)warmup + calls));
        python.send("bench " + warmup + " " + calls);

        final Histogram histogram = PeerRun.newLatencyHistogram();
        long mismatches = 0;
        while (true)
        {
            final String[] words = python.nextLine(deadlineNs).trim().split(" ");
            switch (words[0])
            {
                case "warm":
                    mismatches += PeerRun.expected(Long.parseLong(words[1])) == Long.parseLong(words[2]) ? 0 : 1;
                    break;
                case "lat":
                    mismatches += PeerRun.expected(Long.parseLong(words[1])) == Long.parseLong(words[2]) ? 0 : 1;
                    PeerRun.recordLatency(histogram, Long.parseLong(words[3]));
                    break;
                case "done":
                    if (Long.parseLong(words[1]) != calls || histogram.getTotalCount() != calls)
                    {
                        throw new IOException("dask timed " + histogram.getTotalCount() + " calls, not " + calls);
                    }
                    return new PeerRun(histogram, calls, mismatches, Long.parseLong(words[2]));
                case "error":
                    throw new IOException("dask: " + String.join(" ", words) + python.logTail());
                default:
                    // Not ours: a library printing to standard output.
                    break;
            }
        }
    }

    /**
     * Tells the script to quit, waits a bounded time for it (and kills it and its workers if they do not
     * exit), and deletes the temporary directory.
     */
    @Override
    public void close()
    {
        if (null != python)
        {
            try
            {
                python.send("quit");
            }
            catch (final IOException ignore)
            {
                // Already gone: closing below finds out and cleans up.
            }
            python.close(20_000);
            python = null;
        }
        if (null != directory)
        {
            PeerFiles.deleteQuietly(directory);
            directory = null;
        }
    }

    /**
     * Checks that {@link #PYTHON} imports {@code distributed}; if not, installs {@link #PACKAGE} with
     * apt-get (running {@code apt-get update} and trying again once if the first install fails).
     *
     * @param directory for the logs of the commands.
     * @throws PeerUnavailableException if it is not installed and cannot be.
     * @throws InterruptedException     if interrupted while waiting for a command.
     */
    static void ensureInstalled(final File directory) throws PeerUnavailableException, InterruptedException
    {
        if (!new File(PYTHON).canExecute())
        {
            throw new PeerUnavailableException(PYTHON + " is not installed");
        }
        final File log = new File(directory, "install.log");
        final List<String> check = List.of(PYTHON, "-c", "import distributed");
        if (0 == run(check, log, CHECK_DEADLINE_MS))
        {
            return;
        }

        System.err.println("dask: " + PYTHON + " cannot import distributed; running apt-get install -y " + PACKAGE);
        final List<String> install = List.of("apt-get", "install", "-y", PACKAGE);
        int status = run(install, log, INSTALL_DEADLINE_MS);
        if (0 != status)
        {
            System.err.println(
                "dask: apt-get install failed (exit " + status + "); running apt-get update, then installing again");
            run(List.of("apt-get", "update"), log, INSTALL_DEADLINE_MS);
            status = run(install, log, INSTALL_DEADLINE_MS);
        }
        if (0 != status)
        {
            throw new PeerUnavailableException(
                "apt-get install -y " + PACKAGE + " failed (exit " + status + ")" + tail(log));
        }
        if (0 != run(check, log, CHECK_DEADLINE_MS))
        {
            throw new PeerUnavailableException(
                PACKAGE + " was installed but " + PYTHON + " still cannot import distributed" + tail(log));
        }
        System.err.println("dask: installed " + PACKAGE);
    }

    /**
     * Runs a command to its end, its output appended to a log.
     *
     * @return its exit status; -1 if it cannot start or misses its deadline (then it is killed).
     */
    private static int run(final List<String> command, final File log, final long deadlineMs)
        throws InterruptedException
    {
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        builder.environment().remove("PYTHONPATH");
        builder.environment().remove("PYTHONHOME");
        final Process process;
        try
        {
            process = builder.start();
        }
        catch (final IOException ex)
        {
            appendQuietly(log, "cannot run " + command + ": " + ex + "\n");
            return -1;
        }
        if (!process.waitFor(deadlineMs, TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            appendQuietly(log, command + " missed its deadline of " + deadlineMs + " ms and was killed\n");
            return -1;
        }
        return process.exitValue();
    }

    private static Map<String, String> pythonEnvironment(final File directory)
    {
        final Map<String, String> environment = new HashMap<>();
        // Debian's interpreter with Debian's packages only, and no files written outside the directory.
        environment.put("PYTHONPATH", null);
        environment.put("PYTHONHOME", null);
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        environment.put("DASK_CONFIG", new File(directory, "dask-config").getPath());
        return environment;
    }

    private static long deadline(final long timeoutMs)
    {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    private static void appendQuietly(final File log, final String text)
    {
        try
        {
            Files.writeString(
                log.toPath(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        catch (final IOException ignore)
        {
            // The log is only for the message: the caller reports the failure either way.
        }
    }

    private static String tail(final File log)
    {
        try
        {
            final String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            return "; last output:\n" + text.substring(Math.max(0, text.length() - 1500));
        }
        catch (final IOException ex)
        {
            return "";
        }
    }
}
