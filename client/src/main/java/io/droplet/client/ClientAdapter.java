package io.droplet.client;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.BroadcastStartedDecoder;
import io.droplet.codecs.sbe.ChallengeDecoder;
import io.droplet.codecs.sbe.FunctionListDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.ResultDecoder;
import io.droplet.store.client.StoreResponseAdapter;
import io.droplet.transport.FrameHandler;
import org.agrona.DirectBuffer;

/**
 * Decodes what a client receives, each template once with reused decoders, and tells a
 * {@link ClientListener}: Result, BroadcastStarted, FunctionList and Challenge here; Connected, Ack, Error
 * and the storage answers through the storage protocol's {@link StoreResponseAdapter}, which every
 * storage client shares.
 * <p>
 * <b>Note:</b> not thread-safe; called on the client's agent thread.
 */
final class ClientAdapter implements FrameHandler
{
    private final ClientListener listener;
    private final StoreResponseAdapter storeAdapter;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ResultDecoder resultDecoder = new ResultDecoder();
    private final BroadcastStartedDecoder broadcastStartedDecoder = new BroadcastStartedDecoder();
    private final FunctionListDecoder functionListDecoder = new FunctionListDecoder();
    private final ChallengeDecoder challengeDecoder = new ChallengeDecoder();

    /**
     * @param listener told each decoded message.
     */
    ClientAdapter(final ClientListener listener)
    {
        this.listener = listener;
        this.storeAdapter = new StoreResponseAdapter(listener);
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case ResultDecoder.TEMPLATE_ID:
            {
                resultDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = resultDecoder.correlationId();
                final long executor = resultDecoder.executor();
                final int valueLength = resultDecoder.valueLength();
                final int valueOffset = resultDecoder.limit() + ResultDecoder.valueHeaderLength();
                listener.onResult(correlationId, executor, buffer, valueOffset, valueLength);
                break;
            }
            case BroadcastStartedDecoder.TEMPLATE_ID:
                broadcastStartedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onBroadcastStarted(broadcastStartedDecoder.correlationId(), broadcastStartedDecoder.executors());
                break;
            case FunctionListDecoder.TEMPLATE_ID:
                onFunctionList(buffer, offset);
                break;
            case ChallengeDecoder.TEMPLATE_ID:
            {
                challengeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = challengeDecoder.correlationId();
                final int nonceLength = challengeDecoder.nonceLength();
                final int nonceOffset = challengeDecoder.limit() + ChallengeDecoder.nonceHeaderLength();
                listener.onChallenge(correlationId, buffer, nonceOffset, nonceLength);
                break;
            }
            default:
                storeAdapter.decode(templateId, buffer, offset);
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        // Counted by the inbound adapter; a malformed answer to one of our requests ends in TIMEOUT.
    }

    private void onFunctionList(final DirectBuffer buffer, final int offset)
    {
        functionListDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = functionListDecoder.correlationId();
        if (!listener.onFunctionList(correlationId))
        {
            return;
        }
        for (final FunctionListDecoder.FunctionsDecoder function : functionListDecoder.functions())
        {
            final int nameLength = function.nameLength();
            final int nameOffset = functionListDecoder.limit() + FunctionListDecoder.FunctionsDecoder.nameHeaderLength();
            function.skipName();
            listener.onFunctionName(correlationId, buffer, nameOffset, nameLength);
        }
        listener.onFunctionListComplete(correlationId);
    }
}
