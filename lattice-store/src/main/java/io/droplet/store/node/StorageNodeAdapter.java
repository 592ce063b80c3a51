package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.GossipDecoder;
import io.droplet.codecs.sbe.KvsGetDecoder;
import io.droplet.codecs.sbe.KvsMergeDecoder;
import io.droplet.codecs.sbe.KvsMultiGetDecoder;
import io.droplet.codecs.sbe.KvsPutDecoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.SubscribeDecoder;
import io.droplet.codecs.sbe.UnsubscribeDecoder;
import io.droplet.transport.FrameHandler;
import org.agrona.DirectBuffer;

/**
 * Decodes what a storage node receives (storage and gossip protocol), each template exactly once with
 * reused flyweights, and calls the matching {@link StorageNodeListener} method. Keys and values are passed
 * as offsets into the frame, never copied; the keys of a group are collected in a reused
 * {@link EntryBatch}. Templates a storage node does not serve are ignored, as before.
 * <p>
 * <b>Note:</b> not thread-safe; called by the node's inbound adapter on its agent thread.
 */
public final class StorageNodeAdapter implements FrameHandler
{
    private final StorageNodeListener listener;
    private final EntryBatch batch;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final KvsGetDecoder getDecoder = new KvsGetDecoder();
    private final KvsMultiGetDecoder multiGetDecoder = new KvsMultiGetDecoder();
    private final KvsPutDecoder putDecoder = new KvsPutDecoder();
    private final KvsMergeDecoder mergeDecoder = new KvsMergeDecoder();
    private final KvsPutResponseDecoder putResponseDecoder = new KvsPutResponseDecoder();
    private final SubscribeDecoder subscribeDecoder = new SubscribeDecoder();
    private final UnsubscribeDecoder unsubscribeDecoder = new UnsubscribeDecoder();
    private final GossipDecoder gossipDecoder = new GossipDecoder();

    /**
     * @param listener          told of each decoded message.
     * @param initialGroupCount entries a group holds before the reused batch grows.
     */
    public StorageNodeAdapter(final StorageNodeListener listener, final int initialGroupCount)
    {
        this.listener = listener;
        this.batch = new EntryBatch(initialGroupCount);
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case KvsGetDecoder.TEMPLATE_ID:
                onGet(buffer, offset);
                break;
            case KvsMultiGetDecoder.TEMPLATE_ID:
                onMultiGet(buffer, offset);
                break;
            case KvsPutDecoder.TEMPLATE_ID:
                onPut(buffer, offset);
                break;
            case KvsMergeDecoder.TEMPLATE_ID:
                onMerge(buffer, offset);
                break;
            case KvsPutResponseDecoder.TEMPLATE_ID:
                putResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onReplicaAck(putResponseDecoder.correlationId(), putResponseDecoder.code());
                break;
            case GossipDecoder.TEMPLATE_ID:
                onGossip(buffer, offset);
                break;
            case SubscribeDecoder.TEMPLATE_ID:
                onSubscribe(buffer, offset);
                break;
            case UnsubscribeDecoder.TEMPLATE_ID:
                onUnsubscribe(buffer, offset);
                break;
            case ConnectDecoder.TEMPLATE_ID:
                onConnect(buffer, offset);
                break;
            default:
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        listener.onRejected(rejection, buffer, offset, length);
    }

    private void onConnect(final DirectBuffer buffer, final int offset)
    {
        connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = connectDecoder.correlationId();
        final long clientNode = connectDecoder.clientNode();
        connectDecoder.skipNamespaceName();
        connectDecoder.skipIdentity();
        listener.onConnect(correlationId, clientNode, connectDecoder.replyEndpoint());
    }

    private void onGet(final DirectBuffer buffer, final int offset)
    {
        getDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = getDecoder.correlationId();
        final long replyTo = getDecoder.replyTo();
        final int keyOffset = getDecoder.limit() + KvsGetDecoder.keyHeaderLength();
        final int keyLength = getDecoder.keyLength();
        getDecoder.skipKey();
        listener.onGet(correlationId, replyTo, buffer, keyOffset, keyLength);
    }

