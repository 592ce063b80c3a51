package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.JsonValues;
import io.droplet.codecs.value.Values;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A function that is an external program (DROP's model), so functions can be written in any language.
 * The program is started once, on first call, and kept; each call writes one line,
 * {@code {"args": [...], "invocation": <id>}}, to its standard input and reads one line from its
 * standard output: {@code {"result": <value>}} or {@code {"error": "<text>"}} (values as
 * {@link JsonValues} writes them). A program that exits is started again on the next call; one that
 * does not answer within the timeout is killed and the call fails with EXECUTION_ERROR.
 * <p>
 * The call waits while the program works: it runs on the executor's worker pool, never on its agent thread,
 * one call at a time per program.
 * <p>
 * <b>Note:</b> called from one executor thread at a time (a lock guards the process for safety).
 */
final class ProcessFunction implements DropletFunction, AutoCloseable
{
    private static final CodecRegistry NO_CODECS = new CodecRegistry();

    private final String name;
    private final List<String> command;
    private final long timeoutMs;
    private Process process;
    private BufferedWriter input;
    private BlockingQueue<String> replies;

    ProcessFunction(final String name, final List<String> command, final long timeoutMs)
    {
        this.name = name;
        this.command = List.copyOf(command);
        this.timeoutMs = timeoutMs;
    }

    /**
     * @param entryPoint the command as a JSON array of strings.
     * @return the command.
     * @throws IllegalArgumentException if it is not a non-empty array of strings.
     */
    static List<String> parseCommand(final String entryPoint)
    {
        final Object parsed = JsonValues.fromJson(entryPoint);
        if (!(parsed instanceof List) || ((List<?>)parsed).isEmpty())
        {
            throw new IllegalArgumentException("a process function's command is a non-empty JSON array: " + entryPoint);
        }
        final List<String> command = new ArrayList<>();
        for (final Object part : (List<?>)parsed)
        {
            if (!(part instanceof String))
            {
                throw new IllegalArgumentException("command parts must be strings: " + entryPoint);
            }
            command.add((String)part);
        }
        return command;
    }

    public synchronized void apply(final Invocation invocation) throws Exception
    {
        final List<Object> args = new ArrayList<>(invocation.argCount());
        for (int i = 0; i < invocation.argCount(); i++)
        {
            args.add(Values.read(invocation.args(), NO_CODECS));
        }
        ensureStarted();
        input.write("{\"args\":" + JsonValues.toJson(args) + ",\"invocation\":" + invocation.invocationId() + "}\n");
        input.flush();

        final String line = replies.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (null == line)
        {
            stop();
            throw new IllegalStateException("process function " + name + " did not answer within " + timeoutMs + " ms");
        }
        final Object reply = JsonValues.fromJson(line);
        if (!(reply instanceof Map))
        {
            throw new IllegalStateException("process function " + name + " answered something that is not an object: " + line);
        }
        final Map<?, ?> object = (Map<?, ?>)reply;
        if (object.containsKey("error"))
        {
            throw new IllegalStateException(String.valueOf(object.get("error")));
        }
        Values.write(object.get("result"), invocation.result(), NO_CODECS);
    }

    private void ensureStarted() throws IOException
    {
        if (null != process && process.isAlive())
        {
            return;
        }
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        input = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        replies = new ArrayBlockingQueue<>(16);
        final BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final BlockingQueue<String> queue = replies;
        // The program's answers arrive on their own thread so a silent program cannot block the executor past the timeout.
        final Thread reader = new Thread(() ->
        {
            try
            {
                String line;
                while ((line = output.readLine()) != null)
                {
                    if (!queue.offer(line))
                    {
                        break;
                    }
                }
            }
            catch (final IOException ignore)
            {
                // The process ended: the next call starts it again.
            }
        }, "droplet-process-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void stop()
    {
        if (null != process)
        {
            process.destroyForcibly();
            process = null;
        }
    }

    /**
     * Stops the program.
     */
    public synchronized void close()
    {
        stop();
    }
}
