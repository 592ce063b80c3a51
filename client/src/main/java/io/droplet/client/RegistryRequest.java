package io.droplet.client;

/**
 * A registry request (register or delete a function or a DAG): completes on the scheduler's Ack, fails
 * with its typed error, or with TIMEOUT.
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class RegistryRequest extends PendingRequest
{
    /** Sends one registry message (the control path: made once per request on the user's thread). */
    @FunctionalInterface
    interface Message
    {
        /**
         * @param publisher     to send with.
         * @param correlationId of the request.
         * @return a send status.
         */
        int send(RequestPublisher publisher, long correlationId);
    }

    private final Message message;

    /**
     * @param correlationId of the request.
     * @param scheduler     node it goes to.
     * @param deadlineNs    on the client's nano clock.
     * @param message       what it sends.
     */
    RegistryRequest(final long correlationId, final long scheduler, final long deadlineNs, final Message message)
    {
        super(correlationId, scheduler, deadlineNs);
        this.message = message;
    }

    int send(final RequestPublisher publisher)
    {
        return message.send(publisher, correlationId);
    }

    boolean onAck()
    {
        future.complete(null);
        return true;
    }
}
