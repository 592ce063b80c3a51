package io.droplet.transport.echo;

import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.PingEncoder;
import io.droplet.codecs.sbe.PongEncoder;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * Encodes the echo protocol's {@code Ping} and {@code Pong} in place, in the publication's term
 * ({@code tryClaim}), so a payload is copied once: from the caller's buffer (or the inbound term) to the
 * outbound term.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one requester or responder.
 */
public final class EchoPublisher
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final NanoClock clock;

    /**
     * @param clock read for a ping's send time once its space is claimed, so the time excludes the wait.
     */
    public EchoPublisher(final NanoClock clock)
    {
        this.clock = clock;
    }

    /**
     * @param publisher     to the responder.
     * @param correlationId of the ping.
     * @param replyTo       node the pong goes to.
     * @param payload       buffer holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @param deadlineNs    by which the claim must succeed.
     * @return a {@link SendStatus}.
     */
    public int ping(
        final MessagePublisher publisher,
        final long correlationId,
        final long replyTo,
        final DirectBuffer payload,
        final int offset,
        final int length,
        final long deadlineNs)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + PingEncoder.BLOCK_LENGTH +
            PingEncoder.payloadHeaderLength() + length;
        final int status = publisher.claim(messageLength, deadlineNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        pingEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .sentTime(clock.nanoTime())
            .putPayload(payload, offset, length);
        return publisher.commit();
    }

    /**
     * @param publisher     to the requester.
     * @param correlationId of the ping answered.
     * @param responder     node id of the responder.
     * @param sentTimeNs    the ping's send time, echoed.
     * @param payload       buffer holding the payload to echo.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @return a {@link SendStatus}; the claim waits up to the node's send timeout.
     */
    public int pong(
        final MessagePublisher publisher,
        final long correlationId,
        final long responder,
        final long sentTimeNs,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        final int messageLength = MessageHeaderEncoder.ENCODED_LENGTH + PongEncoder.BLOCK_LENGTH +
            PongEncoder.payloadHeaderLength() + length;
        final int status = publisher.claim(messageLength);
        if (status != SendStatus.OK)
        {
            return status;
        }
        pongEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .responder(responder)
            .sentTime(sentTimeNs);
        // Copies the payload straight from the inbound term to the outbound one: no intermediate buffer.
        pongEncoder.putPayload(payload, offset, length);
        return publisher.commit();
    }
}
