package io.droplet.transport;

import org.agrona.MutableDirectBuffer;

/**
 * Sends for publishers whose messages are tried until a deadline and never kept: space is claimed in the
 * publication reaching a node ({@link MessagePublisher#claim(int, long)}: {@code tryClaim} for a message
 * that fits one frame, a reused buffer offered on commit otherwise), the caller encodes in place at
 * {@link #buffer()}/{@link #offset()} and commits. A deadline of now makes one attempt, so an agent that
 * never waits retries a refused request on a later duty cycle itself (the client's requests, a storage
 * client's); {@link DeferredSends} is the variant that keeps refused messages for the agent.
 * <pre>
 *   if (sends.claim(node, length, deadlineNs) == SendStatus.OK) {
 *       encodeMessage(sends.buffer(), sends.offset());   // a publisher's SBE encoder, in place
 *       status = sends.commit();
 *   }
 * </pre>
 * <b>Note:</b> not thread-safe; owned by one agent (claims never nest).
 */
public final class DirectSends
{
    private final PeerDirectory peers;
    private MessagePublisher claimed;

    /**
     * @param peers where the nodes' publishers are.
     */
    public DirectSends(final PeerDirectory peers)
    {
        this.peers = peers;
    }

    /**
     * Claims space for one message to a node.
     *
     * @param node       to send to.
     * @param length     of the message, header included.
     * @param deadlineNs by which the claim must succeed (the transport's nano clock); now for one attempt.
     * @return {@link SendStatus#OK} and the space is at {@link #buffer()}/{@link #offset()} until
     * {@link #commit()} or {@link #abort()}; {@link SendStatus#UNKNOWN_DESTINATION} for an unknown node;
     * otherwise the publisher's refusal.
     */
    public int claim(final long node, final int length, final long deadlineNs)
    {
        final MessagePublisher publisher = peers.publisher(node);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int status = publisher.claim(length, deadlineNs);
        if (status == SendStatus.OK)
        {
            claimed = publisher;
        }
        return status;
    }

    /**
     * @return the buffer to encode the claimed message into.
     */
    public MutableDirectBuffer buffer()
    {
        return claimed.buffer();
    }

    /**
     * @return the offset in {@link #buffer()} where the claimed message starts.
     */
    public int offset()
    {
        return claimed.offset();
    }

    /**
     * Sends the claimed message.
     *
     * @return a {@link SendStatus}.
     */
    public int commit()
    {
        final MessagePublisher publisher = claimed;
        claimed = null;
        return publisher.commit();
    }

    /**
     * Abandons the claimed message.
     */
    public void abort()
    {
        final MessagePublisher publisher = claimed;
        claimed = null;
        if (null != publisher)
        {
            publisher.abort();
        }
    }
}
