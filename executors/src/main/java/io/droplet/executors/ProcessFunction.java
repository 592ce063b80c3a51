package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.JsonValues;
import io.droplet.codecs.value.Values;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A function that is an external program (DROP's model), so functions can be written in any language.
 * Each call writes one line, {@code {"args": [...], "invocation": <id>}}, to a process's standard input and
 * reads one line from its standard output: {@code {"result": <value>}} or {@code {"error": "<text>"}}
 * (values as {@link JsonValues} writes them). The program runs as a {@link ProcessPool pool} of long-lived
 * processes, one call at a time each, so calls run at once up to the pool's size.
 * <p>
 * A call is bounded by its invocation's deadline, or by the process timeout if it has none: waiting for an
 * idle process and for the answer together. A process that exits, does not answer in time, writes a line
 * that is not the protocol's, or whose call is cancelled (interrupted, or its invocation cancelled) is killed
 * with its descendants and replaced, and the call fails with a {@link ProcessFunctionException} naming the
 * reason (EXECUTION_ERROR to the caller, or TIMEOUT when the deadline passed: the late failure is dropped
 * and the caller's own deadline answers); a request the process certainly never saw goes once to its replacement
 * instead. A reply {@code {"error": ...}} fails the call but keeps the process.
 * <p>
 * Calls run on the executor's worker pool, never on its agent thread (a process function is not short).
 * <p>
 * <b>Note:</b> thread-safe: any number of workers call it at once.
 */
final class ProcessFunction implements DropletFunction, AutoCloseable
{
    private static final CodecRegistry NO_CODECS = new CodecRegistry();

    private final String name;
    private final ProcessPool pool;
    private final long timeoutNs;
    private final EpochNanoClock epochClock;
    private final ErrorHandler errorHandler;

    /**
     * @param name         of the function.
     * @param command      the program and its arguments.
     * @param poolSize     most processes at once.
     * @param timeoutNs    longest call without a deadline.
     * @param replyLimit   longest answer line, in characters.
     * @param epochClock   deadlines are read against.
     * @param replaced     counts processes killed (or found dead) and replaced.
     * @param errorHandler told, once per reason (a distinct log counts repeats), that a process was replaced.
     */
    ProcessFunction(
        final String name, final List<String> command, final int poolSize, final long timeoutNs, final int replyLimit,
        final EpochNanoClock epochClock, final AtomicCounter replaced, final ErrorHandler errorHandler)
    {
        this.name = name;
        this.pool = new ProcessPool(name, command, poolSize, replyLimit, replaced);
        this.timeoutNs = timeoutNs;
        this.epochClock = epochClock;
        this.errorHandler = errorHandler;
    }

    /**
     * @param entryPoint the command as a JSON array of strings.
     * @return the command.
     * @throws IllegalArgumentException if it is not a non-empty array of strings.
     */
    static List<String> parseCommand(final String entryPoint)
    {
        return JsonValues.command(entryPoint);
    }

    /**
     * @return the function's processes.
     */
    ProcessPool pool()
    {
        return pool;
    }

    public void apply(final Invocation invocation) throws Exception
    {
        final List<Object> args = new ArrayList<>(invocation.argCount());
        for (int i = 0; i < invocation.argCount(); i++)
        {
            args.add(Values.read(invocation.args(), NO_CODECS));
        }
        final String request = "{\"args\":" + JsonValues.toJson(args) + ",\"invocation\":" + invocation.invocationId() + "}";

        final long deadlineNs = invocation.deadlineNs();
        final long boundNs = 0 == deadlineNs ? timeoutNs : deadlineNs - epochClock.nanoTime();
        if (boundNs <= 0)
        {
            // No process is given a call it cannot finish: killing a healthy one for it would help nobody.
            throw new ProcessFunctionException(name, ProcessFunctionException.Reason.NO_ANSWER,
                "the call's deadline passed before it reached a process");
        }
        final long untilNs = System.nanoTime() + boundNs;

        final Map<?, ?> reply = exchange(request, untilNs, invocation);
        if (reply.containsKey("error"))
        {
            throw new IllegalStateException(String.valueOf(reply.get("error")));
        }
        Values.write(reply.get("result"), invocation.result(), NO_CODECS);
    }

    /**
     * Sends the request to a process and returns its parsed answer; a process that fails is replaced. A request
     * the process certainly never saw (it had ended while idle, unnoticed, or had written output nobody asked
     * for, an earlier call's fault) goes once more, to its replacement.
     */
    private Map<?, ?> exchange(final String request, final long untilNs, final Invocation invocation)
    {
        for (int attempt = 0; ; attempt++)
        {
            final FunctionProcess process = pool.acquire(untilNs, invocation, epochClock);
            final Map<?, ?> reply;
            try
            {
                reply = parse(process, process.exchange(request, untilNs, invocation, epochClock));
            }
            catch (final ProcessFunctionException ex)
            {
                pool.replace(process);
                if (pool.isClosed())
                {
                    throw new ProcessFunctionException(name, ProcessFunctionException.Reason.CLOSED,
                        "the function was deleted or its executor closed while process " + process.pid() + " worked");
                }
                // One entry per function and reason in the distinct error log, however often it happens.
                errorHandler.onError(new ProcessFunctionException(name, ex.reason(), "a process was killed and replaced"));
                if (!ex.delivered() && 0 == attempt)
                {
                    continue;
                }
                throw ex;
            }
            catch (final RuntimeException | Error ex)
            {
                pool.replace(process);
                throw ex;
            }
            pool.release(process);
            return reply;
        }
    }

    /**
     * Stops the function's processes.
     */
    public void close()
    {
        pool.close();
    }

    private static Map<?, ?> parse(final FunctionProcess process, final String line)
    {
        final Object reply;
        try
        {
            reply = JsonValues.fromJson(line);
        }
        catch (final RuntimeException | StackOverflowError ex)
        {
            // Any text may come back: deep nesting overflows the recursive parser, which is as malformed as the rest.
            throw process.malformed(line, "which is not JSON");
        }
        if (!(reply instanceof Map) || !(((Map<?, ?>)reply).containsKey("result") || ((Map<?, ?>)reply).containsKey("error")))
        {
            throw process.malformed(line, "which is not a JSON object with \"result\" or \"error\"");
        }
        return (Map<?, ?>)reply;
    }
}
