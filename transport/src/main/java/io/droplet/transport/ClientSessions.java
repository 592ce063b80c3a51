package io.droplet.transport;

import io.droplet.codecs.FrameRejection;
import io.droplet.transport.security.Credentials;
import io.droplet.transport.security.CredentialsFile;
import io.droplet.transport.security.Principal;
import io.droplet.transport.security.Proofs;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import java.util.Iterator;

/**
 * The security handshake's state machine: one {@link ClientSession} per client image, moving
 * <pre>
 *   UNKNOWN --Connect--> CHALLENGED --valid proof--> AUTHENTICATED --Connect--> RENEWING --valid proof--> AUTHENTICATED
 *                           |  wrong proof, expiry        ^                        |  wrong proof, expiry
 *                           +------> UNKNOWN              +------------------------+
 * </pre>
 * A nonce answers one Authenticate at most: the handshake ends at the first proof, right or wrong, so a
 * replayed Authenticate finds no challenge and is refused. A session token is admitted only on the image
 * that authenticated it. Fed by {@link HandshakeAdapter}; answers through a {@link HandshakePublisher};
 * time from the node's clock, so tests drive it with a cached clock and no media driver.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one node's {@link SessionGate}, except {@link #onImageGone(int)},
 * which any thread may call.
 */
final class ClientSessions implements HandshakeListener
{
    /** Most handshakes under way at once; a newer one pushes out the oldest. */
    static final int MAX_CHALLENGED = 64;
    /** Most sessions kept; beyond that the oldest image's session is forgotten. */
    static final int MAX_SESSIONS = 65_536;

    /** Where an image stands in the handshake. */
    enum State
    {
        /** Nothing proven: only a Connect is taken from it. */
        UNKNOWN,
        /** Sent (or about to send) a Challenge; waits for one Authenticate. */
        CHALLENGED,
        /** Proved its secret: frames carrying its token are admitted on this image. */
        AUTHENTICATED,
        /** Authenticated and proving itself again: its token stays valid meanwhile. */
        RENEWING
    }

    /** One client image: its handshake under way, if any, and its session, if proven. */
    static final class ClientSession
    {
        final int image;
        State state = State.UNKNOWN;

        long handshakeId;
        long correlationId;
        long clientNode;
        String identity;
        String namespace;
        Credentials credentials;
        byte[] nonce;
        byte[] connectFrame;
        long expiresAtNs;
        boolean challengeSent;

        Principal principal;
        long token;

        ClientSession(final int image)
        {
            this.image = image;
        }

        boolean isChallenged()
        {
            return state == State.CHALLENGED || state == State.RENEWING;
        }

        boolean isAuthenticated()
        {
            return state == State.AUTHENTICATED || state == State.RENEWING;
        }
    }

    private final CredentialsFile credentialsFile;
    private final long nodeToken;
    private final long handshakeTimeoutNs;
    private final TransportCounters counters;
    private final HandshakePublisher publisher;
    private final NanoClock clock;
    private final Int2ObjectHashMap<ClientSession> byImage = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<ClientSession> byToken = new Long2ObjectHashMap<>();
    /** Which identity holds each client node id: another identity may not take it over. */
    private final Long2ObjectHashMap<String> clientNodeOwners = new Long2ObjectHashMap<>();
    private final ManyToOneConcurrentArrayQueue<Integer> imagesGone = new ManyToOneConcurrentArrayQueue<>(4096);
    private int challenged;
    private long nextHandshakeId;
    private byte[] admitted;
    private Principal principal = Principal.NODE;
    private long token;

