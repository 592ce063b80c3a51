package io.droplet.executors;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.HeartbeatDecoder;
import io.droplet.codecs.sbe.KvsGetDecoder;
import io.droplet.codecs.sbe.KvsPutDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.FrameHandler;
import org.agrona.DirectBuffer;

/**
 * Decodes what reaches the host's cache agent (executors' misses, writes and heartbeats; schedulers'
 * introductions), each template exactly once with reused decoders, and calls the {@link CacheListener};
 * keys, values and endpoints are passed as views. Rejected frames are answered when their sender can be read.
 * <p>
 * <b>Note:</b> not thread-safe; polled by the cache agent's thread.
 */
final class CacheAdapter implements FrameHandler
{
    private final CacheListener listener;
    private final ErrorReplier errorReplier;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final KvsGetDecoder getDecoder = new KvsGetDecoder();
    private final KvsPutDecoder putDecoder = new KvsPutDecoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();

    /**
     * @param listener     to call.
     * @param errorReplier answers rejected frames; may be null (tests).
     */
    CacheAdapter(final CacheListener listener, final ErrorReplier errorReplier)
    {
        this.listener = listener;
        this.errorReplier = errorReplier;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case KvsGetDecoder.TEMPLATE_ID:
            {
                final KvsGetDecoder decoder = getDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = decoder.correlationId();
                final long executor = decoder.replyTo();
                final int keyLength = decoder.keyLength();
                listener.onGet(correlationId, executor, buffer, decoder.limit() + KvsGetDecoder.keyHeaderLength(), keyLength);
                break;
            }

            case KvsPutDecoder.TEMPLATE_ID:
            {
                final KvsPutDecoder decoder = putDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = decoder.correlationId();
                final long executor = decoder.replyTo();
                final int keyLength = decoder.keyLength();
                final int keyOffset = decoder.limit() + KvsPutDecoder.keyHeaderLength();
                decoder.skipKey();
                final int valueLength = decoder.valueLength();
                final int valueOffset = decoder.limit() + KvsPutDecoder.valueHeaderLength();
                listener.onPut(correlationId, executor, buffer, keyOffset, keyLength, valueOffset, valueLength);
                break;
            }

            case HeartbeatDecoder.TEMPLATE_ID:
            {
                final HeartbeatDecoder decoder = heartbeatDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long node = decoder.node();
                for (final HeartbeatDecoder.FunctionsDecoder function : decoder.functions())
                {
                    // Skipped: the cache needs only the endpoint, which follows the group.
                    function.skipName();
                }
                final int endpointLength = decoder.endpointLength();
                listener.onExecutorHeartbeat(node, buffer, decoder.limit() + HeartbeatDecoder.endpointHeaderLength(), endpointLength);
                break;
            }

            case ConnectDecoder.TEMPLATE_ID:
            {
                final ConnectDecoder decoder = connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long node = decoder.clientNode();
                decoder.skipNamespaceName();
                final String identity = decoder.identity();
                listener.onIntroduction(node, identity, decoder.replyEndpoint());
                break;
            }

            default:
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != errorReplier)
        {
            errorReplier.replyToRejected(rejection, buffer, offset, length);
        }
    }
}
