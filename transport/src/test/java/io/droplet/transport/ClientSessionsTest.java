package io.droplet.transport;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AuthenticateEncoder;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.transport.security.CredentialsFile;
import io.droplet.transport.security.Proofs;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security handshake's states, driven through its adapter with encoded frames, a cached clock and a
 * recording publisher: no media driver, no sleeps.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientSessionsTest
{
    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int IMAGE = 7;
    private static final long CLIENT_NODE = SessionGate.MIN_CLIENT_NODE + 5;

    /** What the node sent, in order. */
    private static final class RecordingPublisher implements HandshakePublisher
    {
        final List<String> sent = new ArrayList<>();
        final List<byte[]> nonces = new ArrayList<>();
        int openLinks;
        boolean linkReady = true;

        public void open(final long handshakeId, final Endpoint replyTo)
        {
            openLinks++;
            sent.add("open " + replyTo);
        }

        public void close(final long handshakeId)
        {
            openLinks--;
        }

        public boolean challenge(final long handshakeId, final long correlationId, final byte[] nonce, final long nowNs)
        {
            if (!linkReady)
            {
                return false;
            }
            sent.add("challenge " + correlationId);
            nonces.add(nonce.clone());
            return true;
        }

        public void refuse(final long handshakeId, final long correlationId, final long nowNs)
        {
            sent.add("refuse " + correlationId);
        }

        byte[] lastNonce()
        {
            return nonces.get(nonces.size() - 1);
        }
    }

    private final CachedNanoClock clock = new CachedNanoClock();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private TransportCounters counters;
    private ClientSessions sessions;
    private HandshakeAdapter adapter;

    @BeforeEach
    void setUp()
    {
        clock.update(1_000);
        counters = TestCounters.create();
        final CredentialsFile credentials = CredentialsFile.parse(List.of(
            "deployment-key " + KEY,
            "client alice team-a " + SECRET + " *"), "test");
        sessions = new ClientSessions(credentials, TIMEOUT_NS, counters, publisher, clock);
        adapter = new HandshakeAdapter(sessions);
    }

    @Test
    void aConnectIsChallengedWithAFreshNonce()
    {
        connect(IMAGE, 1, CLIENT_NODE, "alice");

        assertEquals(ClientSessions.State.CHALLENGED, sessions.state(IMAGE));
        assertEquals(List.of("open 127.0.0.1:0/6000", "challenge 1"), publisher.sent);
        assertEquals(Proofs.NONCE_LENGTH, publisher.lastNonce().length);
        assertNull(sessions.takeAdmitted(), "nothing reaches the role before the proof");
        assertFalse(sessions.identify(0, IMAGE));

        connect(IMAGE + 1, 1, CLIENT_NODE + 1, "alice");
        assertFalse(java.util.Arrays.equals(publisher.nonces.get(0), publisher.lastNonce()), "each handshake its own nonce");
    }

    @Test
    void theRightProofAuthenticatesAndHandsTheConnectToTheRole()
    {
        final int connectLength = connect(IMAGE, 1, CLIENT_NODE, "alice");
        final byte[] connectFrame = new byte[connectLength];
        frame.getBytes(0, connectFrame);

        authenticate(IMAGE, 1, CLIENT_NODE, proof(publisher.lastNonce(), CLIENT_NODE));

        assertEquals(ClientSessions.State.AUTHENTICATED, sessions.state(IMAGE));
        assertArrayEquals(connectFrame, sessions.takeAdmitted());
        assertNull(sessions.takeAdmitted(), "handed over once");
        final long token = sessions.token();
        assertNotEquals(0, token);
        assertNotEquals(sessions.nodeToken(), token);
        assertEquals("team-a", sessions.principal().namespace());
        assertEquals(1, counters.sessionsAuthenticated.get());
        assertEquals(0, publisher.openLinks, "the handshake's link is closed once it ends");
        assertTrue(sessions.identify(token, IMAGE));
        assertTrue(sessions.identify(sessions.nodeToken(), IMAGE + 3), "nodes are known by the node token anywhere");
        assertTrue(sessions.principal().isNode());
    }

    @Test
    void aWrongProofIsRefusedAndCounted()
    {
        connect(IMAGE, 1, CLIENT_NODE, "alice");
        final byte[] wrong = proof(publisher.lastNonce(), CLIENT_NODE);
        wrong[0] ^= 1;

        authenticate(IMAGE, 1, CLIENT_NODE, wrong);

        assertEquals(ClientSessions.State.UNKNOWN, sessions.state(IMAGE));
        assertNull(sessions.takeAdmitted());
        assertEquals("refuse 1", publisher.sent.get(publisher.sent.size() - 1));
        assertEquals(1, counters.rejectedCount(FrameRejection.AUTHENTICATION_FAILED));
        assertEquals(0, counters.sessionsAuthenticated.get());
        assertEquals(0, publisher.openLinks);
    }

    @Test
    void anUnknownIdentityIsChallengedButNeverAuthenticated()
    {
        connect(IMAGE, 1, CLIENT_NODE, "mallory");
        assertEquals(ClientSessions.State.CHALLENGED, sessions.state(IMAGE), "the answer does not tell who exists");

        authenticate(IMAGE, 1, CLIENT_NODE, proof(publisher.lastNonce(), CLIENT_NODE));

        assertEquals(ClientSessions.State.UNKNOWN, sessions.state(IMAGE));
        assertEquals(1, counters.rejectedCount(FrameRejection.AUTHENTICATION_FAILED));
    }

    @Test
    void aReplayedAuthenticateIsRefused()
    {
        connect(IMAGE, 1, CLIENT_NODE, "alice");
        final byte[] proof = proof(publisher.lastNonce(), CLIENT_NODE);
        authenticate(IMAGE, 1, CLIENT_NODE, proof);
        final long token = sessions.token();
        sessions.takeAdmitted();

        authenticate(IMAGE, 1, CLIENT_NODE, proof);
        authenticate(IMAGE + 1, 1, CLIENT_NODE, proof);

        assertNull(sessions.takeAdmitted(), "a used nonce admits nothing");
        assertEquals(2, counters.rejectedCount(FrameRejection.AUTHENTICATION_FAILED));
        assertEquals(1, counters.sessionsAuthenticated.get());
        assertEquals(ClientSessions.State.AUTHENTICATED, sessions.state(IMAGE), "the proven session stays");
        assertTrue(sessions.identify(token, IMAGE));
    }

    @Test
    void aTokenIsValidOnlyOnTheImageThatAuthenticated()
    {
        connect(IMAGE, 1, CLIENT_NODE, "alice");
        authenticate(IMAGE, 1, CLIENT_NODE, proof(publisher.lastNonce(), CLIENT_NODE));
        final long token = sessions.token();

        assertFalse(sessions.identify(token, IMAGE + 1));
        assertFalse(sessions.identify(token + 1, IMAGE));

        sessions.onImageGone(IMAGE);
        assertEquals(1, sessions.poll(clock.nanoTime()));
        assertFalse(sessions.identify(token, IMAGE), "the session ends with its image");
        assertEquals(ClientSessions.State.UNKNOWN, sessions.state(IMAGE));
    }

    @Test
    void aChallengeExpiresAndItsProofIsThenRefused()
    {
        connect(IMAGE, 1, CLIENT_NODE, "alice");
        final byte[] proof = proof(publisher.lastNonce(), CLIENT_NODE);

        clock.advance(TIMEOUT_NS - 1);
        assertEquals(0, sessions.poll(clock.nanoTime()));
        assertEquals(ClientSessions.State.CHALLENGED, sessions.state(IMAGE));
        clock.advance(1);
        assertEquals(1, sessions.poll(clock.nanoTime()));

        assertEquals(ClientSessions.State.UNKNOWN, sessions.state(IMAGE));
        assertEquals(1, counters.rejectedCount(FrameRejection.AUTHENTICATION_FAILED));
        authenticate(IMAGE, 1, CLIENT_NODE, proof);
        assertNull(sessions.takeAdmitted());
        assertEquals(2, counters.rejectedCount(FrameRejection.AUTHENTICATION_FAILED));
    }

    @Test
    void aChallengeWaitsForItsLinkAndARepeatedConnectKeepsTheNonce()
    {
        publisher.linkReady = false;
        connect(IMAGE, 1, CLIENT_NODE, "alice");
        assertEquals(List.of("open 127.0.0.1:0/6000"), publisher.sent);

        connect(IMAGE, 1, CLIENT_NODE, "alice");
        publisher.linkReady = true;
        assertEquals(1, sessions.poll(clock.nanoTime()));
        assertEquals(0, sessions.poll(clock.nanoTime()), "sent once");
        connect(IMAGE, 1, CLIENT_NODE, "alice");

        assertEquals(List.of("open 127.0.0.1:0/6000", "challenge 1", "challenge 1"), publisher.sent);
        assertArrayEquals(publisher.nonces.get(0), publisher.nonces.get(1), "the same Challenge again");
    }

    @Test
    void renewingKeepsTheTokenValidMeanwhile()
    {
        connect(IMAGE, 1, CLIENT_NODE, "alice");
        authenticate(IMAGE, 1, CLIENT_NODE, proof(publisher.lastNonce(), CLIENT_NODE));
        final long token = sessions.token();

        connect(IMAGE, 2, CLIENT_NODE, "alice");
        assertEquals(ClientSessions.State.RENEWING, sessions.state(IMAGE));
        assertTrue(sessions.identify(token, IMAGE));

        authenticate(IMAGE, 2, CLIENT_NODE, proof(publisher.lastNonce(), CLIENT_NODE));
        assertEquals(ClientSessions.State.AUTHENTICATED, sessions.state(IMAGE));
        assertEquals(token, sessions.token());
        assertTrue(sessions.identify(token, IMAGE));
        assertEquals(2, counters.sessionsAuthenticated.get());
    }

    @Test
    void aClientMayNotClaimANodeId()
    {
        final long nodeId = SessionGate.MIN_CLIENT_NODE - 1;
        connect(IMAGE, 1, nodeId, "alice");
        authenticate(IMAGE, 1, nodeId, proof(publisher.lastNonce(), nodeId));

        assertEquals(ClientSessions.State.UNKNOWN, sessions.state(IMAGE));
        assertNull(sessions.takeAdmitted());
    }

    private int connect(final int image, final long correlationId, final long clientNode, final String identity)
    {
        final ConnectEncoder connect = new ConnectEncoder().wrapAndApplyHeader(frame, 0, header)
            .correlationId(correlationId).clientNode(clientNode).timestamp(0);
        connect.namespaceName("team-a").identity(identity).replyEndpoint("127.0.0.1:0/6000");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength();
        adapter.image(image).onFrame(ConnectEncoder.TEMPLATE_ID, frame, 0, length);
        return length;
    }

    private void authenticate(final int image, final long correlationId, final long clientNode, final byte[] proof)
    {
        final AuthenticateEncoder authenticate = new AuthenticateEncoder().wrapAndApplyHeader(frame, 0, header)
            .correlationId(correlationId).clientNode(clientNode).putProof(proof, 0, proof.length);
        adapter.image(image).onFrame(
            AuthenticateEncoder.TEMPLATE_ID, frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + authenticate.encodedLength());
    }

    private static byte[] proof(final byte[] nonce, final long clientNode)
    {
        return Proofs.proof(HexFormat.of().parseHex(SECRET), nonce, "alice", "team-a", clientNode);
    }
}
