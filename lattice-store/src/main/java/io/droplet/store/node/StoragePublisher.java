package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * What a storage node sends: one method per message of the storage and gossip protocol. The node's
 * {@link StorageNodePublisher} encodes each in place on the destination's link; tests record the calls.
 * Every method returns a {@link io.droplet.transport.SendStatus}.
 * <p>
 * <b>Note:</b> not thread-safe; called on the node's agent thread only.
 */
public interface StoragePublisher
{
    /**
     * Answers a client's {@code Connect}.
     *
     * @param clientNode    to answer.
     * @param correlationId of the request.
     * @param sessionId     granted.
     * @return a send status.
     */
    int connected(long clientNode, long correlationId, long sessionId);

    /**
     * Answers a get or multi-get with one entry per key, found or not.
     *
     * @param replyTo       node to answer.
     * @param correlationId of the request.
     * @param code          NONE, or KEY_NOT_FOUND for a single get that found nothing.
     * @param entries       keys with values; a negative value length is "not found".
     * @return a send status.
     */
    int getResponse(long replyTo, long correlationId, ErrorCode code, EntryBatch entries);

    /**
     * Answers a put (or acknowledges a forwarded merge) with a code.
     *
     * @param replyTo       node to answer.
     * @param correlationId of the request or forward.
     * @param code          NONE or why it failed.
     * @return a send status.
     */
    int putResponse(long replyTo, long correlationId, ErrorCode code);

    /**
     * Sends a typed error (error path: the detail text is encoded with an allocation).
     *
     * @param replyTo       node to answer.
     * @param correlationId of the failed request.
     * @param code          why it failed.
     * @param detail        text for people.
     * @return a send status.
     */
    int error(long replyTo, long correlationId, ErrorCode code, String detail);

    /**
     * Forwards a put to another replica of its key.
     *
     * @param replica     to send to.
     * @param forwardId   to acknowledge, 0 for none wanted.
     * @param replyTo     this node, or 0 for no acknowledgement.
     * @param buffer      holding key and value.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     * @return a send status.
     */
    int replicaMerge(
        long replica, long forwardId, long replyTo, DirectBuffer buffer,
        int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * Acknowledges a control request that returns nothing (subscribe, unsubscribe).
     *
     * @param replyTo       node to answer.
     * @param correlationId of the request.
     * @return a send status.
     */
    int ack(long replyTo, long correlationId);

    /**
     * Pushes a key's merged value to a subscriber.
     *
     * @param subscriber  to push to.
     * @param source      this node.
     * @param timestampNs of the update, epoch nanoseconds.
     * @param key         buffer holding the key.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param value       buffer holding the value.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     * @return a send status.
     */
    int keyUpdate(
        long subscriber, long source, long timestampNs, DirectBuffer key, int keyOffset, int keyLength,
        DirectBuffer value, int valueOffset, int valueLength);

    /**
     * Sends a peer a gossip batch; an empty batch of round 0 is a hello.
     *
     * @param peer    to send to.
     * @param sender  this node.
     * @param round   of gossip, 0 for a hello.
     * @param entries keys with values.
     * @return a send status.
     */
    int gossip(long peer, long sender, long round, EntryBatch entries);

    /**
     * Answers a rejected frame if its sender can be read.
     *
     * @param rejection why.
     * @param buffer    holding the frame.
     * @param offset    of the frame.
     * @param length    of the frame.
     * @return a send status.
     */
    int replyToRejected(FrameRejection rejection, DirectBuffer buffer, int offset, int length);

    /**
     * @param node a peer or client.
     * @return true if the link to it is connected now.
     */
    boolean isConnected(long node);
}
