package io.droplet.transport;

import io.droplet.codecs.sbe.ChallengeEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import org.agrona.CloseHelper;

import java.nio.charset.StandardCharsets;

/**
 * Encodes a node's side of the security handshake in place ({@code Challenge}, and the {@code Error}
 * refusing a failed proof) on publications of the handshakes' own, each offered once and never waited
 * on.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one node's {@link SessionGate}.
 */
final class ChallengePublisher implements HandshakePublisher, AutoCloseable
{
    private static final byte[] REFUSAL = "authentication failed".getBytes(StandardCharsets.US_ASCII);

    private final PeerDirectory links;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ChallengeEncoder challengeEncoder = new ChallengeEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();

    /**
     * @param links to clients under handshake, keyed by handshake id; closed with this publisher.
     */
    ChallengePublisher(final PeerDirectory links)
    {
        this.links = links;
    }

    /**
     * {@inheritDoc}
     */
    public void open(final long handshakeId, final Endpoint replyTo)
    {
        links.register(handshakeId, replyTo);
    }

    /**
     * {@inheritDoc}
     */
    public void close(final long handshakeId)
    {
        links.remove(handshakeId);
    }

    /**
     * {@inheritDoc}
     */
    public boolean challenge(final long handshakeId, final long correlationId, final byte[] nonce, final long nowNs)
    {
        final MessagePublisher publisher = links.publisher(handshakeId);
        if (null == publisher || !publisher.isConnected())
        {
            return false;
        }
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ChallengeEncoder.BLOCK_LENGTH +
            ChallengeEncoder.nonceHeaderLength() + nonce.length;
        // A deadline of now: one attempt, never a wait on a peer that has not proven anything.
        if (publisher.claim(length, nowNs) != SendStatus.OK)
        {
            return false;
        }
        challengeEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .expiresAt(0)
            .putNonce(nonce, 0, nonce.length);
        return publisher.commit() == SendStatus.OK;
    }

    /**
     * {@inheritDoc}
     */
    public void refuse(final long handshakeId, final long correlationId, final long nowNs)
    {
        final MessagePublisher publisher = links.publisher(handshakeId);
        if (null == publisher)
        {
            return;
        }
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ErrorEncoder.BLOCK_LENGTH +
            ErrorEncoder.detailHeaderLength() + REFUSAL.length;
        if (publisher.claim(length, nowNs) != SendStatus.OK)
        {
            return;
        }
        errorEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .code(ErrorCode.UNAUTHORISED)
            .putDetail(REFUSAL, 0, REFUSAL.length);
        publisher.commit();
    }

    /**
     * Closes the handshakes' publications.
     */
    public void close()
    {
        CloseHelper.close(links);
    }
}
