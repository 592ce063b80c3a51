package io.droplet.client;

import io.droplet.api.BroadcastResult;
import io.droplet.api.DropletException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BROADCAST call: collects each executor's result (or typed error) until as many answered as the
 * scheduler announced, then completes with them. An executor may answer before the announcement, so the
 * count is awaited before deciding. An Error after an announcement of zero executors is the scheduler
 * refusing the call, and fails it. At the deadline a call that has not heard from every announced executor
 * fails with TIMEOUT, as every other call does (a partial result would hide the executor that did not answer).
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class BroadcastCollector extends PendingRequest
{
    private final FunctionCallMessage message;
    private final Map<Long, Object> results = new HashMap<>();
    private final List<DropletException> errors = new ArrayList<>();
    private int expected = -1;

    /**
     * @param correlationId of the call.
     * @param scheduler     node it goes to.
     * @param deadlineNs    on the client's nano clock.
     * @param message       the BROADCAST CallFunction.
     */
    BroadcastCollector(final long correlationId, final long scheduler, final long deadlineNs, final FunctionCallMessage message)
    {
        super(correlationId, scheduler, deadlineNs);
        this.message = message;
    }

    int send(final RequestPublisher publisher)
    {
        return message.send(publisher, correlationId);
    }

    boolean onBroadcastStarted(final int executors)
    {
        expected = executors;
        return completeIfAllAnswered();
    }

    boolean onResult(final long executor, final Object value)
    {
        results.put(executor, value);
        return completeIfAllAnswered();
    }

    boolean onError(final DropletException error)
    {
        if (expected == 0)
        {
            // Announced with zero executors: the scheduler refused the call, and this is why. (An executor's
            // error may arrive before the announcement: it is collected like a result.)
            future.completeExceptionally(error);
            return true;
        }
        errors.add(error);
        return completeIfAllAnswered();
    }

    private boolean completeIfAllAnswered()
    {
        if (expected > 0 && results.size() + errors.size() >= expected)
        {
            future.complete(new BroadcastResult(results, errors));
            return true;
        }
        return false;
    }
}
