package io.droplet.client;

import io.droplet.transport.security.Credentials;
import io.droplet.transport.security.Proofs;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;

/**
 * The client's side of the security handshake. Each Connect names a node; a node that wants proof answers
 * with a Challenge (a nonce), which this answers with an Authenticate holding the HMAC of the client's
 * secret over the nonce, once per nonce; the node's Connected then grants a session that every later frame
 * to it carries. The node of each Connect is kept by its correlation id for as long as the client lives:
 * introductions send the same Connect again after a node restarts, and its new Challenge must find it.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the client's agent thread, except {@link #credentials(Credentials)}.
 */
final class ClientHandshake
{
    /** What a Challenge led to. */
    enum Outcome
    {
        /** Not for a Connect of ours, or a nonce answered already. */
        IGNORED,
        /** Answered with a proof. */
        ANSWERED,
        /** The node requires credentials and this client has none: its Connect fails UNAUTHORISED. */
        NO_CREDENTIALS
    }

    private static final long NO_NODE = -1;

    private final long clientNode;
    private final Long2LongHashMap nodeByConnect = new Long2LongHashMap(NO_NODE);
    private final Long2ObjectHashMap<byte[]> answeredNonces = new Long2ObjectHashMap<>();
    private volatile Credentials credentials;

    /**
     * @param clientNode node id of the client, which a proof binds.
     */
    ClientHandshake(final long clientNode)
    {
        this.clientNode = clientNode;
    }

    /**
     * @param credentials of the client, or null for an open deployment.
     */
    void credentials(final Credentials credentials)
    {
        this.credentials = credentials;
    }

    /**
     * @return the client's credentials, or null.
     */
    Credentials credentials()
    {
        return credentials;
    }

    /**
     * @param correlationId of a Connect.
     * @param node          it went to.
     */
    void onConnect(final long correlationId, final long node)
    {
        nodeByConnect.put(correlationId, node);
    }

    /**
     * @param correlationId of the Connect challenged.
     * @param buffer        holding the nonce.
     * @param nonceOffset   of the nonce.
     * @param nonceLength   of the nonce.
     * @param publisher     to answer with.
     * @return what the Challenge led to.
     */
    Outcome onChallenge(
        final long correlationId, final DirectBuffer buffer, final int nonceOffset, final int nonceLength,
        final RequestPublisher publisher)
    {
        final long node = nodeByConnect.get(correlationId);
        if (node == NO_NODE)
        {
            return Outcome.IGNORED;
        }
        final Credentials own = credentials;
        if (null == own)
        {
            return Outcome.NO_CREDENTIALS;
        }
        final byte[] nonce = new byte[nonceLength];
        buffer.getBytes(nonceOffset, nonce);
        if (Arrays.equals(nonce, answeredNonces.get(correlationId)))
        {
            // The same Challenge again (the Connect was sent twice): answered already, and a nonce is good once.
            return Outcome.IGNORED;
        }
        answeredNonces.put(correlationId, nonce);
        final byte[] proof = Proofs.proof(own.secret(), nonce, own.identity(), own.namespace(), clientNode);
        // Unanswered if this fails: the Connect times out and is sent again, with a new Challenge.
        publisher.authenticate(node, correlationId, proof);
        return Outcome.ANSWERED;
    }

    /**
     * A node granted a session: from now on every frame to it carries the session.
     *
     * @param correlationId of the Connect.
     * @param sessionId     granted.
     * @param publisher     whose frames to that node carry it.
     */
    void onConnected(final long correlationId, final long sessionId, final RequestPublisher publisher)
    {
        final long node = nodeByConnect.get(correlationId);
        if (null != credentials && node != NO_NODE)
        {
            publisher.session(node, sessionId);
        }
    }
}
