package io.droplet.client;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.Endpoint;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.Introductions;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.security.Credentials;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import java.util.function.Consumer;

/**
 * The client's agent, a thin duty cycle: send the requests user threads queued, retry those their link
 * refused, read the clock once and end those past their deadline, poll the answers (a {@link ClientAdapter}
 * decodes them for the {@link InFlightRequests}), and introduce the client again to nodes that may have
 * restarted. Each request completes its future exactly once: with the result, with the typed error the
 * runtime sent, or with TIMEOUT at the deadline.
 * <p>
 * <b>Note:</b> {@link #submit} is thread-safe (a many-to-one queue); everything else runs on the agent's
 * thread.
 */
public final class ClientConductor implements Agent, FrameHandler, PendingRequests.TimeoutListener
{
    private final ClientContext context;
    private final NodeChannels channels;
    private final long schedulerNode;
    private final NanoClock clock;
    private final Introductions introductions;
    private final ClientHandshake handshake;
    private final InFlightRequests requests;
    private final ClientAdapter adapter;
    private final InboundAdapter inbound;
    private final ManyToOneConcurrentArrayQueue<PendingRequest> submitted;
    private final Consumer<PendingRequest> sendSubmitted = this::sendSubmitted;
    private long nowNs;

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
        this(new ClientContext()
            .channels(channels)
            .scheduler(schedulerNode, schedulerEndpoint)
            .codecs(codecs)
            .queueCapacity(queueCapacity));
    }

    /**
     * @param context of the client; concluded here.
     */
    public ClientConductor(final ClientContext context)
    {
        this.context = context.conclude();
        this.channels = context.channels();
        this.schedulerNode = context.schedulerNode();
        this.clock = context.nanoClock();
        this.submitted = new ManyToOneConcurrentArrayQueue<>(context.queueCapacity());
        channels.peers().register(schedulerNode, context.schedulerEndpoint());
        this.introductions = new Introductions(channels.peers(), channels.counters());
        this.handshake = new ClientHandshake(channels.nodeId());
        final ClientPublisher publisher = new ClientPublisher(channels.peers(), channels.nodeId(), schedulerNode,
            channels.self().toString(), clock, context.handshakeSendNs(), introductions);
        this.nowNs = clock.nanoTime();
        this.requests = new InFlightRequests(publisher, schedulerNode, context.codecs(), handshake,
            context.maxPendingRequests(), nowNs, channels.counters());
        this.adapter = new ClientAdapter(requests);
        this.inbound = channels.open(adapter);
    }

    /**
     * @return the client's context, concluded.
     */
    public ClientContext context()
    {
        return context;
    }

    /**
     * Sets the identity this client proves when a node challenges its Connect (before the first request).
     *
     * @param credentials of the client, or null for an open deployment.
     */
    public void credentials(final Credentials credentials)
    {
        handshake.credentials(credentials);
    }

    /**
     * @return the client's credentials, or null.
     */
    public Credentials credentials()
    {
        return handshake.credentials();
    }

    /**
     * Lets this conductor route storage requests on a ring and report the storage nodes that leave requests
     * unanswered (and those that answer).
     *
     * @param failover of the client's storage ring, or null.
     */
    void failover(final ReplicaFailover failover)
    {
        requests.storage().failover(failover);
    }

    /**
     * Queues a request (from any thread).
     *
     * @param request to send.
     * @return false if the queue is full.
     */
    boolean submit(final PendingRequest request)
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
        int failed = 0;
        PendingRequest request;
        while (null != (request = submitted.poll()))
        {
            failed += request.fail(code, detail) ? 1 : 0;
        }
        return failed + requests.failAll(code, detail);
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
        nowNs = clock.nanoTime();
        int work = submitted.drain(sendSubmitted, context.drainLimit());
        // A retry is not work: while a peer cannot take requests the agent backs off instead of spinning on
        // them, which on a small host would starve the very processes it waits for.
        requests.retry(nowNs);
        // Expire first: an answer that arrives after its deadline must not beat the TIMEOUT.
        final int expired = requests.expire(nowNs);
        if (expired > 0)
        {
            // A node that answers nothing may have restarted and forgotten where to answer.
            introductions.onTimeout();
        }
        work += expired;
        work += inbound.poll(context.fragmentLimit());
        work += introductions.check(nowNs);
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-client";
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        adapter.onFrame(templateId, buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        adapter.onRejected(rejection, buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void onTimeout(final long correlationId)
    {
        introductions.onTimeout();
        requests.onTimeout(correlationId);
    }

    private void sendSubmitted(final PendingRequest request)
    {
        requests.send(request, nowNs);
    }
}
