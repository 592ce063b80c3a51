package io.droplet.executors;

import io.droplet.api.DropletException;
import io.droplet.api.FunctionCalls;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.Values;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link FunctionCalls} of a function on the worker pool: each call is encoded on the function's thread and
 * handed to the agent's {@link NestedCalls}; when the agent's queue is full the function's thread waits for room
 * (it may: it is a worker's). Names are qualified in the calling function's namespace.
 * <p>
 * <b>Note:</b> used by the thread running the function of one {@link PooledRun}; {@link #prepare} by the agent
 * before the run is handed over.
 */
final class PooledCalls implements FunctionCalls
{
    private static final long WAIT_FOR_ROOM_NS = 50_000;

    private final NestedCalls nested;
    private final long defaultTimeoutNs;
    private final io.droplet.api.Invocation invocation;
    private final TriggerCopy trigger;

    /**
     * @param nested           the agent's side.
     * @param defaultTimeoutNs of a call from a function whose invocation has no deadline.
     * @param invocation       of the run, whose deadline the calls take.
     * @param trigger          of the run, whose function's name gives the calls' namespace.
     */
    PooledCalls(
        final NestedCalls nested, final long defaultTimeoutNs, final io.droplet.api.Invocation invocation,
        final TriggerCopy trigger)
    {
        this.nested = nested;
        this.defaultTimeoutNs = defaultTimeoutNs;
        this.invocation = invocation;
        this.trigger = trigger;
    }

    /**
     * @return the calling function's namespace with its separator ("ns/"), or "" outside namespaces.
     */
    private String namespacePrefix()
    {
        final StageSchedule schedule = trigger.schedule;
        final String caller = schedule.names().getStringWithoutLengthUtf8(
            schedule.functionOffset(trigger.targetStage), schedule.functionLength(trigger.targetStage));
        final int separator = caller.lastIndexOf('/');
        return separator < 0 ? "" : caller.substring(0, separator + 1);
    }

    public CompletableFuture<Object> call(final String function, final Object... args)
    {
        return send(false, function, Arrays.asList(args));
    }

    public CompletableFuture<Object> callDag(final String dag, final Object... args)
    {
        return send(true, dag, Arrays.asList(args));
    }

    public CompletableFuture<List<Object>> map(final String function, final List<?> inputs)
    {
        final List<CompletableFuture<Object>> calls = new ArrayList<>(inputs.size());
        for (final Object input : inputs)
        {
            calls.add(send(false, function, java.util.Collections.singletonList(input)));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).thenApply(done ->
        {
            final List<Object> results = new ArrayList<>(calls.size());
            for (final CompletableFuture<Object> call : calls)
            {
                results.add(call.join());
            }
            return results;
        });
    }

    private CompletableFuture<Object> send(final boolean dag, final String name, final List<Object> args)
    {
        final long deadline = 0 != invocation.deadlineNs() ? invocation.deadlineNs() :
            System.currentTimeMillis() * 1_000_000L + defaultTimeoutNs;
        if (null == nested)
        {
            return CompletableFuture.failedFuture(new DropletException(ErrorCode.NOT_CONNECTED, "this executor makes no calls"));
        }
        final NestedCall call = new NestedCall(dag, (namespacePrefix() + name).getBytes(StandardCharsets.UTF_8),
            Values.toBytes(args), deadline);
        while (!nested.offer(call))
        {
            if (invocation.isCancelled() || Thread.currentThread().isInterrupted())
            {
                call.future.completeExceptionally(new DropletException(ErrorCode.CANCELLED, "the calling function was cancelled"));
                return call.future;
            }
            LockSupport.parkNanos(this, WAIT_FOR_ROOM_NS);
        }
        return call.future;
    }
}
