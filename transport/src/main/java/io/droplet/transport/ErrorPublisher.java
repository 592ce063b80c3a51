package io.droplet.transport;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Encodes a node's typed {@code Error} replies (the error protocol every role answers with) in place,
 * never waiting on the peer beyond the node's send timeout. Also answers rejected frames whose correlation
 * id and reply node can still be read, so a caller that sent garbage learns it at once instead of at its
 * deadline.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
public final class ErrorPublisher
{
    /** Longest detail text sent; longer ones (an exception's text, say) are cut. */
    public static final int MAX_DETAIL_LENGTH = 4096;

    private final NodeChannels channels;
    private final DeferredSends deferredSends;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();

    /**
     * A publisher that offers each error once.
     *
     * @param channels of the replying node.
     */
    public ErrorPublisher(final NodeChannels channels)
    {
        this(channels, null);
    }

    /**
     * A publisher whose errors to a link that is not connected yet (or briefly back-pressured) are kept and
     * offered again by the node's {@link DeferredSends}, like its other replies.
     *
     * @param channels      of the replying node.
     * @param deferredSends of the node, or null to offer once.
     */
    public ErrorPublisher(final NodeChannels channels, final DeferredSends deferredSends)
    {
        this.channels = channels;
        this.deferredSends = deferredSends;
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
        final MessagePublisher publisher = channels.peers().publisher(replyTo);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        byte[] text = detail.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_DETAIL_LENGTH)
        {
            text = java.util.Arrays.copyOf(text, MAX_DETAIL_LENGTH);
        }
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ErrorEncoder.BLOCK_LENGTH +
            ErrorEncoder.detailHeaderLength() + text.length;
        if (null != deferredSends)
        {
            final int claimed = deferredSends.claim(replyTo, length, channels.transport().context().nanoClock().nanoTime());
            if (claimed != SendStatus.OK)
            {
                return claimed;
            }
            errorEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
                .correlationId(correlationId)
                .code(code)
                .putDetail(text, 0, text.length);
            return deferredSends.commit();
        }
        final int status = publisher.claim(length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        errorEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .putDetail(text, 0, text.length);
        return publisher.commit();
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
        final long correlationId = channels.validator().correlationId(buffer, offset, length);
        final long replyTo = channels.validator().replyTo(buffer, offset, length);
        if (correlationId == Long.MIN_VALUE || replyTo == Long.MIN_VALUE)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        if (rejection == FrameRejection.UNAUTHENTICATED || rejection == FrameRejection.AUTHENTICATION_FAILED)
        {
            // Never answer a source that proved nothing: its reply node may be someone else's.
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final ErrorCode code = rejection == FrameRejection.FORBIDDEN ? ErrorCode.FORBIDDEN :
            rejection == FrameRejection.FRAME_TOO_LARGE || rejection == FrameRejection.VAR_DATA_TOO_LONG ?
            ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.MALFORMED;
        return reply(replyTo, correlationId, code, rejection.name());
    }
}
