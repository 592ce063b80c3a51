package io.droplet.client;

import io.droplet.codecs.sbe.CallMode;

/**
 * A call of a function or a DAG that answers once (FG, BG), or not at all (NO_RETURN): its future completes
 * with the result, the typed error, or TIMEOUT at the deadline; a NO_RETURN call's once it is sent.
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class OneShotCall extends PendingRequest
{
    private final CallMessage message;

    /**
     * @param correlationId of the call.
     * @param scheduler     node it goes to.
     * @param deadlineNs    on the client's nano clock.
     * @param message       the CallFunction or CallDag.
     */
    OneShotCall(final long correlationId, final long scheduler, final long deadlineNs, final CallMessage message)
    {
        super(correlationId, scheduler, deadlineNs, new CallFuture(correlationId));
        this.message = message;
    }

    /**
     * The scheduler acknowledges a Cancel of a call it no longer had in flight (answered meanwhile): the call
     * is over if its caller cancelled it here.
     */
    boolean onAck()
    {
        return future.isDone();
    }

    int send(final RequestPublisher publisher)
    {
        return message.send(publisher, correlationId);
    }

    boolean awaitsAnswer()
    {
        return message.mode() != CallMode.NO_RETURN;
    }

    boolean onResult(final long executor, final Object value)
    {
        future.complete(value);
        return true;
    }
}
