package io.droplet.executors;

import io.droplet.api.Invocation;
import org.agrona.concurrent.EpochNanoClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running process of a process function, serving one call at a time: the worker that holds it hands a
 * request line to the process's own exchange thread, which writes it to the program's standard input and
 * reads one line from its standard output, and waits for that line at most until the call's bound. All
 * blocking I/O with the program happens on the process's two threads (exchange, and a second one that
 * drains standard error into a bounded tail), never on the worker's or the agent's: a program that stops
 * reading, stops answering or fills its standard error cannot block them past the call's deadline.
 * <p>
 * A process that fails a call is {@link #kill killed}, its descendants first (a shell's children would
 * otherwise keep the pipes open and live on), and never used again: its pool replaces it.
 * <p>
 * <b>Note:</b> {@link #exchange} is called by one worker at a time (the one its {@link ProcessPool} lent it
 * to); {@link #kill}, {@link #isAlive} and {@link #pid} from any thread.
 */
final class FunctionProcess
{
    /** How often a worker waiting for an answer looks at its invocation's cancelled flag. */
    static final long CANCEL_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Bytes of standard error kept for error texts: the last ones written. */
    static final int STDERR_TAIL = 512;
    /**
     * Longest a failed call waits for the exit code of a process whose output ended. It has exited (or closed its
     * output, rare) by then, so this returns as soon as the JVM reaps it; the bound is generous for a loaded host.
     */
    private static final long EXIT_WAIT_MS = 1_000;
    /** Longest a failed call waits for the last of a dead process's standard error to be drained. */
    private static final long STDERR_WAIT_MS = 500;
    private static final int MAX_QUOTED = 200;

    /** What the exchange thread reports instead of a line. */
    private enum Outcome
    {
        /** Standard output ended (the process exited or closed it) after the request was written. */
        ENDED,
        /** The request could not be written: the process had ended (or closed its input) before it, so never saw it. */
        NOT_DELIVERED,
        /** A line was waiting before the request was written: output nobody asked for. */
        UNSOLICITED,
        /** A line longer than the limit. */
        TOO_LONG
    }

    private final String function;
    private final Process process;
    private final int replyLimit;
    private final BlockingQueue<String> requests = new ArrayBlockingQueue<>(1);
    private final BlockingQueue<Object> replies = new ArrayBlockingQueue<>(1);
    private final AtomicBoolean killed = new AtomicBoolean();
    private final byte[] stderrTail = new byte[STDERR_TAIL];
    private long stderrBytes;
    private final Thread exchanger;
    private final Thread stderrDrain;

    private FunctionProcess(final String function, final Process process, final int replyLimit)
    {
        this.function = function;
        this.process = process;
        this.replyLimit = replyLimit;
        final String threadName = "droplet-process-" + function + "-" + process.pid();
        this.exchanger = new Thread(this::exchangeLines, threadName);
        this.stderrDrain = new Thread(this::drainStderr, threadName + "-stderr");
        exchanger.setDaemon(true);
        stderrDrain.setDaemon(true);
    }

    /**
     * Starts the program (on the calling worker's thread: a fork never runs on the agent's).
     *
     * @param function   name of the process function, for texts and thread names.
     * @param command    the program and its arguments.
     * @param replyLimit longest answer line, in characters.
     * @return the running process.
     * @throws IOException if the program cannot be started.
     */
    static FunctionProcess start(final String function, final List<String> command, final int replyLimit) throws IOException
    {
        final FunctionProcess started = new FunctionProcess(function, new ProcessBuilder(command).start(), replyLimit);
        started.exchanger.start();
        started.stderrDrain.start();
        return started;
    }

    /** @return the operating system's id of the process. */
    long pid()
    {
        return process.pid();
    }

    /** @return true if the process runs and has not been killed. */
    boolean isAlive()
    {
        return !killed.get() && process.isAlive();
    }

    /**
     * Sends one request and waits for its answer line, at most until {@code untilNs}; on any failure kills the
     * process before throwing.
     *
     * @param request    one line of JSON, without its newline.
     * @param untilNs    the call's bound, on {@link System#nanoTime()}'s scale.
     * @param invocation whose cancelled flag is watched.
     * @param epochClock the invocation's deadline is read against, to tell a passed deadline from a cancel.
     * @return the answer line, not yet parsed.
     * @throws ProcessFunctionException EXITED, NO_ANSWER, MALFORMED_REPLY (output nobody asked for, or a line
     *                                  too long) or CANCELLED, the process killed.
     */
    String exchange(final String request, final long untilNs, final Invocation invocation, final EpochNanoClock epochClock)
    {
        if (!requests.offer(request))
        {
            // A process is lent to one call at a time and answers each before the next: this is a bug.
            kill();
            throw new IllegalStateException("process " + pid() + " of '" + function + "' already has a request");
        }
        while (true)
        {
            final long remainingNs = untilNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                kill();
                throw failure(ProcessFunctionException.Reason.NO_ANSWER, "process " + pid() + " did not answer " +
                    (0 != invocation.deadlineNs() ? "by the call's deadline" : "within droplet.executor.process.timeout") +
                    "; killed and replaced");
            }
            if (invocation.isCancelled())
            {
                kill();
                throw cancelled(invocation, epochClock);
            }
            final Object reply;
            try
            {
                reply = replies.poll(Math.min(remainingNs, CANCEL_CHECK_NS), TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                kill();
                // The interrupt is the worker's cancel: keep it set for whoever runs the function.
                Thread.currentThread().interrupt();
                throw cancelled(invocation, epochClock);
            }
            if (null == reply)
            {
                continue;
            }
            if (reply instanceof String)
            {
                return (String)reply;
            }
            switch ((Outcome)reply)
            {
                case UNSOLICITED:
                    kill();
                    // Its fault is an earlier call's (or its start's), not this request's, which it never saw.
                    throw new ProcessFunctionException(function, ProcessFunctionException.Reason.MALFORMED_REPLY, "process " +
                        pid() + " wrote to its standard output before it was sent this request (more than one line for an" +
                        " earlier request, or a banner); killed and replaced (it never saw the request, which may go to" +
                        " another process)", false);
                case TOO_LONG:
                    kill();
                    throw failure(ProcessFunctionException.Reason.MALFORMED_REPLY, "process " + pid() +
                        " wrote a line longer than " + replyLimit + " characters; killed and replaced");
                case NOT_DELIVERED:
                    throw new ProcessFunctionException(function, ProcessFunctionException.Reason.EXITED,
                        describeEnd("input") + " (it never saw the request, which may go to another process)", false);
                default:
                    throw failure(ProcessFunctionException.Reason.EXITED, describeEnd("output") + "; replaced");
            }
        }
    }

    /**
     * A reply that is not the protocol's: kills the process and says why.
     *
     * @param line   the process wrote.
     * @param reason why it is not an answer.
     * @return the exception to throw.
     */
    ProcessFunctionException malformed(final String line, final String reason)
    {
        kill();
        return failure(ProcessFunctionException.Reason.MALFORMED_REPLY, "process " + pid() + " answered " + quote(line) +
            ", " + reason + "; killed and replaced");
    }

    /**
     * Kills the process and its descendants, at once and without waiting; idempotent. Never blocks: the pipes
     * are left to the exchange and drain threads, which see them end.
     */
    void kill()
    {
        if (!killed.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            // Descendants first: once the parent dies they are re-parented and no longer found from it.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        finally
        {
            process.destroyForcibly();
        }
        exchanger.interrupt();
    }

    /** @return the last bytes the process wrote to standard error, as text (invalid UTF-8 replaced). */
    String stderrTail()
    {
        synchronized (stderrTail)
        {
            final byte[] ordered;
            if (stderrBytes <= STDERR_TAIL)
            {
                ordered = Arrays.copyOf(stderrTail, (int)stderrBytes);
            }
            else
            {
                // The ring has wrapped: its oldest byte is the next one to be overwritten.
                final int oldest = (int)(stderrBytes % STDERR_TAIL);
                ordered = new byte[STDERR_TAIL];
                System.arraycopy(stderrTail, oldest, ordered, 0, STDERR_TAIL - oldest);
                System.arraycopy(stderrTail, 0, ordered, STDERR_TAIL - oldest, oldest);
            }
            return new String(ordered, StandardCharsets.UTF_8).trim();
        }
    }

    /** @return true if the invocation has a deadline and it has passed. */
    static boolean pastDeadline(final Invocation invocation, final EpochNanoClock epochClock)
    {
        return 0 != invocation.deadlineNs() && epochClock.nanoTime() - invocation.deadlineNs() >= 0;
    }

    private ProcessFunctionException cancelled(final Invocation invocation, final EpochNanoClock epochClock)
    {
        // The executor cancels a run whose deadline passed as it cancels one its caller gave up: say which.
        return pastDeadline(invocation, epochClock) ?
            failure(ProcessFunctionException.Reason.NO_ANSWER, "process " + pid() +
                " did not answer by the call's deadline; killed and replaced") :
            failure(ProcessFunctionException.Reason.CANCELLED, "the call was cancelled while process " + pid() +
                " worked on it; killed and replaced");
    }

    private ProcessFunctionException failure(final ProcessFunctionException.Reason reason, final String detail)
    {
        return new ProcessFunctionException(function, reason, detail);
    }

    /** @param stream the process closed, if it did not exit: "input" or "output". */
    private String describeEnd(final String stream)
    {
        String text;
        try
        {
            text = process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS) ?
                "process " + pid() + " exited with code " + process.exitValue() + " before answering" :
                "process " + pid() + " closed its standard " + stream + " before answering; killed";
            // Its last words on standard error are likely on their way through the pipe: give the drain a moment.
            stderrDrain.join(STDERR_WAIT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            text = "process " + pid() + " ended before answering";
        }
        kill();
        final String stderr = stderrTail();
        if (stderr.isEmpty())
        {
            return text;
        }
        // The end of standard error says why it died; its beginning is older chatter.
        return text + "; its standard error ends: \"" +
            (stderr.length() > MAX_QUOTED ? "..." + stderr.substring(stderr.length() - MAX_QUOTED) : stderr) + '"';
    }

    private static String quote(final String text)
    {
        return '"' + (text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text) + '"';
    }

    /**
     * The exchange thread: for each request, write it and read one line. Reports anything but a line as an
     * {@link Outcome} and stops.
     */
    private void exchangeLines()
    {
        final OutputStream stdin = process.getOutputStream();
        final Lines stdout = new Lines(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), replyLimit);
        try
        {
            while (!killed.get())
            {
                final String request = requests.take();
                Object reply;
                try
                {
                    if (stdout.ready())
                    {
                        reply = Outcome.UNSOLICITED;
                    }
                    else if (!write(stdin, request))
                    {
                        reply = Outcome.NOT_DELIVERED;
                    }
                    else
                    {
                        final String line = stdout.readLine();
                        reply = null == line ? Outcome.ENDED : line;
                    }
                }
                catch (final Lines.TooLong ex)
                {
                    reply = Outcome.TOO_LONG;
                }
                catch (final IOException ex)
                {
                    // A broken pipe: the process exited, or was killed, while we wrote or read.
                    reply = Outcome.ENDED;
                }
                replies.offer(reply);
                if (!(reply instanceof String))
                {
                    return;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            // Killed while idle.
        }
        finally
        {
            closeQuietly(stdin);
            closeQuietly(stdout.in);
        }
    }

    /** @return false if the pipe was broken: the process had ended, or closed its input, before the request. */
    private static boolean write(final OutputStream stdin, final String request)
    {
        try
        {
            stdin.write((request + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * The drain thread: reads standard error until it ends, keeping only its last {@link #STDERR_TAIL} bytes,
     * so a chatty process never fills the pipe and stalls.
     */
    private void drainStderr()
    {
        final byte[] chunk = new byte[4096];
        try (InputStream stderr = process.getErrorStream())
        {
            int read;
            while ((read = stderr.read(chunk)) >= 0)
            {
                synchronized (stderrTail)
                {
                    for (int i = 0; i < read; i++)
                    {
                        stderrTail[(int)(stderrBytes++ % STDERR_TAIL)] = chunk[i];
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            // The process ended.
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ignore)
        {
            // The process is gone; nothing to release.
        }
    }

    /**
     * Lines of the program's standard output, each at most a given length, so a process that writes without
     * newlines cannot fill the heap.
     * <p>
     * <b>Note:</b> not thread-safe; the exchange thread's.
     */
    private static final class Lines
    {
        /** A line longer than the limit. */
        static final class TooLong extends IOException
        {
            private static final long serialVersionUID = 1L;

            TooLong()
            {
                super("line too long", null);
            }
        }

        final Reader in;
        private final int limit;
        private final char[] buffer = new char[8192];
        private final StringBuilder partial = new StringBuilder();
        private int start;
        private int end;

        Lines(final Reader in, final int limit)
        {
            this.in = in;
            this.limit = limit;
        }

        /**
         * @return true if a character can be read without waiting.
         */
        boolean ready() throws IOException
        {
            return start < end || in.ready();
        }

        /**
         * @return the next line without its line terminator, or null at the end of the stream (a last line
         * without a newline is not an answer: the process ended before finishing it).
         */
        String readLine() throws IOException
        {
            partial.setLength(0);
            while (true)
            {
                for (int i = start; i < end; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        partial.append(buffer, start, i - start);
                        start = i + 1;
                        final int length = partial.length();
                        if (length > 0 && partial.charAt(length - 1) == '\r')
                        {
                            partial.setLength(length - 1);
                        }
                        return checked().toString();
                    }
                }
                partial.append(buffer, start, end - start);
                checked();
                start = 0;
                end = 0;
                final int read = in.read(buffer, 0, buffer.length);
                if (read < 0)
                {
                    return null;
                }
                end = read;
            }
        }

        private StringBuilder checked() throws TooLong
        {
            if (partial.length() > limit)
            {
                throw new TooLong();
            }
            return partial;
        }
    }
}
