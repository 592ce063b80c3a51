package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Values;
import io.droplet.store.client.PendingStoreRequests;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.SendStatus;
import io.droplet.transport.TransportCounters;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * The client's requests from their first send to their end, by correlation id: sends each
 * {@link PendingRequest} (again on later duty cycles while its link is back-pressured or not connected,
 * until its deadline), tracks its deadline, and hands each decoded answer to the request it is for, which
 * decides whether it is finished. Requests to the scheduler are timed here; requests to storage nodes go
 * through the storage protocol's {@link PendingStoreRequests}, shared with every storage client, which
 * passes over a node that leaves a request unanswered so the key's next replica takes its requests. An
 * answer to a request no longer in flight (after its deadline, or a duplicate) is counted and dropped.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the client's agent thread.
 */
final class InFlightRequests implements ClientListener, PendingRequests.TimeoutListener
{
    private final RequestPublisher publisher;
    private final long schedulerNode;
    private final CodecRegistry codecs;
    private final ClientHandshake handshake;
    private final PendingRequests deadlines;
    private final PendingStoreRequests storage;
    private final Long2ObjectHashMap<PendingRequest> byCorrelation = new Long2ObjectHashMap<>();
    private final ArrayDeque<PendingRequest> retries = new ArrayDeque<>();

    /**
     * @param publisher     to send with.
     * @param schedulerNode where requests without a node go.
     * @param codecs        for extension value types in results.
     * @param handshake     of the client.
     * @param capacity      most requests in flight, to the scheduler and to storage each.
     * @param nowNs         current time on the clock deadlines use.
     * @param counters      for timeouts, late answers and refusals.
     */
    InFlightRequests(
        final RequestPublisher publisher, final long schedulerNode, final CodecRegistry codecs, final ClientHandshake handshake,
        final int capacity, final long nowNs, final TransportCounters counters)
    {
        this.publisher = publisher;
        this.schedulerNode = schedulerNode;
        this.codecs = codecs;
        this.handshake = handshake;
        this.deadlines = new PendingRequests(capacity, nowNs, counters);
        this.storage = new PendingStoreRequests(capacity, nowNs, counters, null);
    }

    /**
     * @return the storage requests in flight, and the storage ring's failover.
     */
    PendingStoreRequests storage()
    {
        return storage;
    }

    /**
     * Routes, tracks and sends a new request.
     *
     * @param request to send.
     * @param nowNs   current time.
     */
    void send(final PendingRequest request, final long nowNs)
    {
        final long node;
        try
        {
            node = request.route(storage);
        }
        catch (final IllegalStateException ex)
        {
            request.fail(ErrorCode.NO_RESOURCES, "this client knows no storage nodes");
            return;
        }
        request.destination = 0 == node ? schedulerNode : node;
        request.beforeSend(handshake);
        if (request.awaitsAnswer())
        {
            if (request.hasDeadline() && !(isStorage(request) ?
                storage.track(request.correlationId, request.destination, request.deadlineNs) :
                deadlines.track(request.correlationId, request.deadlineNs)))
            {
                request.fail(ErrorCode.NO_RESOURCES, "too many requests in flight");
                return;
            }
            byCorrelation.put(request.correlationId, request);
        }
        offer(request, nowNs);
    }

    /**
     * Sends again the requests whose link refused them; a refusal here is not work (while a peer cannot take
     * requests the agent backs off instead of spinning on them).
     *
     * @param nowNs current time.
     */
    void retry(final long nowNs)
    {
        for (int i = retries.size(); i > 0; i--)
        {
            final PendingRequest request = retries.pollFirst();
            if (!request.future.isDone())
            {
                offer(request, nowNs);
            }
        }
    }

    /**
     * Ends with TIMEOUT the requests whose deadline passed (before answers are polled: an answer that arrives
     * after its deadline must not beat the TIMEOUT).
     *
     * @param nowNs current time.
     * @return requests timed out.
     */
    int expire(final long nowNs)
    {
        return deadlines.expire(nowNs, this) + storage.expire(nowNs, this);
    }

    /**
     * Ends every request in flight or waiting for a retry with a typed error (the link under them is gone).
     *
     * @param code   to end them with.
     * @param detail for people.
     * @return requests ended.
     */
    int failAll(final ErrorCode code, final String detail)
    {
        int failed = 0;
        for (final PendingRequest request : retries)
        {
            failed += request.fail(code, detail) ? 1 : 0;
        }
        retries.clear();
        for (final PendingRequest request : byCorrelation.values())
        {
            failed += request.fail(code, detail) ? 1 : 0;
        }
        byCorrelation.clear();
        return failed;
    }

    /**
     * @param correlationId of a request.
     * @return true while it awaits answers.
     */
    boolean isInFlight(final long correlationId)
    {
        return byCorrelation.containsKey(correlationId);
    }

    /**
     * {@inheritDoc}
     */
    public void onTimeout(final long correlationId)
    {
        final PendingRequest request = byCorrelation.remove(correlationId);
        if (null != request)
        {
            request.onTimeout(request.destination == schedulerNode ? "the scheduler" : "node " + request.destination);
        }
    }

    public void onResult(final long correlationId, final long executor, final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        final PendingRequest request = inFlight(correlationId, false);
        if (null != request)
        {
            final Object value;
            try
            {
                value = Values.fromBuffer(buffer, valueOffset, valueLength, codecs);
            }
            catch (final IllegalArgumentException ex)
            {
                finish(request, request.onError(new DropletException(ErrorCode.MALFORMED, ex.getMessage())));
                return;
            }
            finish(request, request.onResult(executor, value));
        }
    }

