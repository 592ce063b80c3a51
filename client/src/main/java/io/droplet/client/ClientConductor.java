package io.droplet.client;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckDecoder;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.BroadcastStartedDecoder;
import io.droplet.codecs.sbe.KvsGetResponseDecoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.AuthenticateEncoder;
import io.droplet.codecs.sbe.ChallengeDecoder;
import io.droplet.codecs.sbe.ConnectedDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.FunctionListDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.ResultDecoder;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Values;
import io.droplet.store.lattice.LatticeCodec;
import io.droplet.transport.Endpoint;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.SendStatus;
import io.droplet.transport.security.Credentials;
import io.droplet.transport.security.Proofs;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client's agent: takes requests that user threads encoded and queued, sends them to the
 * scheduler, matches answers to them by correlation id, and completes each request's future exactly
 * once: with the result, with the typed error the runtime sent, or with TIMEOUT at the deadline.
 * A request that meets back-pressure is retried on later duty cycles until its deadline.
 * <p>
 * <b>Note:</b> {@link #submit} is thread-safe (a many-to-one queue); everything else runs on the agent's
 * thread.
 */
public final class ClientConductor implements Agent, FrameHandler, PendingRequests.TimeoutListener
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final int DRAIN_LIMIT = 64;

    /** One request from a user thread: its frame, already encoded with its correlation id. */
    static final class Request
    {
        final long destination;
        final long correlationId;
        final byte[] frame;
        final long deadlineNs;
        final CompletableFuture<Object> future;
        final boolean expectsAnswer;
        /** Set for BROADCAST calls: collects answers until the announced count. */
        Broadcast broadcast;
        /** Set for PERIOD calls: gets every run's outcome until cancelled. */
        java.util.function.Consumer<Object> periodicConsumer;
        /** For PERIOD at given times: runs still to come; the request is forgotten after the last. */
        int remainingRuns;
        /** A Connect: kept, and sent again whenever the link to its destination comes back. */
        boolean introduction;
        volatile boolean cancelled;

        Request(final long destination, final long correlationId, final byte[] frame, final long deadlineNs,
            final CompletableFuture<Object> future, final boolean expectsAnswer)
        {
            this.destination = destination;
            this.correlationId = correlationId;
            this.frame = frame;
            this.deadlineNs = deadlineNs;
            this.future = future;
            this.expectsAnswer = expectsAnswer;
        }
    }

    /** Answers of a BROADCAST call so far. */
    static final class Broadcast
    {
        int expected = -1;
        final java.util.Map<Long, Object> results = new java.util.HashMap<>();
        final List<DropletException> errors = new ArrayList<>();

        boolean done()
        {
            // An executor's answer may arrive before the count: wait for the count before deciding.
            return expected > 0 && results.size() + errors.size() >= expected;
        }
    }

    private final NodeChannels channels;
    private final long schedulerNode;
    private final io.droplet.transport.Introductions introductions;
    private final CodecRegistry codecs;
    private final NanoClock clock;
    private final InboundAdapter inbound;
    private final PendingRequests pending;
    private final ManyToOneConcurrentArrayQueue<Request> submitted;
    private final Long2ObjectHashMap<Request> inFlight = new Long2ObjectHashMap<>();
    private final ArrayDeque<Request> retries = new ArrayDeque<>();
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ResultDecoder resultDecoder = new ResultDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final ConnectedDecoder connectedDecoder = new ConnectedDecoder();
    private final FunctionListDecoder functionListDecoder = new FunctionListDecoder();
    private final KvsPutResponseDecoder putResponseDecoder = new KvsPutResponseDecoder();
    private final BroadcastStartedDecoder broadcastStartedDecoder = new BroadcastStartedDecoder();
    private final KvsGetResponseDecoder getResponseDecoder = new KvsGetResponseDecoder();
    private final ChallengeDecoder challengeDecoder = new ChallengeDecoder();
    private final AuthenticateEncoder authenticateEncoder = new AuthenticateEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final UnsafeBuffer handshakeBuffer = new UnsafeBuffer(new byte[256]);
    /** The node each Connect went to, by its correlation id: where to answer a Challenge, whose token a Connected holds. */
    private final org.agrona.collections.Long2LongHashMap connectDestinations = new org.agrona.collections.Long2LongHashMap(-1);
    private volatile Credentials credentials;
    private volatile io.droplet.store.ring.ReplicaFailover failover;
    private final Long2ObjectHashMap<byte[]> answeredNonces = new Long2ObjectHashMap<>();

    /**
     * @param channels          of the client node; its inbound side is opened here.
     * @param schedulerNode     to send requests to.
     * @param schedulerEndpoint where it receives.
     * @param codecs            for extension value types in results.
     * @param queueCapacity     most requests waiting to be sent.
     */
    public ClientConductor(
        final NodeChannels channels,
        final long schedulerNode,
        final Endpoint schedulerEndpoint,
        final CodecRegistry codecs,
        final int queueCapacity)
    {
        this.channels = channels;
        this.schedulerNode = schedulerNode;
        this.codecs = codecs;
        this.clock = channels.transport().context().nanoClock();
        this.submitted = new ManyToOneConcurrentArrayQueue<>(queueCapacity);
        channels.peers().register(schedulerNode, schedulerEndpoint);
        this.pending = new PendingRequests(
            channels.transport().context().maxPendingRequests(), clock.nanoTime(), channels.counters());
        this.introductions = new io.droplet.transport.Introductions(channels.peers(), channels.counters());
        this.inbound = channels.open(this);
    }

    /**
     * Sets the identity this client proves when a node challenges its Connect (before the first request).
     *
     * @param credentials of the client, or null for an open deployment.
     */
    public void credentials(final Credentials credentials)
    {
        this.credentials = credentials;
    }

    /**
     * Lets this conductor report storage nodes that leave requests unanswered (and those that answer).
     *
     * @param failover of the client's storage ring, or null.
     */
    void failover(final io.droplet.store.ring.ReplicaFailover failover)
    {
        this.failover = failover;
    }

    /**
     * @return the client's credentials, or null.
     */
    public Credentials credentials()
    {
        return credentials;
    }

    /**
     * Queues a request (from any thread).
     *
     * @param request to send.
     * @return false if the queue is full.
     */
    boolean submit(final Request request)
    {
        return submitted.offer(request);
    }

    /**
     * Ends every request this conductor holds (queued, waiting for a retry, or in flight) with a typed
     * error, because the link under it is gone (the media driver was lost). Agent thread only, or once
     * the agent has stopped.
     *
     * @param code   to end them with.
     * @param detail for people.
     * @return requests ended.
     */
    int failAll(final ErrorCode code, final String detail)
    {
        final int[] failed = {0};
        final java.util.function.Consumer<Request> fail = request ->
        {
            if (request.future.completeExceptionally(new DropletException(code, detail)))
            {
                failed[0]++;
            }
        };
        submitted.drain(fail);
        retries.forEach(fail);
        retries.clear();
        inFlight.values().forEach(fail);
        inFlight.clear();
        return failed[0];
    }

    /**
     * Makes a node reachable (control path, before requests are sent to it).
     *
     * @param node     id.
     * @param endpoint where it receives.
     */
    void register(final long node, final Endpoint endpoint)
    {
        channels.peers().register(node, endpoint);
    }

    /**
     * @return the client node's channels.
     */
    public NodeChannels channels()
    {
        return channels;
    }

    /**
     * @return true once the publication to the scheduler is connected.
     */
    public boolean isConnectedToScheduler()
    {
        final MessagePublisher publisher = channels.peers().publisher(schedulerNode);
        return null != publisher && publisher.isConnected();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = submitted.drain(this::send, DRAIN_LIMIT);
        // A retry is not work: while a peer cannot take requests the agent backs off instead of spinning on
        // them, which on a small host would starve the very processes it waits for.
        for (int i = retries.size(); i > 0; i--)
        {
            final Request request = retries.pollFirst();
            if (!request.future.isDone())
            {
                offer(request);
            }
        }
        // Expire first: an answer that arrives after its deadline must not beat the TIMEOUT.
        work += pending.expire(clock.nanoTime(), this);
        work += inbound.poll(FRAGMENT_LIMIT);
        work += introductions.check(clock.nanoTime());
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-client";
    }

    private void send(final Request request)
    {
        if (request.introduction)
        {
            final long node = 0 == request.destination ? schedulerNode : request.destination;
            introductions.remember(node, request.frame);
            connectDestinations.put(request.correlationId, node);
        }
        if (null != request.periodicConsumer)
        {
            // Lives until cancelled: no deadline to track, answers keep coming.
            inFlight.put(request.correlationId, request);
        }
        else if (request.expectsAnswer)
        {
            if (!pending.track(request.correlationId, request.deadlineNs))
            {
                request.future.completeExceptionally(new DropletException(ErrorCode.NO_RESOURCES, "too many requests in flight"));
                return;
            }
            inFlight.put(request.correlationId, request);
        }
        offer(request);
    }

    private void offer(final Request request)
    {
        final MessagePublisher publisher = channels.peers().publisher(0 == request.destination ? schedulerNode : request.destination);
        if (null == publisher)
        {
            if (request.expectsAnswer)
            {
                inFlight.remove(request.correlationId);
                pending.cancel(request.correlationId);
            }
            request.future.completeExceptionally(new DropletException(ErrorCode.NOT_CONNECTED, "unknown node " + request.destination));
            return;
        }
        frameView.wrap(request.frame);
        // Never wait here: a back-pressured request is retried on the next duty cycle, until its deadline.
        final int status = publisher.offer(frameView, 0, request.frame.length, clock.nanoTime());
        if (status == SendStatus.OK)
        {
            if (!request.expectsAnswer)
            {
                request.future.complete(null);
            }
            return;
        }
        if ((status == SendStatus.BACK_PRESSURED || status == SendStatus.NOT_CONNECTED) &&
            clock.nanoTime() - request.deadlineNs < 0)
        {
            retries.addLast(request);
            return;
        }
        if (request.expectsAnswer)
        {
            inFlight.remove(request.correlationId);
            pending.cancel(request.correlationId);
        }
        final io.droplet.store.ring.ReplicaFailover storage = failoverFor(request);
        if ((status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED) && null != storage)
        {
            // A storage node that takes nothing until the deadline is as good as gone: its next replica takes over.
            storage.suspect(request.destination);
        }
        final ErrorCode code = status == SendStatus.PAYLOAD_TOO_LARGE ? ErrorCode.PAYLOAD_TOO_LARGE :
            status == SendStatus.BACK_PRESSURED ? ErrorCode.TIMEOUT : ErrorCode.NOT_CONNECTED;
        request.future.completeExceptionally(new DropletException(code, "request not sent to " +
            (0 == request.destination ? "the scheduler" : "node " + request.destination) + ": " + SendStatus.name(status)));
    }

    /**
     * {@inheritDoc}
     */
    public void onTimeout(final long correlationId)
    {
        introductions.onTimeout();
        final Request request = inFlight.remove(correlationId);
        final io.droplet.store.ring.ReplicaFailover storage = null == request ? null : failoverFor(request);
        if (null != storage)
        {
            // A storage node left a request unanswered: route its keys to their next replica for a while.
            storage.suspect(request.destination);
        }
        if (null != request)
        {
            request.future.completeExceptionally(new DropletException(ErrorCode.TIMEOUT,
                "no answer before the deadline from " + (0 == request.destination ? "the scheduler" : "node " + request.destination)));
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        // Counted by the adapter; a malformed answer to one of our requests ends in TIMEOUT.
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case ResultDecoder.TEMPLATE_ID:
            {
                resultDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final Request request = complete(resultDecoder.correlationId());
                if (null != request)
                {
                    final int valueLength = resultDecoder.valueLength();
                    final int valueOffset = resultDecoder.limit() + ResultDecoder.valueHeaderLength();
                    final long executor = resultDecoder.executor();
                    Object value = null;
                    DropletException error = null;
                    try
                    {
                        value = Values.fromBuffer(buffer, valueOffset, valueLength, codecs);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        error = new DropletException(ErrorCode.MALFORMED, ex.getMessage());
                    }
                    if (route(request, executor, value, error))
                    {
                        if (null != error)
                        {
                            request.future.completeExceptionally(error);
                        }
                        else
                        {
                            request.future.complete(value);
                        }
                    }
                }
                break;
            }
            case ErrorDecoder.TEMPLATE_ID:
            {
                errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final Request request = complete(errorDecoder.correlationId());
                if (null != request)
                {
                    final ErrorCode code = errorDecoder.code();
                    final DropletException error = new DropletException(code, errorDecoder.detail());
                    if (route(request, 0, null, error))
                    {
                        request.future.completeExceptionally(error);
                    }
                }
                break;
            }
            case BroadcastStartedDecoder.TEMPLATE_ID:
            {
                broadcastStartedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final Request request = inFlight.get(broadcastStartedDecoder.correlationId());
                if (null != request && null != request.broadcast)
                {
                    request.broadcast.expected = broadcastStartedDecoder.executors();
                    finishBroadcast(request);
                }
                break;
            }
            case AckDecoder.TEMPLATE_ID:
            {
                ackDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final Request request = complete(ackDecoder.correlationId());
                if (null != request)
                {
                    if (null != request.periodicConsumer)
                    {
                        // The scheduler acknowledged a Cancel: the periodic call is over.
                        forget(request.correlationId);
                    }
                    request.future.complete(null);
                }
                break;
            }
            case ChallengeDecoder.TEMPLATE_ID:
                onChallenge(buffer, offset);
                break;
            case ConnectedDecoder.TEMPLATE_ID:
            {
                connectedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long node = connectDestinations.get(connectedDecoder.correlationId());
                if (null != credentials && node != -1)
                {
                    // From now on every frame to that node carries the session it granted.
                    channels.peers().reservedValue(node, connectedDecoder.sessionId());
                }
                final Request request = complete(connectedDecoder.correlationId());
                if (null != request)
                {
                    request.future.complete(null);
                }
                break;
            }
            case KvsPutResponseDecoder.TEMPLATE_ID:
            {
                putResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final Request request = complete(putResponseDecoder.correlationId());
                if (null != request)
                {
                    final ErrorCode code = putResponseDecoder.code();
                    if (code == ErrorCode.NONE)
                    {
                        request.future.complete(null);
                    }
                    else
                    {
                        request.future.completeExceptionally(new DropletException(code, "put refused"));
                    }
                }
                break;
            }
            case KvsGetResponseDecoder.TEMPLATE_ID:
            {
                getResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final Request request = complete(getResponseDecoder.correlationId());
                if (null != request)
                {
                    Object value = null;
                    for (final KvsGetResponseDecoder.EntriesDecoder entry : getResponseDecoder.entries())
                    {
                        final boolean found = entry.found() == BooleanType.TRUE;
                        entry.skipKey();
                        final int valueLength = entry.valueLength();
                        final int valueOffset = getResponseDecoder.limit() + KvsGetResponseDecoder.EntriesDecoder.valueHeaderLength();
                        entry.skipValue();
                        if (found && null == value)
                        {
                            try
                            {
                                value = LatticeCodec.decode(buffer, valueOffset, valueLength);
                            }
                            catch (final IllegalArgumentException ex)
                            {
                                request.future.completeExceptionally(new DropletException(ErrorCode.MALFORMED, ex.getMessage()));
                                return;
                            }
                        }
                    }
                    request.future.complete(value);
                }
                break;
            }
            case FunctionListDecoder.TEMPLATE_ID:
            {
                functionListDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final Request request = complete(functionListDecoder.correlationId());
                if (null != request)
                {
                    final List<String> names = new ArrayList<>();
                    for (final FunctionListDecoder.FunctionsDecoder function : functionListDecoder.functions())
                    {
                        names.add(function.name());
                    }
                    request.future.complete(names);
                }
                break;
            }
            default:
                break;
        }
    }

    /**
     * A node wants proof of this client's secret before it takes the Connect: answer with the HMAC of the
     * secret over its nonce, on the same publication the Connect went on.
     */
    private void onChallenge(final DirectBuffer buffer, final int offset)
    {
        challengeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = challengeDecoder.correlationId();
        challengeDecoder.skipNonce();
        final long node = connectDestinations.get(correlationId);
        if (node == -1)
        {
            return;
        }
        final Credentials own = credentials;
        if (null == own)
        {
            final Request request = complete(correlationId);
            if (null != request)
            {
                request.future.completeExceptionally(new DropletException(ErrorCode.UNAUTHORISED,
                    "the deployment requires credentials and this client has none"));
            }
            return;
        }
        challengeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final byte[] nonce = new byte[challengeDecoder.nonceLength()];
        challengeDecoder.getNonce(nonce, 0, nonce.length);
        if (java.util.Arrays.equals(nonce, answeredNonces.get(correlationId)))
        {
            // The same Challenge again (the Connect was sent twice): answered already, and a nonce is good once.
            return;
        }
        answeredNonces.put(correlationId, nonce);
        final byte[] proof = Proofs.proof(own.secret(), nonce, own.identity(), own.namespace(), channels.nodeId());
        authenticateEncoder.wrapAndApplyHeader(handshakeBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .clientNode(channels.nodeId())
            .putProof(proof, 0, proof.length);
        final MessagePublisher publisher = channels.peers().publisher(node);
        if (null != publisher)
        {
            // Unanswered if this fails: the Connect times out and is sent again, with a new Challenge.
            publisher.offer(handshakeBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + authenticateEncoder.encodedLength(),
                clock.nanoTime() + channels.transport().context().requestTimeoutNs() / 10);
        }
    }

    /**
     * @return the storage ring's failover if the request went to a storage node (not the scheduler), else null.
     */
    private io.droplet.store.ring.ReplicaFailover failoverFor(final Request request)
    {
        return 0 == request.destination || schedulerNode == request.destination ? null : failover;
    }

    private Request complete(final long correlationId)
    {
        final Request request = inFlight.get(correlationId);
        if (null == request)
        {
            // Counts late and duplicate answers (re-runs may answer twice); each request completes once.
            pending.complete(correlationId);
            return null;
        }
        if (null != request.periodicConsumer || null != request.broadcast)
        {
            return request;
        }
        inFlight.remove(correlationId);
        pending.complete(correlationId);
        final io.droplet.store.ring.ReplicaFailover storage = failoverFor(request);
        if (null != storage)
        {
            storage.clear(request.destination);
        }
        return request;
    }

    /**
     * Delivers an outcome: completes a one-shot request, adds to a broadcast, or hands a periodic run's
     * outcome to its consumer.
     *
     * @return true if the caller should complete {@code request.future} itself (a one-shot request).
     */
    private boolean route(final Request request, final long executor, final Object value, final DropletException error)
    {
        if (null != request.periodicConsumer)
        {
            if (!request.cancelled)
            {
                request.periodicConsumer.accept(null != error ? error : value);
            }
            if (request.remainingRuns > 0 && --request.remainingRuns == 0)
            {
                forget(request.correlationId);
            }
            return false;
        }
        if (null != request.broadcast)
        {
            if (null != error && request.broadcast.expected == 0)
            {
                // Announced with zero executors: the scheduler refused the call, and this is why.
                inFlight.remove(request.correlationId);
                pending.complete(request.correlationId);
                request.future.completeExceptionally(error);
                return false;
            }
            if (null != error)
            {
                request.broadcast.errors.add(error);
            }
            else
            {
                request.broadcast.results.put(executor, value);
            }
            finishBroadcast(request);
            return false;
        }
        return true;
    }

    private void finishBroadcast(final Request request)
    {
        if (request.broadcast.done())
        {
            inFlight.remove(request.correlationId);
            pending.complete(request.correlationId);
            request.future.complete(new BroadcastResult(request.broadcast.results, request.broadcast.errors));
        }
    }

    /**
     * Stops delivering a periodic call's outcomes (agent thread).
     *
     * @param correlationId of the periodic call.
     */
    void forget(final long correlationId)
    {
        inFlight.remove(correlationId);
    }
}
