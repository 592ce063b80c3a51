package io.droplet.transport;

import io.aeron.logbuffer.Header;
import io.droplet.transport.security.CredentialsFile;
import io.droplet.transport.security.Principal;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * Admits a node's inbound frames only from authenticated sources. A source is one Aeron image (one
 * peer's publication to this node):
 * <ul>
 *   <li>frames whose header carries the deployment's node token (reserved value) come from nodes;</li>
 *   <li>a client authenticates its image by challenge-response: its {@code Connect} (identity,
 *   namespace, client node, reply endpoint) is answered with a {@code Challenge} holding a single-use
 *   nonce; its {@code Authenticate} on the same image must hold HMAC-SHA256 of its secret over that nonce
 *   and what the Connect said. Then the Connect is handed to the role (which answers {@code Connected}
 *   with a fresh random session token) and the client puts that token on every later frame;</li>
 *   <li>a frame with a token is admitted only on the image that authenticated it;</li>
 *   <li>anything else is dropped before it is decoded, and counted as {@code unauthenticated}; a failed
 *   handshake is counted as {@code authentication failed}. Nothing is answered to an unauthenticated
 *   source except the Challenge, and an UNAUTHORISED error to a failed Authenticate.</li>
 * </ul>
 * A Connect is never applied (its endpoint never registered) before its proof checks out, so a forged
 * Connect cannot redirect another client's answers; nor may an authenticated client claim a node id below
 * {@link #MIN_CLIENT_NODE} (the deployment's nodes') or one another identity holds. Challenges go out on
 * publications of their own, bounded in number, offered without waiting, and dropped when the handshake
 * ends or expires.
 * <p>
 * Made of the handshake protocol's parts: {@link HandshakeAdapter} decodes, {@link ClientSessions} keeps
 * each image's state, {@link ChallengePublisher} encodes.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the {@link InboundAdapter} of one node, except
 * {@link #onImageGone(int)}, which any thread may call.
 */
public final class SessionGate implements AutoCloseable
{
    /**
     * Smallest node id a client may claim: ids below are the deployment's nodes', so a client cannot have
     * answers meant for a node sent to itself. Clients pick ids at or above it by default.
     */
    public static final long MIN_CLIENT_NODE = 1_000_000L;

    private final ChallengePublisher publisher;
    private final ClientSessions sessions;
    private final HandshakeAdapter adapter;

    /**
     * @param transport          of the node (for the challenge publications and the clock).
     * @param credentials        of the deployment: its key and every client's secret.
     * @param handshakeTimeoutNs how long a Challenge stays answerable.
     * @param counters           of the node.
     */
    SessionGate(
        final Transport transport,
        final CredentialsFile credentials,
        final long handshakeTimeoutNs,
        final TransportCounters counters)
    {
        if (null == credentials.deploymentKey())
        {
            throw new IllegalArgumentException("a node's credentials file needs a deployment-key line");
        }
        this.publisher = new ChallengePublisher(new PeerDirectory(
            transport, new ChannelResolver(transport.context().localHost(), transport.context().termLength()), counters));
        this.sessions = new ClientSessions(credentials, handshakeTimeoutNs, counters, publisher, transport.context().nanoClock());
        this.adapter = new HandshakeAdapter(sessions);
    }

    /**
     * Finds who sent a frame from its header alone; sets {@link #principal()} and {@link #token()}.
     *
     * @param header of the frame.
     * @return true if the source is a node or an authenticated client on its own image.
     */
    boolean identify(final Header header)
    {
        return sessions.identify(header.reservedValue(), header.sessionId());
    }

    /**
     * Handles a valid Connect or Authenticate from a client's image.
     *
     * @param templateId of the frame.
     * @param buffer     holding it.
     * @param offset     of it.
     * @param length     of it.
     * @param header     of it.
     * @return the Connect frame to hand to the role now that its sender is authenticated, or null.
     */
    byte[] onHandshake(final int templateId, final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        adapter.image(header.sessionId()).onFrame(templateId, buffer, offset, length);
        return sessions.takeAdmitted();
    }

    /**
     * Sends Challenges not sent yet, forgets expired handshakes and the sessions of images that are gone.
     *
     * @param nowNs of the node's clock.
     * @return work done.
     */
    int poll(final long nowNs)
    {
        return sessions.poll(nowNs);
    }

    /**
     * An image of the node's subscriptions went away: its session ends (any thread).
     *
     * @param imageSessionId of the image.
     */
    public void onImageGone(final int imageSessionId)
    {
        sessions.onImageGone(imageSessionId);
    }

    /**
     * @return who sent the frame last identified or authenticated.
     */
    Principal principal()
    {
        return sessions.principal();
    }

    /**
     * @return the session token of that frame's client, or 0 for a node.
     */
    long token()
    {
        return sessions.token();
    }

    /**
     * @return the token the deployment's nodes carry.
     */
    long nodeToken()
    {
        return sessions.nodeToken();
    }

    /**
     * Closes the challenge publications.
     */
    public void close()
    {
        CloseHelper.close(publisher);
    }
}
