package io.droplet.transport;

import io.droplet.codecs.FrameRejection;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The transport counters of one node, allocated in Aeron's CnC file so that they can be read from
 * outside the process ({@code droplet stat}, or Aeron's own AeronStat). Type ids and labels come from
 * {@link CounterDescriptor}; labels carry the node's name.
 * <p>
 * <b>Note:</b> the counters are single-writer (the node's agent thread) and safe to read from any
 * thread or process.
 */
public final class TransportCounters implements AutoCloseable
{
    /** Type id of the first transport counter; the rest follow in declaration order. */
    public static final int TYPE_ID_BASE = CounterDescriptor.MESSAGES_SENT.typeId();
    /** Type id of the per-reason rejected-frame counters. */
    public static final int REJECTED_BY_REASON_TYPE_ID = CounterDescriptor.FRAMES_REJECTED_BY_REASON.typeId();

    /** Allocates a counter; Aeron's {@code addCounter} or a test's in-memory counters manager. */
    @FunctionalInterface
    public interface Allocator
    {
        /**
         * @param typeId of the counter.
         * @param label  of the counter.
         * @return the counter.
         */
        AtomicCounter allocate(int typeId, String label);
    }

    private final List<AtomicCounter> all = new ArrayList<>();

    /** Messages handed to a publication. */
    public final AtomicCounter messagesSent;
    /** Bytes handed to a publication. */
    public final AtomicCounter bytesSent;
    /** Sends that met back-pressure at least once. */
    public final AtomicCounter backPressured;
    /** Sends that found their publication not connected at least once. */
    public final AtomicCounter notConnected;
    /**
     * Messages given up: deadline or retry window passed, publication closed or position exhausted, or no
     * room left to keep them; each message once, however often it was offered again before.
     */
    public final AtomicCounter sendFailures;
    /** Sends refused because the message exceeded the configured maximum. */
    public final AtomicCounter payloadTooLarge;
    /** Valid frames received and dispatched. */
    public final AtomicCounter framesReceived;
    /** Bytes of valid frames received. */
    public final AtomicCounter bytesReceived;
    /** Frames rejected by validation, all reasons. */
    public final AtomicCounter framesRejected;
    /** Requests that reached their deadline unanswered. */
    public final AtomicCounter requestsTimedOut;
    /** Responses whose correlation id was unknown or already expired. */
    public final AtomicCounter unknownCorrelations;
    /** Requests refused because too many were in flight. */
    public final AtomicCounter requestsRefused;
    /** Valid frames whose handler threw; the error went to the error log. */
    public final AtomicCounter handlerErrors;
    /** Introductions sent again because the link to a peer came back (the peer may have restarted). */
    public final AtomicCounter reintroductions;
    /** Clients that proved their secret to this node (see {@code SessionGate}). */
    public final AtomicCounter sessionsAuthenticated;
    /** New peers the directory could not remember (see {@link PeerLimits#maxPeers()}). */
    public final AtomicCounter peersRefused;
    /** Links not opened because as many were open as allowed (see {@link PeerLimits#maxLinks()}). */
    public final AtomicCounter linksRefused;
    /** Links closed to make room because their peer was not connected. */
    public final AtomicCounter linksClosed;
    /** Connects from peers without a link dropped: the window for new peers was full (see {@link PeerLimits}). */
    public final AtomicCounter connectsRefused;

    private final AtomicCounter[] rejectedByReason;

    /**
     * @param allocator of counters.
     * @param name      of the node, used in labels.
     */
    public TransportCounters(final Allocator allocator, final String name)
    {
        messagesSent = add(allocator, CounterDescriptor.MESSAGES_SENT, name);
        bytesSent = add(allocator, CounterDescriptor.BYTES_SENT, name);
        backPressured = add(allocator, CounterDescriptor.SENDS_BACK_PRESSURED, name);
        notConnected = add(allocator, CounterDescriptor.SENDS_NOT_CONNECTED, name);
        sendFailures = add(allocator, CounterDescriptor.SENDS_FAILED, name);
        payloadTooLarge = add(allocator, CounterDescriptor.PAYLOADS_TOO_LARGE, name);
        framesReceived = add(allocator, CounterDescriptor.FRAMES_RECEIVED, name);
        bytesReceived = add(allocator, CounterDescriptor.BYTES_RECEIVED, name);
        framesRejected = add(allocator, CounterDescriptor.FRAMES_REJECTED, name);
        requestsTimedOut = add(allocator, CounterDescriptor.REQUESTS_TIMED_OUT, name);
        unknownCorrelations = add(allocator, CounterDescriptor.UNKNOWN_CORRELATIONS, name);
        requestsRefused = add(allocator, CounterDescriptor.REQUESTS_REFUSED, name);
        handlerErrors = add(allocator, CounterDescriptor.HANDLER_ERRORS, name);
        reintroductions = add(allocator, CounterDescriptor.REINTRODUCTIONS, name);
        sessionsAuthenticated = add(allocator, CounterDescriptor.SESSIONS_AUTHENTICATED, name);
        peersRefused = add(allocator, CounterDescriptor.PEERS_REFUSED, name);
        linksRefused = add(allocator, CounterDescriptor.LINKS_REFUSED, name);
        linksClosed = add(allocator, CounterDescriptor.LINKS_CLOSED, name);
        connectsRefused = add(allocator, CounterDescriptor.CONNECTS_REFUSED, name);

        rejectedByReason = new AtomicCounter[FrameRejection.count()];
        for (int i = 1; i < rejectedByReason.length; i++)
        {
            final String reason = FrameRejection.get(i).name().toLowerCase(Locale.ROOT).replace('_', ' ');
            final CounterDescriptor descriptor = CounterDescriptor.FRAMES_REJECTED_BY_REASON;
            rejectedByReason[i] = allocator.allocate(descriptor.typeId(), descriptor.label(name, reason));
            all.add(rejectedByReason[i]);
        }
    }

    private AtomicCounter add(final Allocator allocator, final CounterDescriptor descriptor, final String name)
    {
        final AtomicCounter counter = descriptor.allocate(allocator, name);
        all.add(counter);
        return counter;
    }

    /**
     * Counts a rejected frame, in total and by reason.
     *
     * @param rejection the reason, not {@link FrameRejection#NONE}.
     */
    public void rejected(final FrameRejection rejection)
    {
        framesRejected.increment();
        rejectedByReason[rejection.ordinal()].increment();
    }

    /**
     * @param rejection a reason, not {@link FrameRejection#NONE}.
     * @return frames rejected for that reason.
     */
    public long rejectedCount(final FrameRejection rejection)
    {
        return rejectedByReason[rejection.ordinal()].get();
    }

    /**
     * Frees the counters.
     */
    public void close()
    {
        CloseHelper.closeAll(all);
    }
}
