package io.droplet.transport;

import org.agrona.DirectBuffer;

/**
 * What a client's image says during the security handshake, decoded once by {@link HandshakeAdapter}.
 * <p>
 * The names a {@code Connect} carries arrive as strings: a handshake is the control path (it draws a
 * nonce and keeps the names for the proof anyway), so decoding them once here costs nothing the data
 * path pays.
 * <p>
 * <b>Note:</b> called on the polling thread only; buffers are valid only during the call.
 */
interface HandshakeListener
{
    /**
     * A client asks to join a namespace; answered by a {@code Challenge}.
     *
     * @param image         session id of the Aeron image the frame came on.
     * @param correlationId of the client's request.
     * @param clientNode    node id the client claims for its answers.
     * @param namespace     the client asks to join.
     * @param identity      the client claims.
     * @param replyEndpoint where the client receives, as {@code host:port/stream} text.
     * @param frame         buffer holding the whole Connect frame (kept to hand to the role once proven).
     * @param frameOffset   of the frame's header.
     * @param frameLength   of the frame.
     */
    void onConnect(
        int image,
        long correlationId,
        long clientNode,
        String namespace,
        String identity,
        String replyEndpoint,
        DirectBuffer frame,
        int frameOffset,
        int frameLength);

    /**
     * A client's proof over the nonce of the Challenge it was sent.
     *
     * @param image         session id of the Aeron image the frame came on.
     * @param correlationId of the client's Connect.
     * @param clientNode    node id the client claims.
     * @param buffer        holding the proof.
     * @param proofOffset   of the proof's first byte.
     * @param proofLength   of the proof.
     */
    void onAuthenticate(int image, long correlationId, long clientNode, DirectBuffer buffer, int proofOffset, int proofLength);
}
