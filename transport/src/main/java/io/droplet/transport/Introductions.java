package io.droplet.transport;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Keeps the {@code Connect} a node sent to each peer it depends on (a scheduler, a storage node) and sends
 * it again when the peer may have restarted (and so forgotten where to answer): when the link to it comes
 * back after being down, and when a request timed out (a peer restarted quickly can look connected all
 * along, since the driver forgets a dead subscriber only after the client liveness timeout). At most a
 * few times a second; nothing is sent while requests are answered and the link stays up.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent and used on its thread.
 */
public final class Introductions
{
    /**
     * The identity a node-to-node {@code Connect} carries when it introduces a scheduler (to an executor or a
     * host cache, which then heartbeat to it), rather than a client.
     */
    public static final String SCHEDULER_IDENTITY = "droplet:scheduler";

    private static final long CHECK_PERIOD_NS = 50_000_000L;

    /** One peer's introduction and what the link looked like last time. */
    private static final class Entry
    {
        final UnsafeBuffer frame;
        boolean wasConnected = true;
        boolean due;

        Entry(final byte[] frame)
        {
            this.frame = new UnsafeBuffer(frame);
        }
    }

    private final PeerDirectory peers;
    private final TransportCounters counters;
    private final Long2ObjectHashMap<Entry> entries = new Long2ObjectHashMap<>();
    private long nextCheckNs;

    /**
     * @param peers    of the node.
     * @param counters of the node.
     */
    public Introductions(final PeerDirectory peers, final TransportCounters counters)
    {
        this.peers = peers;
        this.counters = counters;
    }

    /**
     * Remembers the introduction sent to a peer (the latest one replaces an earlier one).
     *
     * @param node  the peer.
     * @param frame the whole {@code Connect} frame.
     */
    public void remember(final long node, final byte[] frame)
    {
        entries.put(node, new Entry(frame));
        peers.keep(node);
    }

    /**
     * A request went unanswered: introduce this node again to every peer at the next check.
     */
    public void onTimeout()
    {
        for (final Entry entry : entries.values())
        {
            entry.due = true;
        }
    }

    /**
     * Sends an introduction again to each peer whose link came back, or that is due after a timeout.
     *
     * @param nowNs of the caller's clock.
     * @return introductions sent.
     */
    public int check(final long nowNs)
    {
        if (entries.isEmpty() || nowNs - nextCheckNs < 0)
        {
            return 0;
        }
        nextCheckNs = nowNs + CHECK_PERIOD_NS;
        int sent = 0;
        for (final Long2ObjectHashMap<Entry>.EntryIterator it = entries.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            final Entry entry = it.getValue();
            final MessagePublisher publisher = peers.publisher(it.getLongKey());
            final boolean connected = null != publisher && publisher.isConnected();
            if (connected && (!entry.wasConnected || entry.due))
            {
                // Back after a gap: the peer may be a new process. Until the offer succeeds, try again next check
                // (a refusal here is a retry to come, not a send given up: not counted as one).
                if (publisher.tryOffer(entry.frame, 0, entry.frame.capacity()) == SendStatus.OK)
                {
                    entry.wasConnected = true;
                    entry.due = false;
                    sent++;
                    counters.reintroductions.incrementRelease();
                }
            }
            else
            {
                entry.wasConnected = connected;
            }
        }
        return sent;
    }
}
