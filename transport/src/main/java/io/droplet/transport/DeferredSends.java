package io.droplet.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;

/**
 * Sends for agents that must never wait: a message whose link is not connected yet or is briefly
 * back-pressured is kept and offered again on later duty cycles, until a retry window passes; then it
 * is dropped and counted. A link to another process connects asynchronously after its publication is
 * created, so without this the first messages on every new link would be lost.
 * <p>
 * Bounded, so a peer that stops reading cannot take the node's memory or time: at most {@code capacity}
 * messages and {@link #DEFAULT_MAX_BYTES} bytes are kept, at most a quarter of those bytes for any one
 * destination; beyond that a send fails at once (a caller's deadline then answers). Order per
 * destination is kept: while messages wait for a destination, new ones to it queue behind them. A
 * retry pass offers to a destination until its first refusal and skips the rest of its messages, so a
 * stalled peer costs one offer per duty cycle.
 * <p>
 * Publishers encode in place: {@link #claim} hands out space in the publication's term ({@code tryClaim})
 * when the link is ready and nothing waits for the destination, and otherwise a scratch buffer whose
 * message {@link #commit()} keeps (or offers, for one longer than a frame). {@link #send} is for a message
 * already encoded elsewhere (a copy).
 * <pre>
 *   if (sends.claim(destination, length, nowNs) == SendStatus.OK) {
 *       encodeMessage(sends.buffer(), sends.offset());   // a publisher's SBE encoder, in place
 *       status = sends.commit();
 *   }
 * </pre>
 * Keeping a message copies it (the rare path); the common path is one claim, allocation-free. Counters
 * count messages, not attempts: a message kept counts once as back-pressured (or not connected) when
 * first refused, and once as a send failure if it is given up, however often it was offered between.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent.
 */
public final class DeferredSends
{
    /** Bytes of kept messages, at most, by default. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    private static final int CLAIM_NONE = 0;
    private static final int CLAIM_IN_PLACE = 1;
    private static final int CLAIM_SCRATCH = 2;
    private static final int MIN_SCRATCH_LENGTH = 4096;

    private record Deferred(long destination, byte[] frame, long giveUpNs)
    {
    }

    private final PeerDirectory peers;
    private final TransportCounters counters;
    private final long retryWindowNs;
    private final int capacity;
    private final long maxBytes;
    private final long maxBytesPerDestination;
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
    private final Long2LongHashMap waitingByDestination = new Long2LongHashMap(0);
    private final Long2LongHashMap bytesByDestination = new Long2LongHashMap(-1);
    private final LongHashSet refusedThisPass = new LongHashSet();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[0]);
    private long bytes;
    private int claimState = CLAIM_NONE;
    private MessagePublisher claimedPublisher;
    private long claimDestination;
    private int claimLength;
    private long claimNowNs;
    private boolean claimRefused;

    /**
     * @param peers         to find publishers in.
     * @param counters      of the owning node (messages given up count as send failures).
     * @param retryWindowNs how long a message is kept trying.
     * @param capacity      most messages kept; beyond it a failed send is dropped at once.
     */
    public DeferredSends(final PeerDirectory peers, final TransportCounters counters, final long retryWindowNs, final int capacity)
    {
        this(peers, counters, retryWindowNs, capacity, DEFAULT_MAX_BYTES);
    }

    /**
     * @param peers         to find publishers in.
     * @param counters      of the owning node (messages given up count as send failures).
     * @param retryWindowNs how long a message is kept trying.
     * @param capacity      most messages kept.
     * @param maxBytes      most bytes kept; a quarter of it for one destination.
     */
    public DeferredSends(
        final PeerDirectory peers, final TransportCounters counters, final long retryWindowNs, final int capacity,
        final long maxBytes)
    {
        this.peers = peers;
        this.counters = counters;
        this.retryWindowNs = retryWindowNs;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.maxBytesPerDestination = maxBytes / 4;
    }