    private void onMultiGet(final DirectBuffer buffer, final int offset)
    {
        multiGetDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = multiGetDecoder.correlationId();
        final long replyTo = multiGetDecoder.replyTo();
        batch.reset(buffer, buffer);
        for (final KvsMultiGetDecoder.KeysDecoder keys = multiGetDecoder.keys(); keys.hasNext(); )
        {
            keys.next();
            final int keyOffset = multiGetDecoder.limit() + KvsMultiGetDecoder.KeysDecoder.keyHeaderLength();
            batch.add(keyOffset, keys.keyLength(), 0, -1);
            keys.skipKey();
        }
        listener.onMultiGet(correlationId, replyTo, batch);
    }

    private void onPut(final DirectBuffer buffer, final int offset)
    {
        putDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = putDecoder.correlationId();
        final long replyTo = putDecoder.replyTo();
        final AckLevel ack = putDecoder.ack();
        final int keyOffset = putDecoder.limit() + KvsPutDecoder.keyHeaderLength();
        final int keyLength = putDecoder.keyLength();
        putDecoder.skipKey();
        final int valueOffset = putDecoder.limit() + KvsPutDecoder.valueHeaderLength();
        final int valueLength = putDecoder.valueLength();
        putDecoder.skipValue();
        listener.onPut(correlationId, replyTo, ack, buffer, keyOffset, keyLength, valueOffset, valueLength);
    }

    private void onMerge(final DirectBuffer buffer, final int offset)
    {
        mergeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = mergeDecoder.correlationId();
        final long replyTo = mergeDecoder.replyTo();
        final int keyOffset = mergeDecoder.limit() + KvsMergeDecoder.keyHeaderLength();
        final int keyLength = mergeDecoder.keyLength();
        mergeDecoder.skipKey();
        final int valueOffset = mergeDecoder.limit() + KvsMergeDecoder.valueHeaderLength();
        final int valueLength = mergeDecoder.valueLength();
        mergeDecoder.skipValue();
        listener.onReplicaMerge(correlationId, replyTo, buffer, keyOffset, keyLength, valueOffset, valueLength);
    }

    private void onGossip(final DirectBuffer buffer, final int offset)
    {
        gossipDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long sender = gossipDecoder.sender();
        final long round = gossipDecoder.round();
        batch.reset(buffer, buffer);
        for (final GossipDecoder.EntriesDecoder entries = gossipDecoder.entries(); entries.hasNext(); )
        {
            entries.next();
            final int keyOffset = gossipDecoder.limit() + GossipDecoder.EntriesDecoder.keyHeaderLength();
            final int keyLength = entries.keyLength();
            entries.skipKey();
            final int valueOffset = gossipDecoder.limit() + GossipDecoder.EntriesDecoder.valueHeaderLength();
            final int valueLength = entries.valueLength();
            entries.skipValue();
            batch.add(keyOffset, keyLength, valueOffset, valueLength);
        }
        listener.onGossip(sender, round, batch);
    }

    private void onSubscribe(final DirectBuffer buffer, final int offset)
    {
        subscribeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = subscribeDecoder.correlationId();
        final long subscriber = subscribeDecoder.subscriber();
        batch.reset(buffer, buffer);
        for (final SubscribeDecoder.KeysDecoder keys = subscribeDecoder.keys(); keys.hasNext(); )
        {
            keys.next();
            final int keyOffset = subscribeDecoder.limit() + SubscribeDecoder.KeysDecoder.keyHeaderLength();
            batch.add(keyOffset, keys.keyLength(), 0, -1);
            keys.skipKey();
        }
        listener.onSubscribe(correlationId, subscriber, batch);
    }

    private void onUnsubscribe(final DirectBuffer buffer, final int offset)
    {
        unsubscribeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = unsubscribeDecoder.correlationId();
        final long subscriber = unsubscribeDecoder.subscriber();
        batch.reset(buffer, buffer);
        for (final UnsubscribeDecoder.KeysDecoder keys = unsubscribeDecoder.keys(); keys.hasNext(); )
        {
            keys.next();
            final int keyOffset = unsubscribeDecoder.limit() + UnsubscribeDecoder.KeysDecoder.keyHeaderLength();
            batch.add(keyOffset, keys.keyLength(), 0, -1);
            keys.skipKey();
        }
        listener.onUnsubscribe(correlationId, subscriber, batch);
    }
}
