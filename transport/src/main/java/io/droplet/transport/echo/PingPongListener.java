package io.droplet.transport.echo;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * The echo protocol's messages, decoded once by {@link EchoAdapter}: a requester takes pongs and errors, a
 * responder takes pings; each ignores the rest. Rejected frames come here too, to answer if
 * the sender can be identified.
 * <p>
 * <b>Note:</b> called on the polling thread only; buffers are valid only during the call.
 */
public interface PingPongListener
{
    /**
     * @param correlationId of the ping.
     * @param replyTo       node the pong goes to.
     * @param sentTimeNs    the requester's send time, to echo back.
     * @param buffer        holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     */
    default void onPing(long correlationId, long replyTo, long sentTimeNs, DirectBuffer buffer, int offset, int length)
    {
    }

    /**
     * @param correlationId of the ping answered.
     * @param sentTimeNs    the ping's send time, echoed back.
     * @param buffer        holding the echoed payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     */
    default void onPong(long correlationId, long sentTimeNs, DirectBuffer buffer, int offset, int length)
    {
    }

    /**
     * @param correlationId of the ping that failed.
     * @param code          why.
     */
    default void onError(long correlationId, ErrorCode code)
    {
    }

    /**
     * A frame that failed validation; already counted, never decoded.
     *
     * @param rejection why.
     * @param buffer    holding the frame.
     * @param offset    of its first byte.
     * @param length    of the frame.
     */
    default void onRejected(FrameRejection rejection, DirectBuffer buffer, int offset, int length)
    {
    }
}