    public void onError(
        final long correlationId, final ErrorCode code, final DirectBuffer buffer, final int detailOffset, final int detailLength)
    {
        final PendingRequest request = inFlight(correlationId, false);
        if (null != request)
        {
            final String detail = buffer.getStringWithoutLengthUtf8(detailOffset, detailLength);
            finish(request, request.onError(new DropletException(code, detail)));
        }
    }

    public void onBroadcastStarted(final long correlationId, final int executors)
    {
        final PendingRequest request = byCorrelation.get(correlationId);
        if (null != request)
        {
            finish(request, request.onBroadcastStarted(executors));
        }
    }

    public void onAck(final long correlationId)
    {
        final PendingRequest request = inFlight(correlationId, false);
        if (null != request)
        {
            finish(request, request.onAck());
        }
    }

    public void onConnected(final long correlationId, final long sessionId)
    {
        handshake.onConnected(correlationId, sessionId, publisher);
        final PendingRequest request = inFlight(correlationId, false);
        if (null != request)
        {
            finish(request, request.onConnected());
        }
    }

    public void onChallenge(final long correlationId, final DirectBuffer buffer, final int nonceOffset, final int nonceLength)
    {
        if (handshake.onChallenge(correlationId, buffer, nonceOffset, nonceLength, publisher) ==
            ClientHandshake.Outcome.NO_CREDENTIALS)
        {
            final PendingRequest request = inFlight(correlationId, false);
            if (null != request)
            {
                request.fail(ErrorCode.UNAUTHORISED, "the deployment requires credentials and this client has none");
                finish(request, true);
            }
        }
    }

    public void onPutResponse(final long correlationId, final ErrorCode code)
    {
        final PendingRequest request = inFlight(correlationId, true);
        if (null != request)
        {
            finish(request, request.onPutResponse(code));
        }
    }

    public boolean onGetResponse(final long correlationId, final ErrorCode code)
    {
        return null != inFlight(correlationId, true);
    }

    public void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        final PendingRequest request = byCorrelation.get(correlationId);
        if (null != request)
        {
            request.onGetEntry(found, buffer, valueOffset, valueLength);
        }
    }

    public void onGetComplete(final long correlationId)
    {
        final PendingRequest request = byCorrelation.get(correlationId);
        if (null != request)
        {
            finish(request, request.onAnswerComplete());
        }
    }

    public boolean onFunctionList(final long correlationId)
    {
        return null != inFlight(correlationId, false);
    }

    public void onFunctionName(final long correlationId, final DirectBuffer buffer, final int nameOffset, final int nameLength)
    {
        final PendingRequest request = byCorrelation.get(correlationId);
        if (null != request)
        {
            request.onFunctionName(buffer.getStringWithoutLengthUtf8(nameOffset, nameLength));
        }
    }

    public void onFunctionListComplete(final long correlationId)
    {
        final PendingRequest request = byCorrelation.get(correlationId);
        if (null != request)
        {
            finish(request, request.onAnswerComplete());
        }
    }

    public void onKeyUpdate(
        final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength, final int valueOffset,
        final int valueLength)
    {
        // The client subscribes to no keys.
    }

    private void offer(final PendingRequest request, final long nowNs)
    {
        final int status = request.send(publisher);
        if (status == SendStatus.OK)
        {
            if (!request.awaitsAnswer())
            {
                request.onSent();
            }
            return;
        }
        if ((status == SendStatus.BACK_PRESSURED || status == SendStatus.NOT_CONNECTED) && nowNs - request.deadlineNs < 0)
        {
            retries.addLast(request);
            return;
        }
        if (request.awaitsAnswer())
        {
            byCorrelation.remove(request.correlationId);
            if (isStorage(request))
            {
                // A storage node that takes nothing until the deadline is as good as gone: its next replica takes over.
                storage.onSendFailed(request.correlationId, status);
            }
            else
            {
                deadlines.cancel(request.correlationId);
            }
        }
        final ErrorCode code = status == SendStatus.PAYLOAD_TOO_LARGE ? ErrorCode.PAYLOAD_TOO_LARGE :
            status == SendStatus.BACK_PRESSURED ? ErrorCode.TIMEOUT : ErrorCode.NOT_CONNECTED;
        request.fail(code, "request not sent to " + (request.destination == schedulerNode ? "the scheduler" :
            "node " + request.destination) + ": " + SendStatus.name(status));
    }

    /**
     * @param storageAnswer true for an answer only a storage node sends.
     * @return the request in flight, or null: then the answer is late or a duplicate (counted, dropped).
     */
    private PendingRequest inFlight(final long correlationId, final boolean storageAnswer)
    {
        final PendingRequest request = byCorrelation.get(correlationId);
        if (null == request)
        {
            if (storageAnswer)
            {
                storage.onAnswer(correlationId);
            }
            else
            {
                deadlines.complete(correlationId);
            }
        }
        return request;
    }

    private void finish(final PendingRequest request, final boolean finished)
    {
        if (finished && byCorrelation.remove(request.correlationId) == request && request.hasDeadline())
        {
            if (isStorage(request))
            {
                // An answer from a storage node: it is up.
                storage.onAnswer(request.correlationId);
            }
            else
            {
                deadlines.complete(request.correlationId);
            }
        }
    }

    private boolean isStorage(final PendingRequest request)
    {
        return request.destination != schedulerNode;
    }
}
