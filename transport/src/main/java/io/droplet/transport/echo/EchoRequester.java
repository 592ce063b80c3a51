package io.droplet.transport.echo;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * Sends pings to one responder and reports each outcome once to an {@link EchoListener}: the pong,
 * an error the responder sent, or TIMEOUT when the deadline passes first. Late and duplicate
 * responses are counted ({@code unknownCorrelations}) and dropped.
 * <p>
 * <b>Note:</b> an agent: not thread-safe; {@link #ping} and {@link #doWork()} run on one thread.
 */
public final class EchoRequester implements Agent, PingPongListener, PendingRequests.TimeoutListener
{
    private static final int FRAGMENT_LIMIT = 64;

    private final NodeChannels channels;
    private final long responder;
    private final EchoListener listener;
    private final NanoClock clock;
    private final InboundAdapter inbound;
    private final PendingRequests pending;
    private final EchoPublisher publisher;
    private long nextCorrelationId = 1;

    /**
     * @param channels  of the requesting node; its inbound side is opened here.
     * @param responder node id of the responder, registered in {@code channels.peers()}.
     * @param listener  of outcomes.
     */
    public EchoRequester(final NodeChannels channels, final long responder, final EchoListener listener)
    {
        this.channels = channels;
        this.responder = responder;
        this.listener = listener;
        this.clock = channels.transport().context().nanoClock();
        this.publisher = new EchoPublisher(clock);
        this.inbound = channels.open(new EchoAdapter(this));
        this.pending = new PendingRequests(
            channels.transport().context().maxPendingRequests(), clock.nanoTime(), channels.counters());
    }

    /**
     * Sends a ping.
     *
     * @param payload    buffer holding the payload.
     * @param offset     of the payload.
     * @param length     of the payload.
     * @param deadlineNs by which the pong must arrive; sending retries back-pressure until then.
     * @return the correlation id (positive), or a negative {@link SendStatus} if it was not sent.
     */
    public long ping(final DirectBuffer payload, final int offset, final int length, final long deadlineNs)
    {
        final MessagePublisher publisher = channels.peers().publisher(responder);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final long correlationId = nextCorrelationId++;
        if (!pending.track(correlationId, deadlineNs))
        {
            return SendStatus.NO_RESOURCES;
        }

        final int status = this.publisher.ping(publisher, correlationId, channels.nodeId(), payload, offset, length, deadlineNs);
        if (status != SendStatus.OK)
        {
            pending.cancel(correlationId);
            return status;
        }
        return correlationId;
    }

    /**
     * Polls for responses and expires overdue pings.
     * {@inheritDoc}
     */
    public int doWork()
    {
        return inbound.poll(FRAGMENT_LIMIT) + pending.expire(clock.nanoTime(), this);
    }

    /**
     * {@inheritDoc}
     */
    public void onPong(final long correlationId, final long sentTimeNs, final DirectBuffer buffer, final int offset, final int length)
    {
        // Only the first answer to a ping still pending counts: late and duplicate ones are dropped.
        if (pending.complete(correlationId))
        {
            listener.onPong(correlationId, sentTimeNs, buffer, offset, length);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final long correlationId, final ErrorCode code)
    {
        if (pending.complete(correlationId))
        {
            listener.onError(correlationId, code);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onTimeout(final long correlationId)
    {
        listener.onError(correlationId, ErrorCode.TIMEOUT);
    }

    /**
     * @return pings in flight.
     */
    public int inFlight()
    {
        return pending.size();
    }

    /**
     * @return true once the responder's publication is connected.
     */
    public boolean isConnected()
    {
        final MessagePublisher publisher = channels.peers().publisher(responder);
        return null != publisher && publisher.isConnected();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-echo-requester";
    }
}
