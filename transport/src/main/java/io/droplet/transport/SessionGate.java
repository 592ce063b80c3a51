package io.droplet.transport;

import io.aeron.logbuffer.Header;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AuthenticateDecoder;
import io.droplet.codecs.sbe.ChallengeEncoder;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorEncoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.transport.security.Credentials;
import io.droplet.transport.security.CredentialsFile;
import io.droplet.transport.security.Principal;
import io.droplet.transport.security.Proofs;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;

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
 * {@link #MIN_CLIENT_NODE} (the deployment's nodes') or one another identity holds. Challenges go out on publications of their own,
 * bounded in number, offered without waiting, and dropped when the handshake ends or expires.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the {@link InboundAdapter} of one node, except
 * {@link #onImageGone(int)}, which any thread may call.
 */
public final class SessionGate implements AutoCloseable
{
    /** Most handshakes under way at once; a newer one pushes out the oldest. */
    static final int MAX_PENDING = 64;
    /**
     * Smallest node id a client may claim: ids below are the deployment's nodes', so a client cannot have
     * answers meant for a node sent to itself. Clients pick ids at or above it by default.
     */
    public static final long MIN_CLIENT_NODE = 1_000_000L;
    /** Most sessions kept; beyond that the oldest image's session is forgotten. */
    static final int MAX_SESSIONS = 65_536;

    /** A client's handshake between its Connect and its Authenticate. */
    private static final class Pending
    {
        final long id;
        final int imageSessionId;
        final long correlationId;
        final long clientNode;
        final String identity;
        final String namespace;
        final Credentials credentials;
        final byte[] nonce;
        final byte[] connectFrame;
        final long expiresAtNs;
        boolean challengeSent;

        Pending(final long id, final int imageSessionId, final long correlationId, final long clientNode,
            final String identity, final String namespace, final Credentials credentials, final byte[] nonce,
            final byte[] connectFrame, final long expiresAtNs)
        {
            this.id = id;
            this.imageSessionId = imageSessionId;
            this.correlationId = correlationId;
            this.clientNode = clientNode;
            this.identity = identity;
            this.namespace = namespace;
            this.credentials = credentials;
            this.nonce = nonce;
            this.connectFrame = connectFrame;
            this.expiresAtNs = expiresAtNs;
        }
    }

    /** An authenticated client's image. */
    private static final class Session
    {
        final Principal principal;
        final int imageSessionId;

        Session(final Principal principal, final int imageSessionId)
        {
            this.principal = principal;
            this.imageSessionId = imageSessionId;
        }
    }

    private final CredentialsFile credentials;
    private final long nodeToken;
    private final long handshakeTimeoutNs;
    private final TransportCounters counters;
    private final PeerDirectory challengePeers;
    private final Int2ObjectHashMap<Pending> pendingByImage = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<Long> tokenByImage = new Int2ObjectHashMap<>();
    /** Which identity holds each client node id: another identity may not take it over. */
    private final Long2ObjectHashMap<String> clientNodeOwners = new Long2ObjectHashMap<>();
    private final ManyToOneConcurrentArrayQueue<Integer> imagesGone = new ManyToOneConcurrentArrayQueue<>(4096);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final AuthenticateDecoder authenticateDecoder = new AuthenticateDecoder();
    private final ChallengeEncoder challengeEncoder = new ChallengeEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private long nextPendingId;
    private Principal principal = Principal.NODE;
    private long token;

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
        final byte[] key = credentials.deploymentKey();
        if (null == key)
        {
            throw new IllegalArgumentException("a node's credentials file needs a deployment-key line");
        }
        this.credentials = credentials;
        this.nodeToken = Proofs.nodeToken(key);
        this.handshakeTimeoutNs = handshakeTimeoutNs;
        this.counters = counters;
        this.challengePeers = new PeerDirectory(
            transport, new ChannelResolver(transport.context().localHost(), transport.context().termLength()), counters);
    }

    /**
     * Finds who sent a frame from its header alone; sets {@link #principal()} and {@link #token()}.
     *
     * @param header of the frame.
     * @return true if the source is a node or an authenticated client on its own image.
     */
    boolean identify(final Header header)
    {
        final long value = header.reservedValue();
        if (value == nodeToken)
        {
            principal = Principal.NODE;
            token = 0;
            return true;
        }
        final Session session = 0 == value ? null : sessions.get(value);
        if (null != session && session.imageSessionId == header.sessionId())
        {
            principal = session.principal;
            token = value;
            return true;
        }
        return false;
    }

    /**
     * Handles a valid Connect or Authenticate from a client's image.
     *
     * @param templateId of the frame.
     * @param buffer     holding it.
     * @param offset     of it.
     * @param length     of it.
     * @param header     of it.
     * @param nowNs      of the node's clock.
     * @return the Connect frame to hand to the role now that its sender is authenticated, or null.
     */
    byte[] onHandshake(
        final int templateId, final DirectBuffer buffer, final int offset, final int length, final Header header, final long nowNs)
    {
        if (templateId == ConnectDecoder.TEMPLATE_ID)
        {
            onConnect(buffer, offset, length, header.sessionId(), nowNs);
            return null;
        }
        return onAuthenticate(buffer, offset, header.sessionId(), nowNs);
    }

    private void onConnect(final DirectBuffer buffer, final int offset, final int length, final int image, final long nowNs)
    {
        connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = connectDecoder.correlationId();
        final long clientNode = connectDecoder.clientNode();
        final String namespace = connectDecoder.namespaceName();
        final String identity = connectDecoder.identity();
        final String endpointText = connectDecoder.replyEndpoint();
        final Endpoint endpoint;
        try
        {
            endpoint = Endpoint.parse(endpointText);
        }
        catch (final IllegalArgumentException ex)
        {
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
            return;
        }
        // An unknown identity is challenged all the same: the answer does not tell who exists.
        final Credentials known = credentials.client(identity);
        final Credentials client = null != known && known.namespace().equals(namespace) ? known : null;
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        final Pending previous = pendingByImage.get(image);
        if (null != previous && previous.correlationId == correlationId && previous.clientNode == clientNode &&
            nowNs - previous.expiresAtNs < 0)
        {
            // The same Connect again (a client re-sends it while it waits): the same Challenge again, not a new nonce
            // that would void the proof it may be computing now.
            previous.challengeSent = false;
            sendChallenge(previous, nowNs);
            return;
        }
        if (null != previous)
        {
            pendingByImage.remove(image);
            challengePeers.remove(previous.id);
        }
        if (pendingByImage.size() >= MAX_PENDING)
        {
            evictOldestPending();
        }
        final Pending pending = new Pending(nextPendingId++, image, correlationId, clientNode, identity, namespace,
            client, Proofs.nonce(), frame, nowNs + handshakeTimeoutNs);
        pendingByImage.put(image, pending);
        challengePeers.register(pending.id, endpoint);
        sendChallenge(pending, nowNs);
    }

    private byte[] onAuthenticate(final DirectBuffer buffer, final int offset, final int image, final long nowNs)
    {
        final Pending pending = pendingByImage.remove(image);
        if (null == pending)
        {
            // No Connect on this image, or its nonce was used already: a replay.
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
            return null;
        }
        authenticateDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = authenticateDecoder.correlationId();
        final long clientNode = authenticateDecoder.clientNode();
        final byte[] proof = new byte[authenticateDecoder.proofLength()];
        authenticateDecoder.getProof(proof, 0, proof.length);
        final String owner = clientNodeOwners.get(pending.clientNode);
        final boolean valid = null != pending.credentials &&
            pending.clientNode >= MIN_CLIENT_NODE &&
            (null == owner || owner.equals(pending.identity)) &&
            nowNs - pending.expiresAtNs < 0 &&
            correlationId == pending.correlationId &&
            clientNode == pending.clientNode &&
            Proofs.matches(
                Proofs.proof(pending.credentials.secret(), pending.nonce, pending.identity, pending.namespace, pending.clientNode),
                proof);
        if (!valid)
        {
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
            sendError(pending, nowNs);
            challengePeers.remove(pending.id);
            return null;
        }
        challengePeers.remove(pending.id);
        final Long previous = tokenByImage.get(image);
        final Session current = null == previous ? null : sessions.get(previous.longValue());
        if (null != current && current.principal.identity().equals(pending.identity) &&
            current.principal.namespace().equals(pending.namespace))
        {
            // The same client proving itself again on the same image (it re-sends its Connect when a request
            // times out): it keeps its token, so frames it sends meanwhile with that token are not dropped.
            counters.sessionsAuthenticated.increment();
            principal = current.principal;
            token = previous;
            return pending.connectFrame;
        }
        if (null != previous)
        {
            tokenByImage.remove(image);
            sessions.remove(previous.longValue());
        }
        if (sessions.size() >= MAX_SESSIONS)
        {
            evictOneSession();
        }
        if (null == owner && clientNodeOwners.size() < MAX_SESSIONS)
        {
            clientNodeOwners.put(pending.clientNode, pending.identity);
        }
        final long sessionToken = Proofs.sessionToken(nodeToken);
        final Session session = new Session(Principal.client(pending.credentials), image);
        sessions.put(sessionToken, session);
        tokenByImage.put(image, Long.valueOf(sessionToken));
        counters.sessionsAuthenticated.increment();
        principal = session.principal;
        token = sessionToken;
        return pending.connectFrame;
    }

    /**
     * Sends Challenges not sent yet, forgets expired handshakes and the sessions of images that are gone.
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
            final Long sessionToken = tokenByImage.remove(gone.intValue());
            if (null != sessionToken)
            {
                sessions.remove(sessionToken.longValue());
                work++;
            }
        }
        if (pendingByImage.isEmpty())
        {
            return work;
        }
        for (final Iterator<Pending> it = pendingByImage.values().iterator(); it.hasNext(); )
        {
            final Pending pending = it.next();
            if (nowNs - pending.expiresAtNs >= 0)
            {
                it.remove();
                challengePeers.remove(pending.id);
                counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
                work++;
            }
            else if (!pending.challengeSent)
            {
                work += sendChallenge(pending, nowNs) ? 1 : 0;
            }
        }
        return work;
    }

    /**
     * An image of the node's subscriptions went away: its session ends (any thread).
     *
     * @param imageSessionId of the image.
     */
    public void onImageGone(final int imageSessionId)
    {
        imagesGone.offer(imageSessionId);
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

    private boolean sendChallenge(final Pending pending, final long nowNs)
    {
        final MessagePublisher publisher = challengePeers.publisher(pending.id);
        if (null == publisher || !publisher.isConnected())
        {
            return false;
        }
        challengeEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(pending.correlationId)
            .expiresAt(0)
            .putNonce(pending.nonce, 0, pending.nonce.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + challengeEncoder.encodedLength();
        // Never wait on a peer that has not proven anything: one offer per duty cycle at most.
        pending.challengeSent = publisher.offer(message, 0, length, nowNs) == SendStatus.OK;
        return pending.challengeSent;
    }

    private void sendError(final Pending pending, final long nowNs)
    {
        final MessagePublisher publisher = challengePeers.publisher(pending.id);
        if (null == publisher)
        {
            return;
        }
        final byte[] detail = "authentication failed".getBytes(StandardCharsets.US_ASCII);
        errorEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(pending.correlationId)
            .code(ErrorCode.UNAUTHORISED)
            .putDetail(detail, 0, detail.length);
        publisher.offer(message, 0, MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength(), nowNs);
    }

    private void evictOldestPending()
    {
        Pending oldest = null;
        for (final Pending pending : pendingByImage.values())
        {
            if (null == oldest || pending.id < oldest.id)
            {
                oldest = pending;
            }
        }
        if (null != oldest)
        {
            pendingByImage.remove(oldest.imageSessionId);
            challengePeers.remove(oldest.id);
            counters.rejected(FrameRejection.AUTHENTICATION_FAILED);
        }
    }

    private void evictOneSession()
    {
        final Int2ObjectHashMap<Long>.KeyIterator it = tokenByImage.keySet().iterator();
        if (it.hasNext())
        {
            final int image = it.nextInt();
            sessions.remove(tokenByImage.remove(image).longValue());
        }
    }

    /**
     * Closes the challenge publications.
     */
    public void close()
    {
        CloseHelper.close(challengePeers);
    }
}
