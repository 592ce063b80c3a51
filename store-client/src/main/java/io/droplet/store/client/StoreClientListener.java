package io.droplet.store.client;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * Told the outcome of each {@link StoreClient} request, exactly once per correlation id (a multi-get
 * reports each entry, then completes).
 * <p>
 * <b>Note:</b> called on the client's polling thread; buffers are valid only during the call.
 */
public interface StoreClientListener
{
    /**
     * @param correlationId of the Connect.
     */
    default void onConnected(final long correlationId)
    {
    }

    /**
     * @param correlationId of the put, acknowledged at its ack level.
     */
    default void onPutAcknowledged(final long correlationId)
    {
    }

    /**
     * One key of a get or multi-get.
     *
     * @param correlationId of the request.
     * @param index         of the key in the request.
     * @param found         true if the key has a value.
     * @param buffer        holding key and value.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param valueOffset   of the value.
     * @param valueLength   of the value (0 if not found).
     */
    default void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
    }

    /**
     * @param correlationId of a get or multi-get whose entries have all been reported.
     */
    default void onGetComplete(final long correlationId)
    {
    }

    /**
     * @param correlationId of a Subscribe or Unsubscribe, acknowledged.
     */
    default void onAck(final long correlationId)
    {
    }

    /**
     * A subscribed key changed.
     *
     * @param source      storage node that pushed it.
     * @param buffer      holding key and value.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param valueOffset of the merged value.
     * @param valueLength of the value.
     */
    default void onKeyUpdate(
        final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength,
        final int valueOffset, final int valueLength)
    {
    }

    /**
     * @param correlationId of the failed request.
     * @param code          why: TIMEOUT at the deadline, or the node's typed error.
     */
    void onError(long correlationId, ErrorCode code);
}
