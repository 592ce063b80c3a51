package io.droplet.transport.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The cryptography of a handshake, all HMAC-SHA256 from the JDK: the proof a client computes over a
 * node's single-use nonce, and the token nodes put on their own frames (derived from the deployment key).
 * Secrets never leave the process; only proofs and nonces cross the wire.
 * <p>
 * <b>Note:</b> stateless apart from a {@link SecureRandom}; thread-safe. Control path: allocates.
 */
public final class Proofs
{
    /** Bytes of a nonce. */
    public static final int NONCE_LENGTH = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PROOF_LABEL = "droplet-auth-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NODE_TOKEN_LABEL = "droplet-node-token-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Proofs()
    {
    }

    /**
     * @return a fresh nonce.
     */
    public static byte[] nonce()
    {
        final byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /**
     * @param avoid a value the token must differ from (the node token).
     * @return a random session token, never 0 (0 marks a frame without one) nor {@code avoid}.
     */
    public static long sessionToken(final long avoid)
    {
        long token;
        do
        {
            token = RANDOM.nextLong();
        }
        while (0 == token || avoid == token);
        return token;
    }

    /**
     * The proof of a client's secret over a nonce, bound to what its Connect said.
     *
     * @param secret     of the client.
     * @param nonce      the node sent in its Challenge.
     * @param identity   the Connect named.
     * @param namespace  the Connect named.
     * @param clientNode the Connect named.
     * @return 32 bytes.
     */
    public static byte[] proof(
        final byte[] secret, final byte[] nonce, final String identity, final String namespace, final long clientNode)
    {
        final Mac mac = mac(secret);
        mac.update(PROOF_LABEL);
        mac.update((byte)0);
        mac.update(nonce);
        mac.update((byte)0);
        mac.update(identity.getBytes(StandardCharsets.UTF_8));
        mac.update((byte)0);
        mac.update(namespace.getBytes(StandardCharsets.UTF_8));
        mac.update((byte)0);
        mac.update(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, clientNode).array());
        return mac.doFinal();
    }

    /**
     * @param expected proof.
     * @param actual   proof received.
     * @return true if equal, compared in time independent of where they differ.
     */
    public static boolean matches(final byte[] expected, final byte[] actual)
    {
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * @param deploymentKey shared by the deployment's nodes.
     * @return the token nodes carry on their frames to each other; never 0.
     */
    public static long nodeToken(final byte[] deploymentKey)
    {
        final Mac mac = mac(deploymentKey);
        final long token = ByteBuffer.wrap(mac.doFinal(NODE_TOKEN_LABEL)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return 0 == token ? 1 : token;
    }

    private static Mac mac(final byte[] key)
    {
        try
        {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, ex);
        }
    }
}
