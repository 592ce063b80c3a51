package io.droplet.transport;

/**
 * What a node sends a client during the security handshake, over a link of the handshake's own (the
 * client is not a known peer yet). {@link ChallengePublisher} encodes it; tests record it.
 * <p>
 * <b>Note:</b> not thread-safe; called by the owning {@link ClientSessions} only.
 */
interface HandshakePublisher
{
    /**
     * Opens the link a handshake's answers go on.
     *
     * @param handshakeId of the handshake.
     * @param replyTo     where the client receives.
     */
    void open(long handshakeId, Endpoint replyTo);

    /**
     * Closes the link of a handshake that ended.
     *
     * @param handshakeId of the handshake.
     */
    void close(long handshakeId);

    /**
     * Offers a Challenge once, without waiting: a peer that proved nothing is never waited on.
     *
     * @param handshakeId   of the handshake.
     * @param correlationId of the client's Connect.
     * @param nonce         the client must prove its secret over.
     * @param nowNs         of the node's clock.
     * @return true if sent; false if the link is not ready (tried again on a later poll).
     */
    boolean challenge(long handshakeId, long correlationId, byte[] nonce, long nowNs);

    /**
     * Offers an UNAUTHORISED error to a failed Authenticate once, without waiting.
     *
     * @param handshakeId   of the handshake.
     * @param correlationId of the client's Connect.
     * @param nowNs         of the node's clock.
     */
    void refuse(long handshakeId, long correlationId, long nowNs);
}
