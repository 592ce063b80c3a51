package io.droplet.soak;

import io.droplet.transport.ErrorLogFile;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node process shows from outside while it is attacked: its retained heap (the heap in use after a full
 * collection it is asked for), how much it has written to its standard output and error (its log file), and its
 * distinct error log (entries, and the errors they count). Read with the JDK's {@code jcmd} and from files, so
 * the node needs no test hook.
 * <p>
 * <b>Note:</b> not thread-safe; one per test.
 */
final class NodeHealth
{
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    private final Deployment deployment;
    private final String name;

    /**
     * @param deployment the node runs in.
     * @param name       of the node process.
     */
    NodeHealth(final Deployment deployment, final String name)
    {
        this.deployment = deployment;
        this.name = name;
    }

    /**
     * Asks the node for a full collection and reads the heap in use after it.
     *
     * @return bytes of heap retained.
     */
    long retainedHeapBytes()
    {
        final long pid = deployment.pid(name);
        jcmd(pid, "GC.run");
        final String info = jcmd(pid, "GC.heap_info");
        final Matcher used = HEAP_USED.matcher(info);
        if (!used.find())
        {
            throw new IllegalStateException("no heap figure from jcmd GC.heap_info: " + info);
        }
        return Long.parseLong(used.group(1)) << 10;
    }

    /**
     * @param lines of the histogram to keep.
     * @return the classes holding the most heap in the node (its live objects' histogram, largest first).
     */
    String largestClasses(final int lines)
    {
        final String[] histogram = jcmd(deployment.pid(name), "GC.class_histogram").split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(histogram, 0, Math.min(histogram.length, lines + 3)));
    }

    /**
     * @return bytes the node has written to standard output and error so far.
     */
    long outputBytes()
    {
        return new File(deployment.logs(), name + ".log").length();
    }

    /**
     * @return the distinct error log entries of the node's process (every transport it launched), as text.
     */
    List<String> errorLogEntries()
    {
        final List<String> entries = new ArrayList<>();
        final String pid = "-" + deployment.pid(name) + "-errors.dat";
        final File[] files = new File(deployment.dir()).listFiles((dir, file) -> file.startsWith("droplet-") && file.endsWith(pid));
        if (null != files)
        {
            for (final File file : files)
            {
                ErrorLogFile.read(file, (count, first, last, text) ->
                {
                    final int end = text.indexOf('\n');
                    entries.add(count + "x " + (end < 0 ? text : text.substring(0, end)));
                });
            }
        }
        return entries;
    }

    /**
     * Runs {@code jcmd <pid> <command>} and returns what it printed.
     */
    static String jcmd(final long pid, final String command)
    {
        try
        {
            final File out = File.createTempFile("droplet-jcmd", ".out");
            try
            {
                // Output to a file, not a pipe: reading a pipe to its end would wait past any deadline if jcmd hangs.
                final Process jcmd = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/jcmd").getPath(),
                    Long.toString(pid), command).redirectErrorStream(true).redirectOutput(out).start();
                if (!jcmd.waitFor(60, TimeUnit.SECONDS))
                {
                    jcmd.destroyForcibly();
                    throw new IllegalStateException("jcmd " + command + " did not finish");
                }
                return Files.readString(out.toPath(), StandardCharsets.UTF_8);
            }
            finally
            {
                Files.deleteIfExists(out.toPath());
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("jcmd " + command + " failed", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