    /**
     * @param credentialsFile    of the deployment: its key and every client's secret.
     * @param handshakeTimeoutNs how long a Challenge stays answerable.
     * @param counters           of the node.
     * @param publisher          of Challenges and refusals.
     * @param clock              of the node.
     */
    ClientSessions(
        final CredentialsFile credentialsFile,
        final long handshakeTimeoutNs,
        final TransportCounters counters,
        final HandshakePublisher publisher,
        final NanoClock clock)
    {
        final byte[] key = credentialsFile.deploymentKey();
        if (null == key)
        {
            throw new IllegalArgumentException("a node's credentials file needs a deployment-key line");
        }
        this.credentialsFile = credentialsFile;
        this.nodeToken = Proofs.nodeToken(key);
        this.handshakeTimeoutNs = handshakeTimeoutNs;
        this.counters = counters;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * Finds who sent a frame from its header alone; sets {@link #principal()} and {@link #token()}.
     *
     * @param reservedValue of the frame's header: the node token, a session token or 0.
     * @param image         session id of the image it came on.
     * @return true if the source is a node or an authenticated client on its own image.
     */
    boolean identify(final long reservedValue, final int image)
    {
        if (reservedValue == nodeToken)
        {
            principal = Principal.NODE;
            token = 0;
            return true;
        }
        final ClientSession session = 0 == reservedValue ? null : byToken.get(reservedValue);
        if (null != session && session.image == image)
        {
            principal = session.principal;
            token = reservedValue;
            return true;
        }
        return false;
    }

    /**
     * {@inheritDoc}
     */
    public void onConnect(
        final int image,
        final long correlationId,
        final long clientNode,
        final String namespace,
        final String identity,
        final String replyEndpoint,
        final DirectBuffer frame,
        final int frameOffset,
        final int frameLength)
    {
        final long nowNs = clock.nanoTime();
        final Endpoint endpoint;
        try
        {
            endpoint = Endpoint.parse(replyEndpoint);
        }
        catch (final IllegalArgumentException ex)
        {
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
            return;
        }
        ClientSession session = byImage.get(image);
        if (null != session && session.isChallenged())
        {
            if (session.correlationId == correlationId && session.clientNode == clientNode && nowNs - session.expiresAtNs < 0)
            {
                // The same Connect again (a client re-sends it while it waits): the same Challenge again, not a new
                // nonce that would void the proof it may be computing now.
                session.challengeSent = publisher.challenge(session.handshakeId, correlationId, session.nonce, nowNs);
                return;
            }
            endHandshake(session);
            session = byImage.get(image);
        }
        if (challenged >= MAX_CHALLENGED)
        {
            evictOldestHandshake();
        }
        if (null == session)
        {
            session = new ClientSession(image);
            byImage.put(image, session);
        }
        // An unknown identity is challenged all the same: the answer does not tell who exists.
        final Credentials known = credentialsFile.client(identity);
        session.state = session.isAuthenticated() ? State.RENEWING : State.CHALLENGED;
        challenged++;
        session.handshakeId = nextHandshakeId++;
        session.correlationId = correlationId;
        session.clientNode = clientNode;
        session.identity = identity;
        session.namespace = namespace;
        session.credentials = null != known && known.namespace().equals(namespace) ? known : null;
        session.nonce = Proofs.nonce();
        session.connectFrame = new byte[frameLength];
        frame.getBytes(frameOffset, session.connectFrame);
        session.expiresAtNs = nowNs + handshakeTimeoutNs;
        publisher.open(session.handshakeId, endpoint);
        session.challengeSent = publisher.challenge(session.handshakeId, correlationId, session.nonce, nowNs);
    }

    /**
     * {@inheritDoc}
     */
    public void onAuthenticate(
        final int image,
        final long correlationId,
        final long clientNode,
        final DirectBuffer buffer,
        final int proofOffset,
        final int proofLength)
    {
        final long nowNs = clock.nanoTime();
        final ClientSession session = byImage.get(image);
        if (null == session || !session.isChallenged())
        {
            // No Connect on this image, or its nonce was used already: a replay.
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
            return;
        }
        final String owner = clientNodeOwners.get(session.clientNode);
        final byte[] proof = new byte[proofLength];
        buffer.getBytes(proofOffset, proof);
        final boolean valid = null != session.credentials &&
            session.clientNode >= SessionGate.MIN_CLIENT_NODE &&
            (null == owner || owner.equals(session.identity)) &&
            nowNs - session.expiresAtNs < 0 &&
            correlationId == session.correlationId &&
            clientNode == session.clientNode &&
            Proofs.matches(
                Proofs.proof(session.credentials.secret(), session.nonce, session.identity, session.namespace, session.clientNode),
                proof);
        if (!valid)
        {
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
            publisher.refuse(session.handshakeId, session.correlationId, nowNs);
            endHandshake(session);
            return;
        }
        final byte[] connectFrame = session.connectFrame;
        final String identity = session.identity;
        final String namespace = session.namespace;
        final Credentials credentials = session.credentials;
        final long proven = session.clientNode;
        final boolean renewing = session.state == State.RENEWING;
        endHandshake(session);
        if (renewing && session.principal.identity().equals(identity) && session.principal.namespace().equals(namespace))
        {
            // The same client proving itself again on the same image (it re-sends its Connect when a request
            // times out): it keeps its token, so frames it sends meanwhile with that token are not dropped.
            counters.sessionsAuthenticated.increment();
            admit(session, connectFrame);
            return;
        }
        if (session.isAuthenticated())
        {
            byToken.remove(session.token);
        }
        if (byToken.size() >= MAX_SESSIONS)
        {
            evictOneSession();
        }
        if (null == owner && clientNodeOwners.size() < MAX_SESSIONS)
        {
            clientNodeOwners.put(proven, identity);
        }
        session.state = State.AUTHENTICATED;
        session.principal = Principal.client(credentials);
        session.token = Proofs.sessionToken(nodeToken);
        byToken.put(session.token, session);
        byImage.put(image, session);
        counters.sessionsAuthenticated.increment();
        admit(session, connectFrame);
    }

    private void admit(final ClientSession session, final byte[] connectFrame)
    {
        principal = session.principal;
        token = session.token;
        admitted = connectFrame;
    }

    /**
     * Sends Challenges not sent yet, ends expired handshakes and the sessions of images that are gone.
     *
     * @param nowNs of the node's clock.
     * @return work done.
     */
    int poll(final long nowNs)
    {
        int work = 0;
        Integer gone;
        while (null != (gone = imagesGone.poll()))
        {
            final ClientSession session = byImage.get(gone.intValue());
            if (null != session && session.isAuthenticated())
            {
                byToken.remove(session.token);
                forgetSession(session);
                work++;
            }
        }
        if (0 == challenged)
        {
            return work;
        }
        for (final Iterator<ClientSession> it = byImage.values().iterator(); it.hasNext(); )
        {
            final ClientSession session = it.next();
            if (!session.isChallenged())
            {
                continue;
            }
            if (nowNs - session.expiresAtNs >= 0)
            {
                counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
                publisher.close(session.handshakeId);
                clearHandshake(session);
                if (session.state == State.UNKNOWN)
                {
                    it.remove();
                }
                work++;
            }
            else if (!session.challengeSent)
            {
                session.challengeSent = publisher.challenge(session.handshakeId, session.correlationId, session.nonce, nowNs);
                work += session.challengeSent ? 1 : 0;
            }
        }
        return work;
    }

    /**
     * An image of the node's subscriptions went away: its session ends (any thread).
     *
     * @param image session id of the image.
     */
    void onImageGone(final int image)
    {
        imagesGone.offer(image);
    }

    /**
     * @return the Connect frame of the client that has just proven itself, to hand to the role once; or null.
     */
    byte[] takeAdmitted()
    {
        final byte[] frame = admitted;
        admitted = null;
        return frame;
    }

    /**
     * @return who sent the frame last identified or authenticated.
     */
    Principal principal()
    {
        return principal;
    }

    /**
     * @return the session token of that frame's client, or 0 for a node.
     */
    long token()
    {
        return token;
    }

    /**
     * @return the token the deployment's nodes carry.
     */
    long nodeToken()
    {
        return nodeToken;
    }

    /**
     * @param image session id of an image.
     * @return where it stands in the handshake.
     */
    State state(final int image)
    {
        final ClientSession session = byImage.get(image);
        return null == session ? State.UNKNOWN : session.state;
    }

    private void endHandshake(final ClientSession session)
    {
        publisher.close(session.handshakeId);
        clearHandshake(session);
        if (session.state == State.UNKNOWN)
        {
            byImage.remove(session.image);
        }
    }

    private void clearHandshake(final ClientSession session)
    {
        challenged--;
        session.state = session.state == State.RENEWING ? State.AUTHENTICATED : State.UNKNOWN;
        session.nonce = null;
        session.connectFrame = null;
        session.credentials = null;
        session.challengeSent = false;
    }

    private void forgetSession(final ClientSession session)
    {
        session.principal = null;
        session.token = 0;
        if (session.state == State.RENEWING)
        {
            session.state = State.CHALLENGED;
        }
        else
        {
            session.state = State.UNKNOWN;
            byImage.remove(session.image);
        }
    }

    private void evictOldestHandshake()
    {
        ClientSession oldest = null;
        for (final ClientSession session : byImage.values())
        {
            if (session.isChallenged() && (null == oldest || session.handshakeId < oldest.handshakeId))
            {
                oldest = session;
            }
        }
        if (null != oldest)
        {
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
            endHandshake(oldest);
        }
    }

    private void evictOneSession()
    {
        final Iterator<ClientSession> it = byToken.values().iterator();
        if (it.hasNext())
        {
            final ClientSession session = it.next();
            it.remove();
            forgetSession(session);
        }
    }
}
