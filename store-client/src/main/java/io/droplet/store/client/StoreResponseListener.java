package io.droplet.store.client;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * Told what a {@link StoreResponseAdapter} decoded from the answers of storage nodes, one typed call per
 * message (a get's entries one call each, then its completion). Variable-length fields arrive as views
 * into the received buffer, valid only during the call.
 * <p>
 * <b>Note:</b> called on the polling thread only.
 */
public interface StoreResponseListener
{
    /**
     * @param correlationId of the Connect.
     * @param sessionId     the node granted (0 on an open deployment).
     */
    void onConnected(long correlationId, long sessionId);

    /**
     * @param correlationId of a put.
     * @param code          {@link ErrorCode#NONE} once acknowledged at its ack level, else why it was refused.
     */
    void onPutResponse(long correlationId, ErrorCode code);

    /**
     * A get or multi-get was answered; its entries follow if this returns true.
     *
     * @param correlationId of the request.
     * @param code          of the response ({@link ErrorCode#NONE} normally).
     * @return true to be told each entry and then the completion; false to skip them (a late answer).
     */
    boolean onGetResponse(long correlationId, ErrorCode code);

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
    void onGetEntry(
        long correlationId, int index, boolean found, DirectBuffer buffer,
        int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * @param correlationId of a get or multi-get whose entries have all been told.
     */
    void onGetComplete(long correlationId);

    /**
     * @param correlationId of the acknowledged request (Subscribe, Unsubscribe, or a registry request).
     */
    void onAck(long correlationId);

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
    void onKeyUpdate(long source, DirectBuffer buffer, int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * @param correlationId of the failed request.
     * @param code          the node's typed error.
     * @param buffer        holding the detail text (ASCII/UTF-8).
     * @param detailOffset  of the detail.
     * @param detailLength  of the detail.
     */
    void onError(long correlationId, ErrorCode code, DirectBuffer buffer, int detailOffset, int detailLength);
}