    /**
     * Offers a message now, or keeps it for later if its link is not ready (or messages wait for it).
     *
     * @param destination node id.
     * @param buffer      holding the message.
     * @param offset      of the message.
     * @param length      of the message.
     * @param nowNs       current time.
     * @return {@link SendStatus#OK} if sent or kept; otherwise the failure (unknown node, closed, too large, over the bounds).
     */
    public int send(final long destination, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final MessagePublisher publisher = peers.publisher(destination);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int status;
        if (waitingByDestination.get(destination) > 0)
        {
            status = SendStatus.BACK_PRESSURED; // behind messages already waiting: order per destination
        }
        else
        {
            status = publisher.tryOffer(buffer, offset, length);
            countRefusal(status);
        }
        if (status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED)
        {
            return keep(destination, buffer, offset, length, nowNs, status);
        }
        if (status != SendStatus.OK)
        {
            counters.sendFailures.increment();
        }
        return status;
    }

    /**
     * Claims space for a message to a destination, to encode in place: in the publication's term when its
     * link is ready and no message waits for it, otherwise in a scratch buffer whose message
     * {@link #commit()} keeps for later (or offers, for a message longer than one frame). Never waits.
     *
     * @param destination node id.
     * @param length      of the message, header included.
     * @param nowNs       current time.
     * @return {@link SendStatus#OK} and the space is at {@link #buffer()}/{@link #offset()} until
     * {@link #commit()} or {@link #abort()}; otherwise the failure (unknown node, closed, too large,
     * {@link SendStatus#BACK_PRESSURED} when the bounds on kept messages are reached), counted.
     */
    public int claim(final long destination, final int length, final long nowNs)
    {
        if (claimState != CLAIM_NONE)
        {
            throw new IllegalStateException("previous claim neither committed nor aborted");
        }
        final MessagePublisher publisher = peers.publisher(destination);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        if (length < 0 || length > publisher.maxMessageLength())
        {
            counters.payloadTooLarge.increment();
            counters.sendFailures.increment();
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        boolean refused = false;
        if (waitingByDestination.get(destination) <= 0 && length <= publisher.maxPayloadLength())
        {
            final int status = publisher.tryClaim(length);
            if (status == SendStatus.OK)
            {
                claimState = CLAIM_IN_PLACE;
                claimedPublisher = publisher;
                return SendStatus.OK;
            }
            countRefusal(status);
            if (status != SendStatus.NOT_CONNECTED && status != SendStatus.BACK_PRESSURED)
            {
                counters.sendFailures.increment();
                return status;
            }
            refused = true;
        }
        if (refused || waitingByDestination.get(destination) > 0)
        {
            // It will be kept: refuse now, before the caller encodes, if the bounds are reached.
            if (overBounds(destination, length))
            {
                counters.sendFailures.increment();
                return SendStatus.BACK_PRESSURED;
            }
        }
        if (scratch.capacity() < length)
        {
            // Grows to the largest message kept or sent in more than one frame: the rare path only.
            scratch.wrap(new byte[Math.max(MIN_SCRATCH_LENGTH, Integer.highestOneBit(length - 1) << 1)]);
        }
        claimState = CLAIM_SCRATCH;
        claimDestination = destination;
        claimLength = length;
        claimNowNs = nowNs;
        claimRefused = refused;
        return SendStatus.OK;
    }

    /**
     * @return the buffer to encode the claimed message into.
     */
    public MutableDirectBuffer buffer()
    {
        return claimState == CLAIM_IN_PLACE ? claimedPublisher.buffer() : scratch;
    }

    /**
     * @return the offset in {@link #buffer()} where the claimed message starts.
     */
    public int offset()
    {
        return claimState == CLAIM_IN_PLACE ? claimedPublisher.offset() : 0;
    }

    /**
     * Sends the claimed message, or keeps it for later.
     *
     * @return {@link SendStatus#OK} if sent or kept; otherwise the failure, counted.
     */
    public int commit()
    {
        final int state = claimState;
        claimState = CLAIM_NONE;
        if (state == CLAIM_IN_PLACE)
        {
            final MessagePublisher publisher = claimedPublisher;
            claimedPublisher = null;
            return publisher.commit();
        }
        if (state == CLAIM_SCRATCH)
        {
            return claimRefused ?
                keep(claimDestination, scratch, 0, claimLength, claimNowNs, SendStatus.BACK_PRESSURED) :
                send(claimDestination, scratch, 0, claimLength, claimNowNs);
        }
        throw new IllegalStateException("nothing claimed");
    }

    /**
     * Abandons the claimed message: the peer sees padding in place of an in-place claim, or nothing.
     */
    public void abort()
    {
        if (claimState == CLAIM_IN_PLACE)
        {
            claimedPublisher.abort();
            claimedPublisher = null;
        }
        claimState = CLAIM_NONE;
    }

    private boolean overBounds(final long destination, final int length)
    {
        return deferred.size() >= capacity || bytes + length > maxBytes ||
            bytesOf(destination) + length > maxBytesPerDestination;
    }

    private int keep(
        final long destination, final DirectBuffer buffer, final int offset, final int length, final long nowNs,
        final int refusal)
    {
        if (overBounds(destination, length))
        {
            counters.sendFailures.increment();
            return refusal;
        }
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        deferred.addLast(new Deferred(destination, frame, nowNs + retryWindowNs));
        waitingByDestination.put(destination, waitingByDestination.get(destination) + 1);
        bytesByDestination.put(destination, bytesOf(destination) + length);
        bytes += length;
        return SendStatus.OK;
    }

    private void countRefusal(final int status)
    {
        if (status == SendStatus.BACK_PRESSURED)
        {
            counters.backPressured.increment();
        }
        else if (status == SendStatus.NOT_CONNECTED)
        {
            counters.notConnected.increment();
        }
        else if (status == SendStatus.PAYLOAD_TOO_LARGE)
        {
            counters.payloadTooLarge.increment();
        }
    }

    /**
     * Offers the kept messages again, in order per destination; drops those whose window passed.
     *
     * @param nowNs current time.
     * @return messages sent.
     */
    public int retry(final long nowNs)
    {
        int sent = 0;
        refusedThisPass.clear();
        for (int i = deferred.size(); i > 0; i--)
        {
            final Deferred message = deferred.pollFirst();
            final long destination = message.destination();
            final int status;
            if (refusedThisPass.contains(destination))
            {
                status = SendStatus.BACK_PRESSURED;
            }
            else
            {
                final MessagePublisher publisher = peers.publisher(destination);
                view.wrap(message.frame());
                status = null == publisher ? SendStatus.UNKNOWN_DESTINATION : publisher.tryOffer(view, 0, message.frame().length);
            }
            if (status == SendStatus.OK)
            {
                sent++;
                forget(message);
            }
            else if (nowNs - message.giveUpNs() < 0 && (status == SendStatus.NOT_CONNECTED || status == SendStatus.BACK_PRESSURED))
            {
                refusedThisPass.add(destination);
                deferred.addLast(message);
            }
            else
            {
                // Given up, once: the refusals before this were retries, not failures.
                counters.sendFailures.increment();
                forget(message);
            }
        }
        return sent;
    }

    private long bytesOf(final long destination)
    {
        return Math.max(0, bytesByDestination.get(destination));
    }

    private void forget(final Deferred message)
    {
        final long destination = message.destination();
        final long waiting = waitingByDestination.get(destination) - 1;
        if (waiting <= 0)
        {
            waitingByDestination.remove(destination);
            bytesByDestination.remove(destination);
        }
        else
        {
            waitingByDestination.put(destination, waiting);
            bytesByDestination.put(destination, Math.max(0, bytesOf(destination) - message.frame().length));
        }
        bytes -= message.frame().length;
    }

    /**
     * @return messages kept for another try.
     */
    public int size()
    {
        return deferred.size();
    }

    /**
     * @return bytes of the messages kept.
     */
    public long bytes()
    {
        return bytes;
    }
}
