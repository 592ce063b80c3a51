package io.droplet.transport;

import io.droplet.codecs.sbe.AuthenticateDecoder;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

/**
 * Decodes the client side of the security handshake ({@code Connect}, {@code Authenticate}) once, with
 * reused flyweights, and calls a {@link HandshakeListener}. Frames reach it validated by the
 * {@link io.droplet.codecs.FrameValidator}, so every length read is within the frame. Which image a frame
 * came on is not in the frame: the caller names it with {@link #image(int)} before {@link #onFrame}.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one node's {@link SessionGate}.
 */
final class HandshakeAdapter implements FrameHandler
{
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final AuthenticateDecoder authenticateDecoder = new AuthenticateDecoder();
    private final HandshakeListener listener;
    private int image;

    /**
     * @param listener of the decoded handshake messages.
     */
    HandshakeAdapter(final HandshakeListener listener)
    {
        this.listener = listener;
    }

    /**
     * @param image session id of the Aeron image the next frame came on.
     * @return this adapter.
     */
    HandshakeAdapter image(final int image)
    {
        this.image = image;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case ConnectDecoder.TEMPLATE_ID:
            {
                final ConnectDecoder connect = connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = connect.correlationId();
                final long clientNode = connect.clientNode();
                // In schema order: each var-length field is read after the one before it.
                final String namespace = connect.namespaceName();
                final String identity = connect.identity();
                final String replyEndpoint = connect.replyEndpoint();
                listener.onConnect(image, correlationId, clientNode, namespace, identity, replyEndpoint, buffer, offset, length);
                break;
            }
            case AuthenticateDecoder.TEMPLATE_ID:
            {
                final AuthenticateDecoder authenticate = authenticateDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = authenticate.correlationId();
                final long clientNode = authenticate.clientNode();
                final int proofOffset = authenticate.limit() + AuthenticateDecoder.proofHeaderLength();
                listener.onAuthenticate(image, correlationId, clientNode, buffer, proofOffset, authenticate.proofLength());
                break;
            }
            default:
                // Not a handshake message: the gate hands only Connect and Authenticate here.
                break;
        }
    }
}
