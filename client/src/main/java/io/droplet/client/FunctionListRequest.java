package io.droplet.client;

import java.util.ArrayList;
import java.util.List;

/**
 * A ListFunctions: collects the names the scheduler lists and completes with them.
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class FunctionListRequest extends PendingRequest
{
    private final List<String> names = new ArrayList<>();

    /**
     * @param correlationId of the request.
     * @param scheduler     node it goes to.
     * @param deadlineNs    on the client's nano clock.
     */
    FunctionListRequest(final long correlationId, final long scheduler, final long deadlineNs)
    {
        super(correlationId, scheduler, deadlineNs);
    }

    int send(final RequestPublisher publisher)
    {
        return publisher.listFunctions(correlationId);
    }

    void onFunctionName(final String name)
    {
        names.add(name);
    }

    boolean onAnswerComplete()
    {
        future.complete(names);
        return true;
    }
}
