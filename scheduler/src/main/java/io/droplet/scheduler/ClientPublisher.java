package io.droplet.scheduler;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckEncoder;
import io.droplet.codecs.sbe.BroadcastStartedEncoder;
import io.droplet.codecs.sbe.ConnectedEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.FunctionListEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.transport.DeferredSends;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.util.Map;

/**
 * Encodes the scheduler's replies to callers with reused encoders, and sends them through the node's
 * {@link DeferredSends}, which keeps a message only while its link is not ready; errors go through the
 * node's {@link ErrorReplier}.
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's thread.
 */
public final class ClientPublisher implements ClientReplies
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final BroadcastStartedEncoder broadcastStartedEncoder = new BroadcastStartedEncoder();
    private final FunctionListEncoder functionListEncoder = new FunctionListEncoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final MutableDirectBuffer message;
    private final DeferredSends sends;
    private final ErrorReplier errorReplier;
    private final NanoClock clock;

    /**
     * @param message      scratch buffer of the transport's largest message.
     * @param sends        of the scheduler.
     * @param errorReplier of the scheduler.
     * @param clock        of send retry windows.
     */
    public ClientPublisher(
        final MutableDirectBuffer message, final DeferredSends sends, final ErrorReplier errorReplier, final NanoClock clock)
    {
        this.message = message;
        this.sends = sends;
        this.errorReplier = errorReplier;
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     */
    public int ack(final long caller, final long correlationId)
    {
        ackEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId);
        return send(caller, MessageHeaderEncoder.ENCODED_LENGTH + AckEncoder.BLOCK_LENGTH);
    }

    /**
     * {@inheritDoc}
     */
    public int broadcastStarted(final long caller, final long correlationId, final int executors)
    {
        broadcastStartedEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId).executors(executors);
        return send(caller, MessageHeaderEncoder.ENCODED_LENGTH + BroadcastStartedEncoder.BLOCK_LENGTH);
    }

    /**
     * {@inheritDoc}
     */
    public int functionList(
        final long caller, final long correlationId, final Map<String, FunctionKind> functions, final Principal principal)
    {
        int visible = 0;
        for (final String name : functions.keySet())
        {
            visible += principal.owns(name) ? 1 : 0;
        }
        functionListEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId);
        final FunctionListEncoder.FunctionsEncoder group = functionListEncoder.functionsCount(visible);
        for (final Map.Entry<String, FunctionKind> entry : functions.entrySet())
        {
            if (principal.owns(entry.getKey()))
            {
                group.next().version(0).kind(entry.getValue()).name(entry.getKey());
            }
        }
        return send(caller, MessageHeaderEncoder.ENCODED_LENGTH + functionListEncoder.encodedLength());
    }

    /**
     * {@inheritDoc}
     */
    public int connected(final long client, final long correlationId, final long sessionId, final long leaseTimeoutNs)
    {
        connectedEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .sessionId(sessionId)
            .leaseTimeoutNs(leaseTimeoutNs);
        return send(client, MessageHeaderEncoder.ENCODED_LENGTH + ConnectedEncoder.BLOCK_LENGTH);
    }

    /**
     * {@inheritDoc}
     */
    public int error(final long caller, final long correlationId, final ErrorCode code, final String detail)
    {
        return errorReplier.reply(caller, correlationId, code, detail);
    }

    /**
     * {@inheritDoc}
     */
    public int rejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        return errorReplier.replyToRejected(rejection, buffer, offset, length);
    }

    private int send(final long destination, final int length)
    {
        // Never waits: a link that is not ready (a new caller) keeps the message for later tries.
        return sends.send(destination, message, 0, length, clock.nanoTime());
    }
}
