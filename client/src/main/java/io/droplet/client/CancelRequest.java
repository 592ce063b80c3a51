package io.droplet.client;

/**
 * The Cancel of a PERIOD call: it carries the call's own correlation id, so it is not tracked itself (the
 * scheduler's Ack ends the {@link PeriodicRuns}); its future completes once it is sent.
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class CancelRequest extends PendingRequest
{
    /**
     * @param periodicCall  correlation id of the PERIOD call to stop.
     * @param scheduler     node it goes to.
     * @param deadlineNs    for sending it, on the client's nano clock.
     */
    CancelRequest(final long periodicCall, final long scheduler, final long deadlineNs)
    {
        super(periodicCall, scheduler, deadlineNs);
    }

    int send(final RequestPublisher publisher)
    {
        return publisher.cancel(correlationId);
    }

    boolean awaitsAnswer()
    {
        return false;
    }
}
