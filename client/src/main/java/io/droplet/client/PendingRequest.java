package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.client.PendingStoreRequests;
import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;

/**
 * A request a user thread made, from its queueing to its outcome: it knows how to send its message (again,
 * after back-pressure) and how each answer ends it. Each kind is a small class of its own: a one-shot call,
 * a broadcast collector, periodic runs, a storage get or put, a registry request, a Connect. Answers are
 * matched to it by correlation id; each answer method returns true once the request is finished (then it is
 * forgotten and its deadline dropped). A request ends exactly once: its future completes with the result,
 * with the typed error the runtime sent, or with TIMEOUT at its deadline.
 * <p>
 * <b>Note:</b> made on a user thread and handed over through the conductor's queue; from then on used on the
 * client's agent thread only, except its future (and a periodic call's cancel flag).
 */
abstract class PendingRequest
{
    final long correlationId;
    final long deadlineNs;
    final CompletableFuture<Object> future;
    /** Node the request goes to; 0 until routed for a storage request (its key's replica, chosen when sent). */
    long destination;

    /**
     * @param correlationId of the request.
     * @param destination   node it goes to (a storage request: 0, chosen when sent).
     * @param deadlineNs    on the client's nano clock: the answer must come before it.
     */
    PendingRequest(final long correlationId, final long destination, final long deadlineNs)
    {
        this(correlationId, destination, deadlineNs, new CompletableFuture<>());
    }

    /**
     * @param correlationId of the request.
     * @param destination   node it goes to (a storage request: 0, chosen when sent).
     * @param deadlineNs    on the client's nano clock: the answer must come before it.
     * @param future        the request's outcome (a {@link CallFuture} for a call that may be cancelled).
     */
    PendingRequest(final long correlationId, final long destination, final long deadlineNs, final CompletableFuture<Object> future)
    {
        this.future = future;
        this.correlationId = correlationId;
        this.destination = destination;
        this.deadlineNs = deadlineNs;
    }

    /**
     * Sends the request's message once.
     *
     * @param publisher to send with.
     * @return a {@link io.droplet.transport.SendStatus}.
     */
    abstract int send(RequestPublisher publisher);

    /**
     * Chooses the node the request goes to, once, before it is first sent.
     *
     * @param storage the client's storage requests (a key's replica).
     * @return the node.
     */
    long route(final PendingStoreRequests storage)
    {
        return destination;
    }

    /**
     * Told once the node is chosen, before each send.
     *
     * @param handshake of the client (a Connect tells it where it went).
     */
    void beforeSend(final ClientHandshake handshake)
    {
    }

    /**
     * @return true if an answer is awaited; false if the request is done once sent (NO_RETURN, a Cancel).
     */
    boolean awaitsAnswer()
    {
        return true;
    }

    /**
     * @return true if the request ends at its deadline; false for one that lives until cancelled.
     */
    boolean hasDeadline()
    {
        return true;
    }

    /**
     * The message was sent and no answer is awaited.
     */
    void onSent()
    {
        future.complete(null);
    }

    /**
     * @param executor that produced it.
     * @param value    decoded.
     * @return true if finished.
     */
    boolean onResult(final long executor, final Object value)
    {
        return false;
    }

    /**
     * @param error the runtime's typed error (or a malformed answer's).
     * @return true if finished.
     */
    boolean onError(final DropletException error)
    {
        future.completeExceptionally(error);
        return true;
    }

    /**
     * @return true if finished.
     */
    boolean onAck()
    {
        return false;
    }

    /**
     * @return true if finished.
     */
    boolean onConnected()
    {
        return false;
    }

    /**
     * @param executors announced.
     * @return true if finished.
     */
    boolean onBroadcastStarted(final int executors)
    {
        return false;
    }

    /**
     * @param code of the put response.
     * @return true if finished.
     */
    boolean onPutResponse(final ErrorCode code)
    {
        return false;
    }

    /**
     * @param found       true if the key has a value.
     * @param buffer      holding the value.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     */
    void onGetEntry(final boolean found, final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
    }

    /**
     * @param name of a registered function.
     */
    void onFunctionName(final String name)
    {
    }

    /**
     * Every part of a multi-part answer (a get's entries, a function list's names) was told.
     *
     * @return true if finished.
     */
    boolean onAnswerComplete()
    {
        return false;
    }

    /**
     * The deadline passed before the request finished.
     *
     * @param from what the request went to, for people.
     */
    void onTimeout(final String from)
    {
        future.completeExceptionally(new DropletException(ErrorCode.TIMEOUT, "no answer before the deadline from " + from));
    }

    /**
     * Ends the request with an error that is not the runtime's answer (not sent, link lost).
     *
     * @param code   why.
     * @param detail for people.
     * @return true if this ended it (it was not done yet).
     */
    boolean fail(final ErrorCode code, final String detail)
    {
        return future.completeExceptionally(new DropletException(code, detail));
    }
}
