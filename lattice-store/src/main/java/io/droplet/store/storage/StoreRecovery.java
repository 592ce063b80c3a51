package io.droplet.store.storage;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the map file safe to open before Chronicle Map maps it, and says what that cost.
 * <ul>
 *   <li>No file: a new store.</li>
 *   <li>A file shorter than its sidecar says it was: truncated. Refused with {@link StoreFileTruncatedException}:
 *   a file cut short is an operator's or a disk's problem (a full disk, a copy cut short), and starting empty
 *   would hide it.</li>
 *   <li>A clean stop whose file is, byte for byte, what the sidecar's checksum says: opened as it is.</li>
 *   <li>Otherwise (an unclean stop, a file changed since its clean stop): recovered in a child JVM
 *   ({@link StoreRecoveryProcess}). If that process does not finish its recovery (it crashed, as Chronicle
 *   Map's recovery does on some damage, failed, or ran past the timeout), the file is damaged beyond what
 *   recovery can repair: it is renamed aside, kept for forensics with the recovery's log, and the store
 *   starts empty; the node's replicas bring its keys back by gossip (a restarted node says hello and every
 *   peer sends it the keys they share).</li>
 * </ul>
 * Why a child process rather than checks of our own over Chronicle Map's layout: the damage that crashes it
 * can sit anywhere in a segment's entries, and only a reader of every entry finds it; a reader of our own
 * would repeat Chronicle Map's format (and its changes), while a crashed child is an answer in itself.
 * <p>
 * <b>Note:</b> not thread-safe; run by the store's constructor, under the data directory's lock.
 */
final class StoreRecovery
{
    /** The recovery process's log in the data directory (kept, and kept with a file set aside). */
    static final String LOG_FILE = "recovery.log";

    /** What opening found and did. */
    static final class Outcome
    {
        /** True if the file was recovered (an unclean stop, or a file changed since its clean stop). */
        boolean recovered;
        /** Why it was recovered, for people. */
        String reason = "";
        /** Entries dropped as corrupt by the recovery. */
        long dropped;
        /** Bookkeeping repairs that lost nothing. */
        long repairs;
        /** Entries left after the recovery. */
        long entries = -1;
        /** Where the damaged file went, or null. */
        File movedAside;
        /** Why the file was set aside, for people. */
        String damage;
        /** Length of the file set aside. */
        long movedAsideLength;
    }

    private StoreRecovery()
    {
    }

    /**
     * @param context of the store.
     * @param mapFile the map file.
     * @return what was found and done; the map file is then safe to open without recovery (or absent).
     * @throws IOException                 if the directory's files cannot be read or renamed.
     * @throws StoreFileTruncatedException if the file is shorter than it was.
     * @throws IllegalStateException       if the file is of another kind, or recovery could not be run at all.
     */
    static Outcome prepare(final StoreContext context, final File mapFile) throws IOException
    {
        final Outcome outcome = new Outcome();
        final File dir = context.dataDirectory();
        final File marker = new File(dir, LatticeStore.CLEAN_MARKER_FILE);
        final boolean clean = marker.exists();
        if (!mapFile.exists())
        {
            Files.deleteIfExists(marker.toPath());
            Files.deleteIfExists(new File(dir, StoreFileCheck.FILE).toPath());
            return outcome;
        }
        final StoreFileCheck check = StoreFileCheck.read(dir);
        if (null != check && mapFile.length() < check.mapLength)
        {
            throw new StoreFileTruncatedException("store file " + mapFile.getAbsolutePath() + " is " + mapFile.length() +
                " bytes, shorter than the " + check.mapLength + " it had when last opened: it was truncated (a full disk, " +
                "a copy cut short?). Refusing to start on it: restore the file, or move it away to start this node empty " +
                "(its keys then come back from their other replicas)");
        }
        if (clean && (null == check || check.matches(mapFile)))
        {
            // A clean stop, and the file is as it was closed (or was closed by a version that kept no sidecar).
            Files.delete(marker.toPath());
            return outcome;
        }
        outcome.recovered = true;
        outcome.reason = clean ? "the file changed after its clean stop (it no longer matches its checksum)" :
            "the last stop was unclean";
        // Until recovery succeeds the file must not pass for a clean one.
        Files.deleteIfExists(marker.toPath());
        runRecovery(context, mapFile, outcome);
        return outcome;
    }

