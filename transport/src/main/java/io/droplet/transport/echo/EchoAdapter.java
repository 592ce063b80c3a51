package io.droplet.transport.echo;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.PingDecoder;
import io.droplet.codecs.sbe.PongDecoder;
import io.droplet.transport.FrameHandler;
import org.agrona.DirectBuffer;

/**
 * Decodes the echo protocol ({@code Ping}, {@code Pong}, {@code Error}) once, with reused flyweights, and
 * calls a {@link PingPongListener}, rejected frames included.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one requester or responder.
 */
public final class EchoAdapter implements FrameHandler
{
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PingDecoder pingDecoder = new PingDecoder();
    private final PongDecoder pongDecoder = new PongDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final PingPongListener listener;

    /**
     * @param listener of decoded messages and rejected frames.
     */
    public EchoAdapter(final PingPongListener listener)
    {
        this.listener = listener;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case PingDecoder.TEMPLATE_ID:
            {
                final PingDecoder ping = pingDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onPing(ping.correlationId(), ping.replyTo(), ping.sentTime(),
                    buffer, ping.limit() + PingDecoder.payloadHeaderLength(), ping.payloadLength());
                break;
            }
            case PongDecoder.TEMPLATE_ID:
            {
                final PongDecoder pong = pongDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onPong(pong.correlationId(), pong.sentTime(),
                    buffer, pong.limit() + PongDecoder.payloadHeaderLength(), pong.payloadLength());
                break;
            }
            case ErrorDecoder.TEMPLATE_ID:
            {
                final ErrorDecoder error = errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onError(error.correlationId(), error.code());
                break;
            }
            default:
                // Not the echo protocol's: ignored, as before.
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        listener.onRejected(rejection, buffer, offset, length);
    }
}
