package io.droplet.node;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.client.RemoteContext;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.AuthenticateEncoder;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ChallengeDecoder;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.ConnectedDecoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.FunctionListDecoder;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.ListFunctionsEncoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterFunctionEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.node.cli.DropletCommand;
import io.droplet.node.functions.ArgumentTypeFunction;
import io.droplet.node.functions.IncrementFunction;
import io.droplet.node.functions.WriteKeyFunction;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.test.Await;
import io.droplet.test.JavaProcess;
import io.droplet.transport.Endpoint;
import io.droplet.transport.security.Proofs;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A secured deployment: a media driver and a {@code droplet node} process with every role, given a
 * credentials file. Clients in this JVM connect with credentials through the public client API, and a raw
 * Aeron peer sends hand-made frames as an attacker would. Each refused attempt (missing, wrong and replayed
 * credentials; an action the identity is not granted; another namespace's functions and keys; frames
 * injected without a session) is checked to have had no effect (no function registered, no invocation
 * started, no stage run, no write) and to show in the node's rejection counters, read from the driver's
 * CnC file like {@code droplet stat} does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] ALICE = secret();
    private static final byte[] READER = secret();
    private static final byte[] BOB = secret();
    private static final Endpoint SCHEDULER = Endpoint.parse("127.0.0.1:0/5001");
    private static final Endpoint EXECUTOR = Endpoint.parse("127.0.0.1:0/5010");
    private static final Endpoint STORAGE = Endpoint.parse("127.0.0.1:0/5020");

    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String dir;
    private File logs;
    private File credentials;
    private Aeron aeron;
    private DropletClient alice;

    @BeforeAll
    void startSecuredNode() throws Exception
    {
        dir = "/dev/shm/droplet-security-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        logs = new File("target/security-test-" + System.currentTimeMillis());
        assertTrue(logs.mkdirs());
        credentials = new File(logs, "credentials");
        Files.writeString(credentials.toPath(), String.join("\n",
            "# the deployment of SecurityTest",
            "deployment-key " + HexFormat.of().formatHex(secret()) + HexFormat.of().formatHex(secret()),
            "client alice  team-a " + HexFormat.of().formatHex(ALICE) + " *",
            "client reader team-a " + HexFormat.of().formatHex(READER) + " call,get,stat",
            "client bob    team-b " + HexFormat.of().formatHex(BOB) + " *",
            ""));
        processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "driver.log"),
            "driver", "--dir", dir, "--term-length", "4m"));
        Await.until(() -> new File(dir, "cnc.dat").exists(), WAIT, () -> "driver started");
        processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "node.log"),
            "node", "--dir", dir, "--roles", "storage,cache,scheduler,executor", "--credentials", credentials.getPath(),
            "--data", new File(logs, "storage-data").getPath(), "--cache-file", new File(logs, "host-cache.dat").getPath()));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
        alice = connect("alice", ALICE);
        alice.registerFunction("increment", IncrementFunction.class);
        Await.until(() -> callsIncrement(alice), Duration.ofSeconds(60), () -> "alice's function serves");
        alice.put("k", value(41));
    }

    @AfterAll
    void stop() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
        if (null != alice)
        {
            alice.close();
        }
        if (null != aeron)
        {
            aeron.close();
        }
        for (int i = processes.size() - 1; i >= 0; i--)
        {
            processes.get(i).destroy();
            processes.get(i).waitFor(30, TimeUnit.SECONDS);
        }
        IoUtil.delete(new File(dir), true);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientWorksInItsOwnNamespaceOnly()
    {
        assertEquals(8L, alice.call("increment", 7L));
        assertTrue(alice.listFunctions().contains("increment"), "listed by the name alice gave it");
        assertEquals(value(41), alice.get("k"));
        assertTrue(counter("client sessions authenticated") >= 2, "the scheduler and the storage node authenticated alice");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void missingCredentialsAreRefused()
    {
        final long before = counter("frames rejected: authentication failed");
        final Effects effects = effects();
        final DropletException refused = assertThrows(DropletException.class, () -> DropletClient.connect(context(null)));
        assertEquals(ErrorCode.UNAUTHORISED, refused.code());
        effects.assertNone();
        // The unanswered handshake expires and is counted.
        Await.until(() -> counter("frames rejected: authentication failed") > before, WAIT, () -> "expired handshake counted");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void wrongCredentialsAreRefused()
    {
        final long before = counter("frames rejected: authentication failed");
        final Effects effects = effects();
        final DropletException wrongSecret = assertThrows(DropletException.class, () -> connect("alice", secret()));
        assertEquals(ErrorCode.UNAUTHORISED, wrongSecret.code());
        final DropletException unknown = assertThrows(DropletException.class, () -> DropletClient.connect(context(
            new io.droplet.transport.security.Credentials("mallory", "team-a", ALICE, java.util.EnumSet.allOf(
                io.droplet.transport.security.Action.class)))));
        assertEquals(ErrorCode.UNAUTHORISED, unknown.code());
        final DropletException otherNamespace = assertThrows(DropletException.class, () -> DropletClient.connect(context(
            new io.droplet.transport.security.Credentials("alice", "team-b", ALICE, java.util.EnumSet.allOf(
                io.droplet.transport.security.Action.class)))));
        assertEquals(ErrorCode.UNAUTHORISED, otherNamespace.code());
        assertTrue(counter("frames rejected: authentication failed") >= before + 3, "each failed handshake counted");
        effects.assertNone();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aReplayedHandshakeFails() throws Exception
    {
        try (RawPeer peer = new RawPeer())
        {
            final ExclusivePublication first = peer.publicationTo(SCHEDULER);
            final Handshake recorded = peer.handshake(first, "alice", "team-a", ALICE);
            assertNotEquals(0L, recorded.token, "the genuine exchange succeeds");
            assertTrue(peer.listFunctions(first, recorded.token).contains("team-a/increment"), "its session works");

            final long failedBefore = counter("frames rejected: authentication failed");
            final long droppedBefore = counter("frames rejected: unauthenticated");
            final Effects effects = effects();
            // The same Connect and Authenticate, byte for byte, from a new publication: a new nonce is issued, the old
            // proof does not match it.
            final ExclusivePublication second = peer.publicationTo(SCHEDULER);
            peer.send(second, recorded.connect, 0);
            peer.awaitChallenge(recorded.correlationId);
            peer.send(second, recorded.authenticate, 0);
            assertEquals(ErrorCode.UNAUTHORISED, peer.awaitError(recorded.correlationId));
            // Replayed on the original publication too: that nonce was used up.
            peer.send(first, recorded.authenticate, recorded.token);
            Await.until(() -> counter("frames rejected: authentication failed") >= failedBefore + 2, WAIT,
                () -> "both replays counted");
            // Requests on the replaying publication, with no token and with the stolen one, are dropped unread.
            peer.send(second, peer.registerFunction("team-a/replayed"), 0);
            peer.send(second, peer.registerFunction("team-a/replayed"), recorded.token);
            Await.until(() -> counter("frames rejected: unauthenticated") >= droppedBefore + 2, WAIT,
                () -> "dropped requests counted");
            effects.assertNone();
            assertFalse(alice.listFunctions().contains("replayed"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientProvingItselfAgainKeepsItsSession() throws Exception
    {
        try (RawPeer peer = new RawPeer())
        {
            final ExclusivePublication publication = peer.publicationTo(SCHEDULER);
            final Handshake first = peer.handshake(publication, "alice", "team-a", ALICE);
            // A client re-sends its Connect when a request times out: its requests meanwhile must still count.
            final Handshake again = peer.handshake(publication, "alice", "team-a", ALICE);
            assertEquals(first.token, again.token, "the same session");
            assertTrue(peer.listFunctions(publication, first.token).contains("team-a/increment"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientCannotClaimANodesIdOrAnotherClients() throws Exception
    {
        try (RawPeer peer = new RawPeer())
        {
            final long before = counter("frames rejected: authentication failed");
            assertEquals(0L, peer.handshake(peer.publicationTo(SCHEDULER), "alice", "team-a", ALICE, 10).token,
                "the executor's node id is not a client's");
            final Handshake held = peer.handshake(peer.publicationTo(SCHEDULER), "alice", "team-a", ALICE, 5_000_000);
            assertNotEquals(0L, held.token);
            assertEquals(0L, peer.handshake(peer.publicationTo(SCHEDULER), "bob", "team-b", BOB, 5_000_000).token,
                "alice holds that client id");
            assertEquals(before + 2, counter("frames rejected: authentication failed"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdentityCannotDoWhatItIsNotGranted()
    {
        try (DropletClient reader = connect("reader", READER))
        {
            assertEquals(6L, reader.call("increment", 5L), "granted: call");
            assertEquals(value(41), reader.get("k"), "granted: get");
            final long before = counter("frames rejected: forbidden");
            final Effects effects = effects();
            assertEquals(ErrorCode.FORBIDDEN, assertThrows(DropletException.class,
                () -> reader.registerFunction("sneaky", IncrementFunction.class)).code());
            assertEquals(ErrorCode.FORBIDDEN, assertThrows(DropletException.class, () -> reader.put("k", value(99))).code(),
                this::rejections);
            assertEquals(ErrorCode.FORBIDDEN, assertThrows(DropletException.class, () -> reader.deleteFunction("increment")).code());
            assertEquals(before + 3, counter("frames rejected: forbidden"));
            effects.assertNone();
            assertFalse(alice.listFunctions().contains("sneaky"));
            assertEquals(value(41), alice.get("k"));
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anotherNamespaceIsInvisible() throws Exception
    {
        try (DropletClient bob = connect("bob", BOB))
        {
            assertEquals(List.of(), bob.listFunctions(), "team-a's functions are not listed to team-b");
            assertEquals(ErrorCode.FUNCTION_NOT_FOUND, assertThrows(DropletException.class, () -> bob.call("increment", 1L)).code());
            assertNull(bob.get("k"), "team-b's k is not team-a's");
        }
        try (RawPeer peer = new RawPeer())
        {
            // Bob's genuine session, naming team-a's function and key outright.
            final ExclusivePublication toScheduler = peer.publicationTo(SCHEDULER);
            final Handshake session = peer.handshake(toScheduler, "bob", "team-b", BOB);
            final ExclusivePublication toStorage = peer.publicationTo(STORAGE);
            final Handshake storageSession = peer.handshake(toStorage, "bob", "team-b", BOB);
            final long before = counter("frames rejected: forbidden");
            final Effects effects = effects();
            long correlationId = peer.send(toScheduler, peer.callFunction("team-a/increment"), session.token);
            assertEquals(ErrorCode.FORBIDDEN, peer.awaitError(correlationId));
            correlationId = peer.send(toScheduler, peer.registerFunction("team-a/planted"), session.token);
            assertEquals(ErrorCode.FORBIDDEN, peer.awaitError(correlationId));
            correlationId = peer.send(toStorage, peer.put("team-a/k", value(1_000)), storageSession.token);
            assertEquals(ErrorCode.FORBIDDEN, peer.awaitError(correlationId));
            correlationId = peer.send(toStorage, peer.get("team-a/k"), storageSession.token);
            assertEquals(ErrorCode.FORBIDDEN, peer.awaitError(correlationId));
            assertEquals(before + 4, counter("frames rejected: forbidden"));
            effects.assertNone();
            assertFalse(alice.listFunctions().contains("planted"));
            assertEquals(value(41), alice.get("k"));
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void injectedFramesHaveNoEffect() throws Exception
    {
        try (RawPeer peer = new RawPeer())
        {
            final ExclusivePublication toScheduler = peer.publicationTo(SCHEDULER);
            final ExclusivePublication toExecutor = peer.publicationTo(EXECUTOR);
            final ExclusivePublication toStorage = peer.publicationTo(STORAGE);
            final long droppedBefore = counter("frames rejected: unauthenticated");
            final Effects effects = effects();
            int sent = 0;
            for (int i = 0; i < 100; i++)
            {
                // No token, then guessed ones: none is the node token or a session of these images.
                final long token = 0 == i ? 0 : ThreadLocalRandom.current().nextLong();
                peer.send(toScheduler, peer.registerFunction("team-a/evil"), token);
                peer.send(toScheduler, peer.callFunction("team-a/increment"), token);
                peer.send(toScheduler, peer.heartbeat(), token);
                peer.send(toExecutor, peer.trigger("team-a/increment"), token);
                peer.send(toStorage, peer.put("team-a/k", value(666)), token);
                sent += 5;
            }
            final int expected = sent;
            Await.until(() -> counter("frames rejected: unauthenticated") >= droppedBefore + expected, WAIT,
                () -> "every injected frame counted: " + (counter("frames rejected: unauthenticated") - droppedBefore) +
                    " of " + expected);
            assertEquals(0, peer.framesReceived(), "nothing is answered to an unauthenticated source");
            effects.assertNone();
            assertFalse(alice.listFunctions().contains("evil"));
            assertEquals(value(41), alice.get("k"));
            System.out.println("injected " + expected + " frames, dropped " +
                (counter("frames rejected: unauthenticated") - droppedBefore));
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFunctionReachesOnlyTheKeysOfItsNamespace() throws Exception
    {
        alice.registerFunction("write-key", WriteKeyFunction.class);
        alice.registerFunction("argument-type", ArgumentTypeFunction.class);
        Await.until(() -> "team-a/own".equals(callQuietly(() -> alice.call("write-key", "team-a/own"))), Duration.ofSeconds(30),
            () -> "write-key serves");
        Await.until(() -> null != alice.get("own"), WAIT, () -> "a function's write in its own namespace lands");
        try (DropletClient bob = connect("bob", BOB))
        {
            bob.put("secret", value(7));
        }
        final long refused = counter("executor keys refused (other namespace)");
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(DropletException.class, () -> alice.call("write-key", "team-b/secret")).code());
        assertTrue(counter("executor keys refused (other namespace)") > refused);
        // A reference to another namespace's key, sent by hand (the client API qualifies every reference).
        try (RawPeer peer = new RawPeer())
        {
            final ExclusivePublication toScheduler = peer.publicationTo(SCHEDULER);
            final Handshake session = peer.handshake(toScheduler, "alice", "team-a", ALICE);
            final long correlationId = peer.send(toScheduler,
                peer.callFunction("team-a/argument-type", List.of(io.droplet.codecs.value.Reference.of("team-b/secret"))),
                session.token);
            assertEquals(ErrorCode.FORBIDDEN, peer.awaitError(correlationId));
        }
        try (DropletClient bob = connect("bob", BOB))
        {
            assertEquals(value(7), bob.get("secret"), "team-b's key is untouched");
        }
    }

    private static Object callQuietly(final java.util.concurrent.Callable<Object> call)
    {
        try
        {
            return call.call();
        }
        catch (final Exception ex)
        {
            return ex;
        }
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] secret()
    {
        final byte[] secret = new byte[32];
        ThreadLocalRandom.current().nextBytes(secret);
        return secret;
    }

    private static LwwLattice value(final long n)
    {
        return LwwLattice.of(n, 7, Long.toString(n).getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean callsIncrement(final DropletClient client)
    {
        try
        {
            return Long.valueOf(8L).equals(client.call("increment", 7L));
        }
        catch (final DropletException ex)
        {
            return false;
        }
    }

    private RemoteContext context(final io.droplet.transport.security.Credentials credentials)
    {
        return new RemoteContext()
            .aeronDirectoryName(dir)
            .storage(20, STORAGE)
            .callTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .credentials(credentials);
    }

    private DropletClient connect(final String identity, final byte[] secret)
    {
        final String namespace = identity.equals("bob") ? "team-b" : "team-a";
        final io.droplet.transport.security.Credentials own = new io.droplet.transport.security.Credentials(identity, namespace,
            secret, io.droplet.transport.security.Action.parse("*"));
        // The deadline covers a node process still starting; a refusal comes back at once.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true)
        {
            try
            {
                return DropletClient.connect(context(own));
            }
            catch (final DropletException ex)
            {
                if ((ex.code() != ErrorCode.TIMEOUT && ex.code() != ErrorCode.NOT_CONNECTED) || System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
            }
        }
    }

    /** Sum of the counters of every role whose label ends with this text. */
    private long counter(final String labelEnd)
    {
        final long[] sum = {0};
        aeron.countersReader().forEach((value, typeId, label) ->
        {
            if (label.endsWith(labelEnd))
            {
                sum[0] += value;
            }
        });
        return sum[0];
    }

    /** The nodes' rejection and session counters, for failure messages. */
    private String rejections()
    {
        final StringBuilder text = new StringBuilder();
        aeron.countersReader().forEach((value, typeId, label) ->
        {
            if (value != 0 && (label.contains("rejected") || label.contains("authenticated")))
            {
                text.append('\n').append(label).append(" = ").append(value);
            }
        });
        return text.toString();
    }

    private Effects effects()
    {
        return new Effects();
    }

    /** Counters of what a request that got through would have done, to compare after a refusal. */
    private final class Effects
    {
        final long invocations = counter(": invocations started");
        final long stages = counter(": executor stages run");
        final long lookups = counter(": registry lookups");

        void assertNone()
        {
            assertEquals(invocations, counter(": invocations started"), "no invocation started");
            assertEquals(stages, counter(": executor stages run"), "no stage ran");
            assertEquals(lookups, counter(": registry lookups"), "the registry was not consulted");
        }
    }

    /** One finished handshake: the frames that made it and the token it won (0 if refused). */
    private record Handshake(long correlationId, byte[] connect, byte[] authenticate, long token)
    {
    }

    /** A peer speaking the wire protocol by hand, through the host's driver, as an attacker would. */
    private final class RawPeer implements AutoCloseable
    {
        private final long node = 7_000_000 + ThreadLocalRandom.current().nextInt(1_000_000);
        private final Endpoint self = new Endpoint("127.0.0.1", 0, (int)(node % 1_000_000) + 200_000);
        private final Subscription inbox = aeron.addSubscription("aeron:ipc", self.streamId());
        private final List<byte[]> frames = new ArrayList<>();
        private final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            frames.add(frame);
        });
        private final List<ExclusivePublication> publications = new ArrayList<>();
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        private long correlationIds = ThreadLocalRandom.current().nextInt(1_000_000);
        private int framesSeen;

        ExclusivePublication publicationTo(final Endpoint endpoint)
        {
            final ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", endpoint.streamId());
            publications.add(publication);
            Await.until(publication::isConnected, WAIT, () -> "connected to " + endpoint);
            return publication;
        }

        /** Sends a frame with this reserved value; returns its correlation id (read back from the frame). */
        long send(final ExclusivePublication publication, final byte[] frame, final long reservedValue)
        {
            final UnsafeBuffer view = new UnsafeBuffer(frame);
            Await.until(() -> publication.offer(view, 0, frame.length, (termBuffer, termOffset, length) -> reservedValue) > 0,
                WAIT, () -> "frame sent");
            return frame.length >= MessageHeaderEncoder.ENCODED_LENGTH + 8 ? view.getLong(MessageHeaderEncoder.ENCODED_LENGTH) : 0;
        }

        Handshake handshake(final ExclusivePublication publication, final String identity, final String namespace,
            final byte[] secret)
        {
            return handshake(publication, identity, namespace, secret, node);
        }

        /** A handshake claiming a client node id, answered with the session token, or with an error code's ordinal. */
        Handshake handshake(final ExclusivePublication publication, final String identity, final String namespace,
            final byte[] secret, final long node)
        {
            final long correlationId = ++correlationIds;
            final byte[] connect = frame(new ConnectEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(correlationId)
                .clientNode(node)
                .timestamp(System.currentTimeMillis() * 1_000_000L)
                .namespaceName(namespace)
                .identity(identity)
                .replyEndpoint(self.toString())
                .encodedLength());
            send(publication, connect, 0);
            final byte[] nonce = awaitChallenge(correlationId);
            final byte[] proof = Proofs.proof(secret, nonce, identity, namespace, node);
            final byte[] authenticate = frame(new AuthenticateEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(correlationId)
                .clientNode(node)
                .putProof(proof, 0, proof.length)
                .encodedLength());
            send(publication, authenticate, 0);
            final long[] token = {0};
            await(frame -> (templateOf(frame) == ConnectedDecoder.TEMPLATE_ID || templateOf(frame) == ErrorDecoder.TEMPLATE_ID) &&
                correlationOf(frame) == correlationId, frame ->
            {
                token[0] = templateOf(frame) == ErrorDecoder.TEMPLATE_ID ? 0 :
                    new ConnectedDecoder().wrapAndApplyHeader(new UnsafeBuffer(frame), 0, headerDecoder).sessionId();
            }, "Connected or Error");
            return new Handshake(correlationId, connect, authenticate, token[0]);
        }

        byte[] awaitChallenge(final long correlationId)
        {
            final byte[][] nonce = new byte[1][];
            await(frame -> templateOf(frame) == ChallengeDecoder.TEMPLATE_ID && correlationOf(frame) == correlationId, frame ->
            {
                final ChallengeDecoder challenge = new ChallengeDecoder().wrapAndApplyHeader(new UnsafeBuffer(frame), 0, headerDecoder);
                nonce[0] = new byte[challenge.nonceLength()];
                challenge.getNonce(nonce[0], 0, nonce[0].length);
            }, "Challenge");
            return nonce[0];
        }

        ErrorCode awaitError(final long correlationId)
        {
            final ErrorCode[] code = new ErrorCode[1];
            await(frame -> templateOf(frame) == ErrorDecoder.TEMPLATE_ID && correlationOf(frame) == correlationId,
                frame -> code[0] = new ErrorDecoder().wrapAndApplyHeader(new UnsafeBuffer(frame), 0, headerDecoder).code(),
                "Error");
            return code[0];
        }

        List<String> listFunctions(final ExclusivePublication publication, final long token)
        {
            final long correlationId = send(publication, frame(new ListFunctionsEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(++correlationIds).sessionId(node).encodedLength()), token);
            final List<String> names = new ArrayList<>();
            await(frame -> templateOf(frame) == FunctionListDecoder.TEMPLATE_ID && correlationOf(frame) == correlationId, frame ->
            {
                for (final FunctionListDecoder.FunctionsDecoder function :
                    new FunctionListDecoder().wrapAndApplyHeader(new UnsafeBuffer(frame), 0, headerDecoder).functions())
                {
                    names.add(function.name());
                }
            }, "FunctionList");
            return names;
        }

        byte[] registerFunction(final String name)
        {
            return frame(new RegisterFunctionEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(++correlationIds).sessionId(node).version(1).kind(FunctionKind.JAVA)
                .name(name).entryPoint(IncrementFunction.class.getName()).putCode(new byte[0], 0, 0).encodedLength());
        }

        byte[] callFunction(final String name)
        {
            return callFunction(name, List.of());
        }

        byte[] callFunction(final String name, final List<Object> args)
        {
            final byte[] encodedArgs = io.droplet.codecs.value.Values.toBytes(args);
            final CallFunctionEncoder call = new CallFunctionEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(++correlationIds).sessionId(node).replyTo(node)
                .deadline(System.currentTimeMillis() * 1_000_000L + 5_000_000_000L).mode(CallMode.FG).periodNs(0);
            call.timesCount(0);
            return frame(call.function(name).putArgs(encodedArgs, 0, encodedArgs.length).encodedLength());
        }

        byte[] trigger(final String function)
        {
            final TriggerEncoder trigger = new TriggerEncoder().wrapAndApplyHeader(buffer, 0, header)
                .invocationId(++correlationIds).correlationId(correlationIds).replyTo(node)
                .deadline(System.currentTimeMillis() * 1_000_000L + 5_000_000_000L)
                .targetStage((short)0).fromStage((short)0).attempt(0);
            trigger.scheduleCount(1).next().executor(10).function(function);
            trigger.edgesCount(0);
            return frame(trigger.putArgs(new byte[0], 0, 0).encodedLength());
        }

        byte[] heartbeat()
        {
            // A forged executor announcing itself: the scheduler must not take it into its pool.
            final HeartbeatEncoder heartbeat = new HeartbeatEncoder().wrapAndApplyHeader(buffer, 0, header)
                .node(node).timestamp(System.currentTimeMillis() * 1_000_000L).roles((short)4).utilisationPerMille(0)
                .queueDepth(0).inFlight(0).startedAt(System.currentTimeMillis() * 1_000_000L);
            heartbeat.functionsCount(0);
            heartbeat.endpoint(self.toString()).putCachedKeySummary(new byte[0], 0, 0);
            return frame(heartbeat.encodedLength());
        }

        byte[] put(final String key, final LwwLattice value)
        {
            final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            final byte[] valueBytes = LatticeCodec.toBytes(value);
            return frame(new KvsPutEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(++correlationIds).replyTo(node).ack(AckLevel.ONE)
                .putKey(keyBytes, 0, keyBytes.length).putValue(valueBytes, 0, valueBytes.length).encodedLength());
        }

        byte[] get(final String key)
        {
            final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            return frame(new KvsGetEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(++correlationIds).replyTo(node).putKey(keyBytes, 0, keyBytes.length).encodedLength());
        }

        int framesReceived()
        {
            inbox.poll(assembler, 100);
            return frames.size();
        }

        private byte[] frame(final int bodyLength)
        {
            final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + bodyLength];
            buffer.getBytes(0, frame);
            return frame;
        }

        private int templateOf(final byte[] frame)
        {
            return headerDecoder.wrap(new UnsafeBuffer(frame), 0).templateId();
        }

        private long correlationOf(final byte[] frame)
        {
            return new UnsafeBuffer(frame).getLong(MessageHeaderEncoder.ENCODED_LENGTH);
        }

        private void await(final java.util.function.Predicate<byte[]> wanted, final java.util.function.Consumer<byte[]> use,
            final String what)
        {
            Await.until(() ->
            {
                inbox.poll(assembler, 100);
                for (int i = framesSeen; i < frames.size(); i++)
                {
                    if (wanted.test(frames.get(i)))
                    {
                        use.accept(frames.get(i));
                        framesSeen = i + 1;
                        return true;
                    }
                }
                return false;
            }, WAIT, () -> what + " received; frames " + frames.size() + ", templates " +
                frames.stream().map(frame -> templateOf(frame) + "/" + correlationOf(frame)).toList() + rejections());
        }

        public void close()
        {
            publications.forEach(ExclusivePublication::close);
            inbox.close();
        }
    }
}
