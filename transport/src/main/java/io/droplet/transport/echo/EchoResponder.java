package io.droplet.transport.echo;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.PingDecoder;
import io.droplet.codecs.sbe.PongEncoder;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

/**
 * Answers each ping with a pong carrying the same correlation id, send time and payload, sent
 * straight to the ping's {@code replyTo} node, encoded in place. A frame that fails validation but
 * still shows a readable correlation id and reply node is answered with a MALFORMED (or
 * PAYLOAD_TOO_LARGE) error, so its sender does not wait for its deadline.
 * <p>
 * A pong that cannot be sent within the node's send timeout (back-pressure, unknown node) is
 * dropped and counted; the requester's deadline turns it into TIMEOUT. The responder never waits on
 * one slow requester.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class EchoResponder implements Agent, FrameHandler
{
    private static final int FRAGMENT_LIMIT = 64;

    private final NodeChannels channels;
    private final InboundAdapter inbound;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PingDecoder pingDecoder = new PingDecoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final ErrorReplier errorReplier;
    private long pongsSent;
    private long pongsDropped;

    /**
     * @param channels of the responding node; its inbound side is opened here.
     */
    public EchoResponder(final NodeChannels channels)
    {
        this.channels = channels;
        this.errorReplier = new ErrorReplier(channels);
        this.inbound = channels.open(this);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        return inbound.poll(FRAGMENT_LIMIT);
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (templateId != PingDecoder.TEMPLATE_ID)
        {
            return;
        }
        pingDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = pingDecoder.correlationId();
        final long replyTo = pingDecoder.replyTo();
        final long sentTime = pingDecoder.sentTime();
        final int payloadLength = pingDecoder.payloadLength();
        final int payloadOffset = pingDecoder.limit() + PingDecoder.payloadHeaderLength();

        final MessagePublisher publisher = channels.peers().publisher(replyTo);
        final int pongLength = MessageHeaderEncoder.ENCODED_LENGTH + PongEncoder.BLOCK_LENGTH +
            PongEncoder.payloadHeaderLength() + payloadLength;
        if (null == publisher || publisher.claim(pongLength) != SendStatus.OK)
        {
            pongsDropped++;
            return;
        }
        pongEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .responder(channels.nodeId())
            .sentTime(sentTime);
        // Copies the payload straight from the inbound term to the outbound one: no intermediate buffer.
        pongEncoder.putPayload(buffer, payloadOffset, payloadLength);
        if (publisher.commit() == SendStatus.OK)
        {
            pongsSent++;
        }
        else
        {
            pongsDropped++;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        errorReplier.replyToRejected(rejection, buffer, offset, length);
    }

    /**
     * @return pongs sent.
     */
    public long pongsSent()
    {
        return pongsSent;
    }

    /**
     * @return pongs that could not be sent (unknown node or back-pressure past the send timeout).
     */
    public long pongsDropped()
    {
        return pongsDropped;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-echo-responder";
    }
}
