package io.droplet.transport.echo;

import io.droplet.codecs.FrameRejection;
import io.droplet.transport.ErrorReplier;
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
public final class EchoResponder implements Agent, PingPongListener
{
    private static final int FRAGMENT_LIMIT = 64;

    private final NodeChannels channels;
    private final InboundAdapter inbound;
    private final EchoPublisher publisher;
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
        this.publisher = new EchoPublisher(channels.transport().context().nanoClock());
        this.inbound = channels.open(new EchoAdapter(this));
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
    public void onPing(
        final long correlationId,
        final long replyTo,
        final long sentTimeNs,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final MessagePublisher link = channels.peers().publisher(replyTo);
        if (null != link && publisher.pong(link, correlationId, channels.nodeId(), sentTimeNs, buffer, offset, length) == SendStatus.OK)
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
