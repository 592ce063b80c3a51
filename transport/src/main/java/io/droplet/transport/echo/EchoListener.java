package io.droplet.transport.echo;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * Told the outcome of each ping, exactly once: a pong or a typed error (TIMEOUT when the deadline
 * passed unanswered, MALFORMED when the responder rejected the frame).
 * <p>
 * <b>Note:</b> called on the requester's polling thread.
 */
public interface EchoListener
{
    /**
     * @param correlationId of the ping.
     * @param sentTimeNs    the ping's send time, echoed back.
     * @param payload       buffer holding the echoed payload, valid only during the call.
     * @param offset        of the payload.
     * @param length        of the payload.
     */
    void onPong(long correlationId, long sentTimeNs, DirectBuffer payload, int offset, int length);

    /**
     * @param correlationId of the ping.
     * @param code          why it failed.
     */
    void onError(long correlationId, ErrorCode code);
}
