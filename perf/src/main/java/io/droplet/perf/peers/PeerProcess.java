package io.droplet.perf.peers;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A peer's child process spoken to by lines: commands go to its standard input, answers come from its
 * standard output, and its standard error goes to a log file whose tail is quoted when something fails.
 * Every wait has a deadline; {@link #close()} ends the process and its descendants.
 * <p>
 * Closing the child's standard input is its signal to stop, so a child also stops when this JVM dies.
 * <p>
 * <b>Note:</b> not thread-safe; one thread sends and awaits. A daemon thread of its own reads the output.
 */
final class PeerProcess implements AutoCloseable
{
    /** Put on the queue when the output ends; compared by identity, so no line can be mistaken for it. */
    private static final String END_OF_OUTPUT = new String(new char[0]);
    private static final int LOG_TAIL_BYTES = 2048;

    private final String name;
    private final Process process;
    private final File log;
    private final OutputStream input;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private PeerProcess(final String name, final Process process, final File log)
    {
        this.name = name;
        this.process = process;
        this.log = log;
        this.input = process.getOutputStream();
        final Thread reader = new Thread(this::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param name        for messages and the reader thread.
     * @param command     to run.
     * @param directory   working directory of the child.
     * @param log         file for the child's standard error.
     * @param environment variables to set (a {@code null} value removes the variable).
     * @return the started process.
     * @throws IOException if it cannot start.
     */
    static PeerProcess start(
        final String name,
        final List<String> command,
        final File directory,
        final File log,
        final Map<String, String> environment) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(directory)
            .redirectError(ProcessBuilder.Redirect.to(log));
        for (final Map.Entry<String, String> variable : environment.entrySet())
        {
            if (null == variable.getValue())
            {
                builder.environment().remove(variable.getKey());
            }
            else
            {
                builder.environment().put(variable.getKey(), variable.getValue());
            }
        }
        return new PeerProcess(name, builder.start(), log);
    }

    /**
     * Sends one line to the child's standard input.
     *
     * @param line without its line end.
     * @throws IOException if the child no longer reads.
     */
    void send(final String line) throws IOException
    {
        input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        input.flush();
    }

    /**
     * @param deadlineNs {@link System#nanoTime()} by which a line must have arrived.
     * @return the next line of the child's standard output.
     * @throws IOException          if the output ended (the child exited).
     * @throws TimeoutException     if the deadline passed.
     * @throws InterruptedException if interrupted while waiting.
     */
    String nextLine(final long deadlineNs) throws IOException, TimeoutException, InterruptedException
    {
        final String line = lines.poll(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (null == line)
        {
            throw new TimeoutException(name + " did not answer in time" + logTail());
        }
        if (END_OF_OUTPUT == line)
        {
            lines.offer(END_OF_OUTPUT);
            throw new IOException(name + " exited" + exitCode() + logTail());
        }
        return line;
    }

    /**
     * Skips lines until one starts with {@code prefix} (children may print other things).
     *
     * @param prefix     the line must start with.
     * @param deadlineNs {@link System#nanoTime()} by which it must have arrived.
     * @return the rest of the line after the prefix.
     * @throws IOException          if the output ended first.
     * @throws TimeoutException     if the deadline passed.
     * @throws InterruptedException if interrupted while waiting.
     */
    String awaitLine(final String prefix, final long deadlineNs)
        throws IOException, TimeoutException, InterruptedException
    {
        while (true)
        {
            final String line = nextLine(deadlineNs);
            if (line.startsWith(prefix))
            {
                return line.substring(prefix.length());
            }
        }
    }

    /**
     * @return the last bytes of the child's standard error, as a suffix for an exception message.
     */
    String logTail()
    {
        try (RandomAccessFile file = new RandomAccessFile(log, "r"))
        {
            final long length = file.length();
            if (0 == length)
            {
                return "";
            }
            final byte[] tail = new byte[(int)Math.min(LOG_TAIL_BYTES, length)];
            file.seek(length - tail.length);
            file.readFully(tail);
            return "; its log ends with:\n" + new String(tail, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "; its log cannot be read: " + ex;
        }
    }

    /**
     * Closes the child's standard input (its signal to stop), waits up to {@code graceMs} for it to exit,
     * then kills it and whatever it started.
     *
     * @param graceMs to wait for an orderly exit.
     */
    void close(final long graceMs)
    {
        // Taken first: descendants of a child that has exited are no longer found through it.
        final List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        try
        {
            input.close();
        }
        catch (final IOException ignore)
        {
            // The child has gone already: nothing to tell it.
        }

        boolean exited = false;
        try
        {
            exited = process.waitFor(graceMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }

        if (!exited)
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(graceMs, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        // Descendants (Dask's worker processes) can outlive a child that exits badly or is killed.
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Closes with a grace of ten seconds.
     */
    @Override
    public void close()
    {
        close(10_000);
    }

    private String exitCode()
    {
        try
        {
            return process.waitFor(1, TimeUnit.SECONDS) ? " with code " + process.exitValue() : "";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void readOutput()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lines.offer(line);
            }
        }
        catch (final IOException ignore)
        {
            // The stream closes when the child is killed: that is the end of its output too.
        }
        finally
        {
            lines.offer(END_OF_OUTPUT);
        }
    }
}