    private static void runRecovery(final StoreContext context, final File mapFile, final Outcome outcome) throws IOException
    {
        final File dir = context.dataDirectory();
        final File log = new File(dir, LOG_FILE);
        final List<String> command = javaCommand(dir);
        command.add(StoreRecoveryProcess.class.getName());
        command.add(dir.getAbsolutePath());
        command.add(Long.toString(context.entries()));
        command.add(Integer.toString(context.averageKeySize()));
        command.add(Integer.toString(context.averageValueSize() + LatticeStore.CHECKSUM_LENGTH));
        command.add(Integer.toString(context.maxValueLength()));
        command.add(context.name());

        final Process process;
        try
        {
            process = new ProcessBuilder(command).directory(dir).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start the store's recovery process (" + command.get(0) + "): " + ex, ex);
        }
        boolean ended = false;
        try
        {
            final long deadlineNs = System.nanoTime() + context.recoveryTimeoutNs();
            while (!ended && System.nanoTime() - deadlineNs < 0)
            {
                context.duringRecovery().run();
                ended = process.waitFor(10, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recovering the store", ex);
        }
        if (!ended)
        {
            process.destroyForcibly();
            waitQuietly(process);
        }
        final List<String> lines = Files.exists(log.toPath()) ?
            Files.readAllLines(log.toPath(), StandardCharsets.UTF_8) : List.of();
        if (!lines.contains(StoreRecoveryProcess.STARTED))
        {
            throw new IllegalStateException("the store's recovery process did not start (exit status " +
                (ended ? process.exitValue() : "none: timed out") + "): " + tail(lines));
        }
        for (final String line : lines)
        {
            if (line.startsWith(StoreRecoveryProcess.DROPPED))
            {
                // Key and value bytes stay in the recovery log beside the data (as trusted as the data itself), not in
                // the error log, which people read more widely.
                context.errorHandler().onError(new IllegalStateException("store recovery dropped an entry as corrupt: " +
                    line.substring(StoreRecoveryProcess.DROPPED.length()).replaceAll("hex=[0-9a-f]+", "hex=(in " + LOG_FILE + ")")));
            }
            else if (line.startsWith(StoreRecoveryProcess.RECOVERED))
            {
                outcome.dropped = field(line, "dropped=");
                outcome.repairs = field(line, "repairs=");
                outcome.entries = field(line, "entries=");
            }
        }
        if (ended && process.exitValue() == StoreRecoveryProcess.EXIT_INCOMPATIBLE)
        {
            throw new IllegalStateException(tail(lines));
        }
        if (ended && process.exitValue() == 0 && outcome.entries >= 0)
        {
            return;
        }
        outcome.damage = ended ? describeExit(process.exitValue()) :
            "its recovery did not finish within " + TimeUnit.NANOSECONDS.toSeconds(context.recoveryTimeoutNs()) + " s";
        moveAside(mapFile, log, outcome);
    }

    private static void moveAside(final File mapFile, final File log, final Outcome outcome) throws IOException
    {
        final File dir = mapFile.getParentFile();
        final String suffix = ".damaged-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        final File aside = new File(dir, mapFile.getName() + suffix);
        outcome.movedAsideLength = mapFile.length();
        Files.move(mapFile.toPath(), aside.toPath());
        if (log.exists())
        {
            Files.move(log.toPath(), new File(dir, mapFile.getName() + suffix + ".recovery.log").toPath());
        }
        Files.deleteIfExists(new File(dir, StoreFileCheck.FILE).toPath());
        outcome.movedAside = aside;
    }

    private static String describeExit(final int status)
    {
        if (status == 134 || status == 139)
        {
            return "Chronicle Map's recovery crashed its JVM (exit status " + status + ", " +
                (status == 139 ? "SIGSEGV" : "SIGABRT after a fatal error") + ")";
        }
        return status > 128 ? "its recovery process was ended by signal " + (status - 128) :
            "its recovery failed (exit status " + status + ")";
    }

    /**
     * The command that starts a JVM like this one: same java, class path and module options; no debugger or
     * agents, no pre-touched heap.
     */
    private static List<String> javaCommand(final File dir)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
            System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("-agentlib") || argument.startsWith("-javaagent") || argument.startsWith("-Xdebug") ||
                argument.startsWith("-Xrunjdwp") || argument.equals("-XX:+AlwaysPreTouch") || argument.startsWith("-Xms") ||
                argument.startsWith("-XX:ErrorFile"))
            {
                continue;
            }
            command.add(argument);
        }
        if (Boolean.getBoolean(StoreRecoveryProcess.CRASH_FOR_TEST_PROP_NAME))
        {
            command.add("-D" + StoreRecoveryProcess.CRASH_FOR_TEST_PROP_NAME + "=true");
        }
        command.add("-XX:ErrorFile=" + new File(dir, "recovery-crash-%p.log").getAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private static long field(final String line, final String name)
    {
        final int at = line.indexOf(name);
        if (at < 0)
        {
            return -1;
        }
        int end = at + name.length();
        while (end < line.length() && Character.isDigit(line.charAt(end)))
        {
            end++;
        }
        return Long.parseLong(line.substring(at + name.length(), end));
    }

    private static String tail(final List<String> lines)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = Math.max(0, lines.size() - 5); i < lines.size(); i++)
        {
            text.append(lines.get(i)).append(i < lines.size() - 1 ? " | " : "");
        }
        return text.length() == 0 ? "(no output)" : text.toString();
    }

    private static void waitQuietly(final Process process)
    {
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
