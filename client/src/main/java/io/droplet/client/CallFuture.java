package io.droplet.client;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a call: it knows the call's correlation id, so that {@link DropletClient#cancel} can name
 * the call to the scheduler.
 * <p>
 * <b>Note:</b> thread-safe, as {@link CompletableFuture}.
 */
final class CallFuture extends CompletableFuture<Object>
{
    final long correlationId;

    /**
     * @param correlationId of the call.
     */
    CallFuture(final long correlationId)
    {
        this.correlationId = correlationId;
    }
}
