package io.droplet.transport;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * Sends typed {@code Error} replies from a node, never waiting on the peer beyond the node's send
 * timeout; also answers rejected frames whose correlation id and reply node can still be read, so a caller
 * that sent garbage learns it at once instead of at its deadline. The roles' name for an
 * {@link ErrorPublisher}, which does the encoding.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
public final class ErrorReplier
{
    /** Longest detail text sent; longer ones (an exception's text, say) are cut. */
    public static final int MAX_DETAIL_LENGTH = ErrorPublisher.MAX_DETAIL_LENGTH;

    private final ErrorPublisher publisher;

    /**
     * A replier that offers each error once.
     *
     * @param channels of the replying node.
     */
    public ErrorReplier(final NodeChannels channels)
    {
        this(channels, null);
    }

    /**
     * A replier whose errors to a link that is not connected yet (or briefly back-pressured) are kept and
     * offered again by the node's {@link DeferredSends}, like its other replies.
     *
     * @param channels      of the replying node.
     * @param deferredSends of the node, or null to offer once.
     */
    public ErrorReplier(final NodeChannels channels, final DeferredSends deferredSends)
    {
        this.publisher = new ErrorPublisher(channels, deferredSends);
    }

    /**
     * Sends an error.
     *
     * @param replyTo       node to send to.
     * @param correlationId of the failed request.
     * @param code          why it failed.
     * @param detail        text for people (error path: encoded with an allocation).
     * @return a {@link SendStatus}.
     */
    public int reply(final long replyTo, final long correlationId, final ErrorCode code, final String detail)
    {
        return publisher.reply(replyTo, correlationId, code, detail);
    }

    /**
     * Answers a rejected frame with MALFORMED (or PAYLOAD_TOO_LARGE for size rejections) if its
     * correlation id and reply node can be read; otherwise does nothing (it was counted already).
     *
     * @param rejection why the frame was rejected.
     * @param buffer    holding the frame.
     * @param offset    of the frame.
     * @param length    of the frame.
     * @return a {@link SendStatus}, or {@link SendStatus#UNKNOWN_DESTINATION} if no sender is readable.
     */
    public int replyToRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        return publisher.replyToRejected(rejection, buffer, offset, length);
    }
}
