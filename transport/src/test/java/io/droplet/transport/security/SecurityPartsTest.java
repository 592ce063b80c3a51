package io.droplet.transport.security;

import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.KvsMultiGetEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterDagEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts a node's session gate is made of: the credentials file, the proofs, the grants and the
 * namespace check of names inside frames.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecurityPartsTest
{
    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void readsACredentialsFile()
    {
        final CredentialsFile file = CredentialsFile.parse(List.of(
            "# comment",
            "deployment-key " + KEY,
            "",
            "client alice team-a " + SECRET + " *   # everything",
            "client reader team-a " + SECRET + " call,get"), "test");
        assertEquals(32, file.deploymentKey().length);
        assertEquals(EnumSet.allOf(Action.class), file.client("alice").actions());
        assertEquals(EnumSet.of(Action.CALL, Action.GET), file.client("reader").actions());
        assertEquals("team-a", file.client("reader").namespace());
        assertNull(file.client("bob"));
        assertFalse(file.client("alice").toString().contains(SECRET), "a secret is never printed");
    }

    @Test
    void namesTheLineOfAMistake()
    {
        final IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
            () -> CredentialsFile.parse(List.of("deployment-key " + KEY, "client alice team-a 0011 *"), "creds"));
        assertTrue(shortSecret.getMessage().startsWith("creds:2: "), shortSecret.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CredentialsFile.parse(List.of("deployment-key 0011"), "creds"));
        assertThrows(IllegalArgumentException.class, () -> CredentialsFile.parse(
            List.of("client alice Team/A " + SECRET + " *"), "creds"));
        assertThrows(IllegalArgumentException.class, () -> CredentialsFile.parse(
            List.of("client alice team-a " + SECRET + " call,fly"), "creds"));
        assertThrows(IllegalArgumentException.class, () -> CredentialsFile.parse(
            List.of("client alice team-a " + SECRET + " *", "client alice team-b " + SECRET + " *"), "creds"));
        assertThrows(IllegalArgumentException.class, () -> CredentialsFile.parse(List.of("user alice"), "creds"));
    }

    @Test
    void aProofDependsOnEveryPartOfTheHandshake()
    {
        final byte[] secret = SECRET.getBytes(StandardCharsets.US_ASCII);
        final byte[] nonce = Proofs.nonce();
        final byte[] proof = Proofs.proof(secret, nonce, "alice", "team-a", 42);
        assertArrayEquals(proof, Proofs.proof(secret, nonce, "alice", "team-a", 42));
        assertFalse(Proofs.matches(proof, Proofs.proof(secret, Proofs.nonce(), "alice", "team-a", 42)), "nonce");
        assertFalse(Proofs.matches(proof, Proofs.proof(secret, nonce, "alicf", "team-a", 42)), "identity");
        assertFalse(Proofs.matches(proof, Proofs.proof(secret, nonce, "alice", "team-b", 42)), "namespace");
        assertFalse(Proofs.matches(proof, Proofs.proof(secret, nonce, "alice", "team-a", 43)), "client node");
        assertFalse(Proofs.matches(proof, Proofs.proof("another secret!!".getBytes(StandardCharsets.US_ASCII), nonce,
            "alice", "team-a", 42)), "secret");
        final byte[] key = new byte[32];
        assertEquals(Proofs.nodeToken(key), Proofs.nodeToken(key));
        key[0] = 1;
        assertNotEquals(Proofs.nodeToken(new byte[32]), Proofs.nodeToken(key));
        assertNotEquals(0L, Proofs.sessionToken(0));
    }

    @Test
    void grantsAreByTemplate()
    {
        final Principal reader = Principal.client(new Credentials("reader", "team-a",
            SECRET.getBytes(StandardCharsets.US_ASCII), EnumSet.of(Action.CALL)));
        assertTrue(reader.permits(Action.CALL));
        assertFalse(reader.permits(Action.REGISTER));
        assertEquals(Action.CALL, Action.ofTemplate(CallFunctionEncoder.TEMPLATE_ID));
        assertNull(Action.ofTemplate(io.droplet.codecs.sbe.TriggerEncoder.TEMPLATE_ID), "node traffic is no client action");
        assertNull(Action.ofTemplate(io.droplet.codecs.sbe.KvsMergeEncoder.TEMPLATE_ID));
        assertTrue(reader.owns("team-a/f"));
        assertFalse(reader.owns("team-a/"));
        assertFalse(reader.owns("team-ab/f"));
        assertTrue(Principal.NODE.owns("anything"));
    }

    @Test
    void checksEveryNameInAFrame()
    {
        final byte[] prefix = Namespaces.prefix("team-a");
        final NameCheck check = new NameCheck();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();

        final CallFunctionEncoder call = new CallFunctionEncoder().wrapAndApplyHeader(buffer, 0, header).mode(CallMode.PERIOD);
        call.timesCount(2).next().at(1).next().at(2);
        call.function("team-a/f").putArgs(new byte[3], 0, 3);
        assertTrue(check.allows(prefix, CallFunctionEncoder.TEMPLATE_ID, buffer, 0));
        call.wrapAndApplyHeader(buffer, 0, header).timesCount(0);
        call.function("team-b/f").putArgs(new byte[3], 0, 3);
        assertFalse(check.allows(prefix, CallFunctionEncoder.TEMPLATE_ID, buffer, 0));

        final CallDagEncoder dag = new CallDagEncoder().wrapAndApplyHeader(buffer, 0, header);
        dag.sourceArgsCount(2).next().stage((short)0).putArgs(new byte[5], 0, 5).next().stage((short)1).putArgs(new byte[1], 0, 1);
        dag.dag("team-a/d");
        assertTrue(check.allows(prefix, CallDagEncoder.TEMPLATE_ID, buffer, 0));
        dag.wrapAndApplyHeader(buffer, 0, header).sourceArgsCount(0);
        dag.dag("team-a");
        assertFalse(check.allows(prefix, CallDagEncoder.TEMPLATE_ID, buffer, 0), "the namespace alone names nothing");

        final RegisterDagEncoder register = new RegisterDagEncoder().wrapAndApplyHeader(buffer, 0, header);
        register.functionsCount(2).next().function("team-a/f").next().function("team-b/g");
        register.connectionsCount(1).next().fromStage((short)0).toStage((short)1);
        register.name("team-a/d");
        assertFalse(check.allows(prefix, RegisterDagEncoder.TEMPLATE_ID, buffer, 0), "a stage of another namespace");
        register.wrapAndApplyHeader(buffer, 0, header).functionsCount(1).next().function("team-a/f");
        register.connectionsCount(0);
        register.name("team-a/d");
        assertTrue(check.allows(prefix, RegisterDagEncoder.TEMPLATE_ID, buffer, 0));

        final KvsMultiGetEncoder get = new KvsMultiGetEncoder().wrapAndApplyHeader(buffer, 0, header);
        final byte[] mine = "team-a/k".getBytes(StandardCharsets.UTF_8);
        final byte[] theirs = "team-b/k".getBytes(StandardCharsets.UTF_8);
        get.keysCount(2).next().putKey(mine, 0, mine.length).next().putKey(theirs, 0, theirs.length);
        assertFalse(check.allows(prefix, KvsMultiGetEncoder.TEMPLATE_ID, buffer, 0));
        get.wrapAndApplyHeader(buffer, 0, header).keysCount(1).next().putKey(mine, 0, mine.length);
        assertTrue(check.allows(prefix, KvsMultiGetEncoder.TEMPLATE_ID, buffer, 0));
    }
}
