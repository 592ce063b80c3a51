package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * What a storage node hears, decoded once by a {@link StorageNodeAdapter}: one typed method per message of
 * the storage and gossip protocol. Keys and values are views into the received frame (or, for groups, an
 * {@link EntryBatch} of views), valid only during the call: copy what must outlive it.
 * <p>
 * <b>Note:</b> called on the node's agent thread only.
 */
public interface StorageNodeListener
{
    /**
     * A client introduces itself so that replies can reach it.
     *
     * @param correlationId of the request.
     * @param clientNode    the client's node id.
     * @param replyEndpoint where the client receives, as text (control path).
     */
    void onConnect(long correlationId, long clientNode, String replyEndpoint);

    /**
     * A read of one key.
     *
     * @param correlationId of the request.
     * @param replyTo       node to answer.
     * @param buffer        holding the key.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     */
    void onGet(long correlationId, long replyTo, DirectBuffer buffer, int keyOffset, int keyLength);

    /**
     * A read of several keys answered in one response.
     *
     * @param correlationId of the request.
     * @param replyTo       node to answer.
     * @param keys          the keys, in request order (no values).
     */
    void onMultiGet(long correlationId, long replyTo, EntryBatch keys);

    /**
     * A client's put (a lattice merge) reaching this node as its coordinator.
     *
     * @param correlationId of the request.
     * @param replyTo       node to answer.
     * @param ack           level to answer at.
     * @param buffer        holding key and value.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param valueOffset   of the value.
     * @param valueLength   of the value.
     */
    void onPut(
        long correlationId, long replyTo, AckLevel ack, DirectBuffer buffer,
        int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * A put forwarded by a coordinator to this replica.
     *
     * @param correlationId the coordinator's forward id (0: no acknowledgement wanted).
     * @param replyTo       the coordinator (0: no acknowledgement wanted).
     * @param buffer        holding key and value.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param valueOffset   of the value.
     * @param valueLength   of the value.
     */
    void onReplicaMerge(
        long correlationId, long replyTo, DirectBuffer buffer,
        int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * A replica's answer to a forwarded put.
     *
     * @param forwardId from the forward.
     * @param code      NONE, or why the replica refused it.
     */
    void onReplicaAck(long forwardId, ErrorCode code);

    /**
     * A peer's gossip: changed keys with their values; round 0 is a hello from a peer that (re)started.
     *
     * @param sender  the peer.
     * @param round   of the sender's gossip, 0 for a hello.
     * @param entries keys with values.
     */
    void onGossip(long sender, long round, EntryBatch entries);

    /**
     * A subscriber asks to be sent updates of keys.
     *
     * @param correlationId of the request.
     * @param subscriber    node to push to and answer.
     * @param keys          to watch.
     */
    void onSubscribe(long correlationId, long subscriber, EntryBatch keys);

    /**
     * A subscriber stops watching keys.
     *
     * @param correlationId of the request.
     * @param subscriber    node to answer.
     * @param keys          no longer watched.
     */
    void onUnsubscribe(long correlationId, long subscriber, EntryBatch keys);

    /**
     * A frame that failed validation (already counted).
     *
     * @param rejection why.
     * @param buffer    holding the frame.
     * @param offset    of the frame.
     * @param length    of the frame.
     */
    void onRejected(FrameRejection rejection, DirectBuffer buffer, int offset, int length);
}
