package io.droplet.scheduler;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;

import java.util.Map;

/**
 * What the scheduler sends to callers; the {@link ClientPublisher} encodes it, tests record it. Each
 * returns a {@link io.droplet.transport.SendStatus}.
 * <p>
 * <b>Note:</b> called on the scheduler's thread only.
 */
public interface ClientReplies
{
    /**
     * @param caller        node to answer.
     * @param correlationId of the request that succeeded.
     * @return a send status.
     */
    int ack(long caller, long correlationId);

    /**
     * @param caller        node to answer.
     * @param correlationId of the BROADCAST call.
     * @param executors     answers to expect; 0 means refused (an error follows).
     * @return a send status.
     */
    int broadcastStarted(long caller, long correlationId, int executors);

    /**
     * @param caller        node to answer.
     * @param correlationId of the request.
     * @param functions     registered functions and their kinds, by name.
     * @param principal     who asked: only names it owns are listed.
     * @return a send status.
     */
    int functionList(long caller, long correlationId, Map<String, FunctionKind> functions, Principal principal);

    /**
     * @param client         node to answer.
     * @param correlationId  of the Connect.
     * @param sessionId      granted.
     * @param leaseTimeoutNs how long the caller may stay silent.
     * @return a send status.
     */
    int connected(long client, long correlationId, long sessionId, long leaseTimeoutNs);

    /**
     * @param caller        node to answer.
     * @param correlationId of the failed request.
     * @param code          why.
     * @param detail        for people (error path: allocates).
     * @return a send status.
     */
    int error(long caller, long correlationId, ErrorCode code, String detail);

    /**
     * Answers a frame that failed validation, if its sender can be read.
     *
     * @param rejection why.
     * @param buffer    holding the frame.
     * @param offset    of the frame.
     * @param length    of the frame.
     * @return a send status.
     */
    int rejected(FrameRejection rejection, DirectBuffer buffer, int offset, int length);
}
