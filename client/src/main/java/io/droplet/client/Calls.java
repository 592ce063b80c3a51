package io.droplet.client;

import io.droplet.api.DropletException;
import io.droplet.api.PeriodicCall;

import io.droplet.codecs.sbe.StageSelector;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The call part of a {@link DropletClient}: calls of functions and DAGs in each call mode (FG and BG as one
 * future, NO_RETURN, BROADCAST, PERIOD every period or at given times), each made into its pending request.
 * <p>
 * <b>Note:</b> thread-safe.
 */
final class Calls
{
    private static final long[] NO_TIMES = new long[0];
    private static final int ALL_SOURCES = StageSelector.ALL_SOURCES.value();
    /** Most calls of one {@link #map} in flight at once. */
    static final int MAP_WINDOW = 1024;

    private final ClientSession session;
    private final Registrations registrations;

    /**
     * @param session       of the client.
     * @param registrations the DAGs this client registered (arguments by source need their stages).
     */
    Calls(final ClientSession session, final Registrations registrations)
    {
        this.session = session;
        this.registrations = registrations;
    }

    CompletableFuture<Object> callFunction(final String function, final Object[] args, final CallMode mode, final long timeoutNs)
    {
        final FunctionCallMessage message = new FunctionCallMessage(wireName(function),
            session.encodeArgs(Arrays.asList(args)), mode, session.epochNanos() + timeoutNs, 0, NO_TIMES);
        final long id = session.nextCorrelationId();
        final long deadlineNs = session.deadlineNs(timeoutNs);
        return session.enqueue(mode == CallMode.BROADCAST ?
            new BroadcastCollector(id, 0, deadlineNs, message) : new OneShotCall(id, 0, deadlineNs, message));
    }

    CompletableFuture<Object> callDag(
        final String dag, final Map<String, List<Object>> argsBySource, final List<Object> argsForAll,
        final CallMode mode, final long timeoutNs)
    {
        final int[] stages;
        final byte[][] args;
        if (null != argsForAll)
        {
            stages = new int[]{ALL_SOURCES};
            args = new byte[][]{session.encodeArgs(argsForAll)};
        }
        else
        {
            final List<String> functions = registrations.dagFunctions(dag);
            if (null == functions)
            {
                throw new DropletException(ErrorCode.INVALID_ARGUMENT,
                    "arguments by source need the DAG's structure: register " + dag + " from this client or pass args to all sources");
            }
            stages = new int[argsBySource.size()];
            args = new byte[stages.length][];
            int i = 0;
            for (final Map.Entry<String, List<Object>> entry : argsBySource.entrySet())
            {
                stages[i] = functions.indexOf(entry.getKey());
                if (stages[i] < 0)
                {
                    throw new DropletException(ErrorCode.INVALID_ARGUMENT, entry.getKey() + " is not a stage of " + dag);
                }
                args[i++] = session.encodeArgs(entry.getValue());
            }
        }
        final DagCallMessage message = new DagCallMessage(
            wireName(dag), stages, args, mode, session.epochNanos() + timeoutNs);
        return session.enqueue(new OneShotCall(session.nextCorrelationId(), 0, session.deadlineNs(timeoutNs), message));
    }

    PeriodicCall callPeriodic(final String function, final Duration period, final Consumer<Object> onOutcome, final Object[] args)
    {
        final FunctionCallMessage message = new FunctionCallMessage(wireName(function),
            session.encodeArgs(Arrays.asList(args)), CallMode.PERIOD, 0, period.toNanos(), NO_TIMES);
        return startPeriodic(message, onOutcome, 0);
    }

    PeriodicCall callAt(final String function, final List<Instant> times, final Consumer<Object> onOutcome, final Object[] args)
    {
        final int maxTimes = session.context().maxTimes();
        if (times.isEmpty() || times.size() > maxTimes)
        {
            throw new IllegalArgumentException("1 to " + maxTimes + " times, not " + times.size());
        }
        final long[] at = new long[times.size()];
        for (int i = 0; i < at.length; i++)
        {
            at[i] = times.get(i).getEpochSecond() * 1_000_000_000L + times.get(i).getNano();
        }
        Arrays.sort(at);
        final FunctionCallMessage message = new FunctionCallMessage(wireName(function),
            session.encodeArgs(Arrays.asList(args)), CallMode.PERIOD, 0, 0, at);
        return startPeriodic(message, onOutcome, at.length);
    }

    /**
     * Calls a function once per input, {@link #MAP_WINDOW} at most in flight, results in input order.
     */
    List<Object> map(final String function, final List<?> inputs)
    {
        final Object[] results = new Object[inputs.size()];
        final java.util.ArrayDeque<CompletableFuture<Object>> window = new java.util.ArrayDeque<>(MAP_WINDOW);
        int joined = 0;
        for (int i = 0; i < inputs.size(); i++)
        {
            if (window.size() == MAP_WINDOW)
            {
                results[joined++] = session.join(window.pollFirst());
            }
            window.addLast(callFunction(function, new Object[]{ inputs.get(i) }, CallMode.FG, session.defaultTimeoutNs()));
        }
        while (!window.isEmpty())
        {
            results[joined++] = session.join(window.pollFirst());
        }
        return Arrays.asList(results);
    }

    /**
     * Cancels a call in flight: the scheduler stops what its executors run of it and answers CANCELLED; the
     * call's future ends with CANCELLED here at once.
     *
     * @param call a future this client returned for a call.
     * @return true if the call was in flight and is cancelled; false if it had ended, or is not a call.
     */
    boolean cancel(final CompletableFuture<?> call)
    {
        if (!(call instanceof CallFuture) || call.isDone())
        {
            return false;
        }
        final CallFuture future = (CallFuture)call;
        // Completed before the cancel is sent: sent first, the scheduler's own CANCELLED answer could complete the
        // future on the client's thread before this line ran, and a call this cancel ended would read as "had ended".
        if (!future.completeExceptionally(new DropletException(ErrorCode.CANCELLED, "cancelled by the caller")))
        {
            return false;
        }
        session.enqueue(new CancelRequest(future.correlationId, 0, session.deadlineNs(session.defaultTimeoutNs())));
        return true;
    }

    /**
     * @return the name in the client's namespace, UTF-8: encoded on the caller's thread, not the agent's.
     */
    private byte[] wireName(final String name)
    {
        return session.qualify(name).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends a PERIOD call and hands back the handle that cancels it.
     *
     * @param runs for a call at given times, how many; 0 for a call every period.
     */
    private PeriodicCall startPeriodic(final FunctionCallMessage message, final Consumer<Object> onOutcome, final int runs)
    {
        final long id = session.nextCorrelationId();
        final PeriodicRuns periodic = new PeriodicRuns(
            id, 0, session.deadlineNs(session.defaultTimeoutNs()), message, onOutcome, runs);
        session.enqueue(periodic);
        return () ->
        {
            periodic.cancel();
            // The Cancel carries the periodic call's own correlation id; the scheduler's Ack of it ends the call.
            session.join(session.enqueue(new CancelRequest(id, 0, session.deadlineNs(session.defaultTimeoutNs()))));
        };
    }
}
