package io.droplet.transport.echo;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.PingEncoder;
import io.droplet.codecs.sbe.PongDecoder;
import io.droplet.transport.FrameHandler;
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
public final class EchoRequester implements Agent, FrameHandler, PendingRequests.TimeoutListener
{
    private static final int FRAGMENT_LIMIT = 64;

    private final NodeChannels channels;
    private final long responder;
    private final EchoListener listener;
    private final NanoClock clock;
    private final InboundAdapter inbound;
    private final PendingRequests pending;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();
    private final PongDecoder pongDecoder = new PongDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
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
        this.inbound = channels.open(this);
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

        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + PingEncoder.BLOCK_LENGTH +
            PingEncoder.payloadHeaderLength() + length;
        int status = publisher.claim(messageLength, deadlineNs);
        if (status == SendStatus.OK)
        {
            pingEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
                .correlationId(correlationId)
                .replyTo(channels.nodeId())
                .sentTime(clock.nanoTime())
                .putPayload(payload, offset, length);
            status = publisher.commit();
        }
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
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (templateId == PongDecoder.TEMPLATE_ID)
        {
            pongDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            final long correlationId = pongDecoder.correlationId();
            if (pending.complete(correlationId))
            {
                final long sentTime = pongDecoder.sentTime();
                final int payloadLength = pongDecoder.payloadLength();
                final int payloadOffset = pongDecoder.limit() + PongDecoder.payloadHeaderLength();
                listener.onPong(correlationId, sentTime, buffer, payloadOffset, payloadLength);
            }
        }
        else if (templateId == ErrorDecoder.TEMPLATE_ID)
        {
            errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            final long correlationId = errorDecoder.correlationId();
            if (pending.complete(correlationId))
            {
                listener.onError(correlationId, errorDecoder.code());
            }
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
