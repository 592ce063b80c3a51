package io.droplet.client;

import io.droplet.store.client.StoreResponseListener;
import org.agrona.DirectBuffer;

/**
 * Told what a {@link ClientAdapter} decoded from the answers a client receives: those of the scheduler
 * (results, broadcast announcements, function lists, challenges) and, inherited, those every node answers
 * with and those of the storage nodes (Connected, Ack, Error, put and get responses). Variable-length
 * fields arrive as views into the received buffer, valid only during the call.
 * <p>
 * <b>Note:</b> called on the client's agent thread only.
 */
interface ClientListener extends StoreResponseListener
{
    /**
     * A function's or DAG's result.
     *
     * @param correlationId of the call.
     * @param executor      that produced it.
     * @param buffer        holding the encoded value.
     * @param valueOffset   of the value.
     * @param valueLength   of the value.
     */
    void onResult(long correlationId, long executor, DirectBuffer buffer, int valueOffset, int valueLength);

    /**
     * A BROADCAST call reached its executors.
     *
     * @param correlationId of the call.
     * @param executors     how many will answer.
     */
    void onBroadcastStarted(long correlationId, int executors);

    /**
     * The registered functions; their names follow if this returns true.
     *
     * @param correlationId of the ListFunctions.
     * @return true to be told each name and then the completion.
     */
    boolean onFunctionList(long correlationId);

    /**
     * @param correlationId of the ListFunctions.
     * @param buffer        holding the name.
     * @param nameOffset    of the name.
     * @param nameLength    of the name.
     */
    void onFunctionName(long correlationId, DirectBuffer buffer, int nameOffset, int nameLength);

    /**
     * @param correlationId of the ListFunctions whose names have all been told.
     */
    void onFunctionListComplete(long correlationId);

    /**
     * A node wants proof of this client's secret before it takes the Connect.
     *
     * @param correlationId of the Connect.
     * @param buffer        holding the nonce.
     * @param nonceOffset   of the nonce.
     * @param nonceLength   of the nonce.
     */
    void onChallenge(long correlationId, DirectBuffer buffer, int nonceOffset, int nonceLength);
}
