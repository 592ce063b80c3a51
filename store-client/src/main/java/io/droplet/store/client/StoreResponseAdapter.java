package io.droplet.store.client;

import io.droplet.codecs.sbe.AckDecoder;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.ConnectedDecoder;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.KeyUpdateDecoder;
import io.droplet.codecs.sbe.KvsGetResponseDecoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.transport.FrameHandler;
import org.agrona.DirectBuffer;

/**
 * Decodes what storage nodes answer a storage client (Connected, KvsPutResponse, KvsGetResponse, Ack,
 * KeyUpdate, Error), each template once with reused decoders, and tells a {@link StoreResponseListener}.
 * Frames of other templates are left to the caller: {@link #onFrame} returns whether it took the frame, so
 * a role whose inbound stream carries more than the storage protocol (the public client) can put this
 * adapter behind its own.
 * <p>
 * <b>Note:</b> not thread-safe; called on the polling thread.
 */
public final class StoreResponseAdapter implements FrameHandler
{
    private final StoreResponseListener listener;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectedDecoder connectedDecoder = new ConnectedDecoder();
    private final KvsPutResponseDecoder putResponseDecoder = new KvsPutResponseDecoder();
    private final KvsGetResponseDecoder getResponseDecoder = new KvsGetResponseDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final KeyUpdateDecoder keyUpdateDecoder = new KeyUpdateDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();

    /**
     * @param listener told each decoded message.
     */
    public StoreResponseAdapter(final StoreResponseListener listener)
    {
        this.listener = listener;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        decode(templateId, buffer, offset);
    }

    /**
     * Decodes a frame if it is of the storage protocol.
     *
     * @param templateId of the message.
     * @param buffer     holding the frame.
     * @param offset     of the message header.
     * @return true if the template is one this adapter decodes (and the listener was told).
     */
    public boolean decode(final int templateId, final DirectBuffer buffer, final int offset)
    {
        switch (templateId)
        {
            case KvsPutResponseDecoder.TEMPLATE_ID:
                putResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onPutResponse(putResponseDecoder.correlationId(), putResponseDecoder.code());
                return true;
            case KvsGetResponseDecoder.TEMPLATE_ID:
                onGetResponse(buffer, offset);
                return true;
            case ConnectedDecoder.TEMPLATE_ID:
                connectedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onConnected(connectedDecoder.correlationId(), connectedDecoder.sessionId());
                return true;
            case AckDecoder.TEMPLATE_ID:
                ackDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onAck(ackDecoder.correlationId());
                return true;
            case KeyUpdateDecoder.TEMPLATE_ID:
            {
                keyUpdateDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long source = keyUpdateDecoder.source();
                final int keyLength = keyUpdateDecoder.keyLength();
                final int keyOffset = keyUpdateDecoder.limit() + KeyUpdateDecoder.keyHeaderLength();
                keyUpdateDecoder.skipKey();
                final int valueLength = keyUpdateDecoder.valueLength();
                final int valueOffset = keyUpdateDecoder.limit() + KeyUpdateDecoder.valueHeaderLength();
                listener.onKeyUpdate(source, buffer, keyOffset, keyLength, valueOffset, valueLength);
                return true;
            }
            case ErrorDecoder.TEMPLATE_ID:
            {
                errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final int detailLength = errorDecoder.detailLength();
                final int detailOffset = errorDecoder.limit() + ErrorDecoder.detailHeaderLength();
                listener.onError(errorDecoder.correlationId(), errorDecoder.code(), buffer, detailOffset, detailLength);
                return true;
            }
            default:
                return false;
        }
    }

    private void onGetResponse(final DirectBuffer buffer, final int offset)
    {
        getResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = getResponseDecoder.correlationId();
        if (!listener.onGetResponse(correlationId, getResponseDecoder.code()))
        {
            return;
        }
        int index = 0;
        for (final KvsGetResponseDecoder.EntriesDecoder entry : getResponseDecoder.entries())
        {
            final boolean found = entry.found() == BooleanType.TRUE;
            final int keyLength = entry.keyLength();
            final int keyOffset = getResponseDecoder.limit() + KvsGetResponseDecoder.EntriesDecoder.keyHeaderLength();
            entry.skipKey();
            final int valueLength = entry.valueLength();
            final int valueOffset = getResponseDecoder.limit() + KvsGetResponseDecoder.EntriesDecoder.valueHeaderLength();
            entry.skipValue();
            listener.onGetEntry(correlationId, index++, found, buffer, keyOffset, keyLength, valueOffset, valueLength);
        }
        listener.onGetComplete(correlationId);
    }
}
