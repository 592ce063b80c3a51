package io.droplet.transport;

import io.droplet.codecs.FrameRejection;
import org.agrona.DirectBuffer;

/**
 * Receives the frames an {@link InboundAdapter} polls: valid ones, to decode with the generated
 * flyweights by template id, and rejected ones, already counted, to answer if the sender can be
 * identified.
 * <p>
 * <b>Note:</b> called on the polling thread only; the buffer is valid only during the call.
 */
public interface FrameHandler
{
    /**
     * A frame that passed validation.
     *
     * @param templateId of the message.
     * @param buffer     holding the frame.
     * @param offset     of the message header.
     * @param length     of the frame.
     */
    void onFrame(int templateId, DirectBuffer buffer, int offset, int length);

    /**
     * A frame that failed validation; it has been counted and will not be decoded.
     *
     * @param rejection why.
     * @param buffer    holding the frame.
     * @param offset    of its first byte.
     * @param length    of the frame.
     */
    default void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
    }
}
