package io.droplet.perf.floor;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * One hop of an {@link AeronChain}: a publication on the sending node's driver and the subscription
 * that receives it on the next node's. What arrives is relayed as a relay does it: copied straight
 * from the inbound term into the next hop's outbound term through {@code tryClaim}, the way Droplet's
 * nodes encode in place. On the last hop, which returns to the first node, the value is read instead.
 * <p>
 * A relay that cannot claim (back-pressure, not connected, admin action) aborts the fragment, so the
 * next poll offers it again: nothing is dropped and nothing waits inside the handler.
 * <p>
 * <b>Note:</b> not thread-safe; driven by the chain's one thread.
 */
final class ChainHop implements ControlledFragmentHandler, AutoCloseable
{
    private final int index;
    private final String channel;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final BufferClaim claim = new BufferClaim();
    private ExclusivePublication next;
    private boolean delivered;
    private long value;
    private long lastFailure;

    ChainHop(final int index, final String channel, final ExclusivePublication publication, final Subscription subscription)
    {
        this.index = index;
        this.channel = channel;
        this.publication = publication;
        this.subscription = subscription;
    }

    /**
     * @param next publication of the following hop, or null if this hop returns to the first node.
     */
    void relayTo(final ExclusivePublication next)
    {
        this.next = next;
    }

    /**
     * Polls for the one message in flight, relaying it if it is here.
     *
     * @return true once the message has been relayed (or, on the last hop, read) since the last call
     * that returned true.
     */
    boolean pollDelivered()
    {
        subscription.controlledPoll(this, 1);
        if (delivered)
        {
            delivered = false;
            return true;
        }
        return false;
    }

    /**
     * {@inheritDoc}
     */
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (null == next)
        {
            value = buffer.getLong(offset + AeronChain.VALUE_OFFSET);
            delivered = true;
            return Action.CONTINUE;
        }

        final long result = next.tryClaim(length, claim);
        if (result > 0)
        {
            claim.buffer().putBytes(claim.offset(), buffer, offset, length);
            claim.commit();
            delivered = true;
            return Action.CONTINUE;
        }
        lastFailure = result;
        return Action.ABORT;
    }

    /**
     * @return true if the last relay attempt failed for good: the next publication is closed or full.
     */
    boolean hasFailedForGood()
    {
        return lastFailure == Publication.CLOSED || lastFailure == Publication.MAX_POSITION_EXCEEDED;
    }

    /**
     * @return the value the last hop read.
     */
    long value()
    {
        return value;
    }

    /**
     * @return the last negative result of relaying, or 0 if none.
     */
    long lastFailure()
    {
        return lastFailure;
    }

    /**
     * @return the publication this hop sends on.
     */
    ExclusivePublication publication()
    {
        return publication;
    }

    /**
     * @return true once both ends see each other.
     */
    boolean isConnected()
    {
        return publication.isConnected() && subscription.isConnected();
    }

    /**
     * @return which hop this is.
     */
    int index()
    {
        return index;
    }

    /**
     * @return the publication's channel.
     */
    String channel()
    {
        return channel;
    }

    /**
     * Closes both ends.
     */
    public void close()
    {
        CloseHelper.closeAll(publication, subscription);
    }
}
