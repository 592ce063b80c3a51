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
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes the scheduler's replies to callers in place, with reused encoders: each is claimed from the
 * node's {@link DeferredSends} (the publication's term when the link is ready, otherwise space whose
 * message is kept and retried, as for a caller that just connected) and committed once encoded. Errors
 * go through the node's {@link ErrorReplier}, which does the same.
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
    private final DeferredSends sends;
    private final ErrorReplier errorReplier;
    private final NanoClock clock;

    /**
     * @param sends        of the scheduler.
     * @param errorReplier of the scheduler.
     * @param clock        of send retry windows.
     */
    public ClientPublisher(
        final DeferredSends sends, final ErrorReplier errorReplier, final NanoClock clock)
    {
        this.sends = sends;
        this.errorReplier = errorReplier;
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     */
    public int ack(final long caller, final long correlationId)
    {
        final int status = claim(caller, MessageHeaderEncoder.ENCODED_LENGTH + AckEncoder.BLOCK_LENGTH);
        if (status != SendStatus.OK)
        {
            return status;
        }
        ackEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder).correlationId(correlationId);
        return sends.commit();
    }

    /**
     * {@inheritDoc}
     */
    public int broadcastStarted(final long caller, final long correlationId, final int executors)
    {
        final int status = claim(caller, MessageHeaderEncoder.ENCODED_LENGTH + BroadcastStartedEncoder.BLOCK_LENGTH);
        if (status != SendStatus.OK)
        {
            return status;
        }
        broadcastStartedEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .executors(executors);
        return sends.commit();
    }

    /**
     * {@inheritDoc}
     */
    public int functionList(
        final long caller, final long correlationId, final Map<String, FunctionKind> functions, final Principal principal)
    {
        // Control path: names are encoded once to know the length.
        int visible = 0;
        int length = MessageHeaderEncoder.ENCODED_LENGTH + FunctionListEncoder.BLOCK_LENGTH +
            FunctionListEncoder.FunctionsEncoder.sbeHeaderSize();
        for (final String name : functions.keySet())
        {
            if (principal.owns(name))
            {
                visible++;
                length += FunctionListEncoder.FunctionsEncoder.sbeBlockLength() +
                    FunctionListEncoder.FunctionsEncoder.nameHeaderLength() + name.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        final int status = claim(caller, length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        functionListEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder).correlationId(correlationId);
        final FunctionListEncoder.FunctionsEncoder group = functionListEncoder.functionsCount(visible);
        for (final Map.Entry<String, FunctionKind> entry : functions.entrySet())
        {
            if (principal.owns(entry.getKey()))
            {
                group.next().version(0).kind(entry.getValue()).name(entry.getKey());
            }
        }
        if (MessageHeaderEncoder.ENCODED_LENGTH + functionListEncoder.encodedLength() != length)
        {
            // A length computed apart from its encoder went wrong: never send a torn message.
            sends.abort();
            throw new IllegalStateException("function list encoded apart from its claimed length " + length);
        }
        return sends.commit();
    }

    /**
     * {@inheritDoc}
     */
    public int connected(final long client, final long correlationId, final long sessionId, final long leaseTimeoutNs)
    {
        final int status = claim(client, MessageHeaderEncoder.ENCODED_LENGTH + ConnectedEncoder.BLOCK_LENGTH);
        if (status != SendStatus.OK)
        {
            return status;
        }
        connectedEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(sessionId)
            .leaseTimeoutNs(leaseTimeoutNs);
        return sends.commit();
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

    private int claim(final long destination, final int length)
    {
        // Never waits: a link that is not ready (a new caller) gets space whose message is kept for later tries.
        return sends.claim(destination, length, clock.nanoTime());
    }
}
