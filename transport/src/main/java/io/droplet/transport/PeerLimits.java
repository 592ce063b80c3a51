package io.droplet.transport;

/**
 * How much of a process one node's peers may hold, enforced by its {@link PeerDirectory}: the peers it
 * remembers (an endpoint each) and the links it holds open (an exclusive publication each, whose log of
 * three terms sits in the driver's shared memory: 24 MiB at the default 512 KiB message limit).
 * <p>
 * A frame from anyone can make a node remember a peer and open a link to it (a {@code Connect} under a
 * new client id does both, and an open node answers every id), and a client process that exits leaves
 * its link open behind it: without a bound a stream of new ids, or a long run of short-lived clients,
 * would fill the host's shared memory. Past {@link #maxLinks()} a new link first closes every link whose
 * peer is not connected and that has had {@link #linkGraceNs()} to connect (a closed link to a known
 * peer opens again on the next send); if none can close, the new link is refused and counted, and the
 * send that wanted it fails as to an unknown peer. Past {@link #maxPeers()} a new peer replaces the
 * oldest one that has no open link and is not kept (the node itself and the peers it introduces itself
 * to are kept), or is refused and counted.
 * <p>
 * Opening a link holds the opening thread (the driver makes the log and the client maps it, touching every page
 * when {@code droplet.pre.touch} is on: 90 to 110 ms for a 24 MiB log on this two-core VM, 3 to 5 ms without
 * pre-touch), so {@code Connect}s from peers the node holds no link to are answered at most {@link #newPeers()}
 * in any ten seconds (a token bucket: as many at once, then one every {@code 10 s / newPeers}); the others are
 * dropped, counted, and their client sends its {@code Connect} again. A flood of new ids then costs a bounded
 * share of the node's thread (8 opens in ten seconds: about 8 % at 100 ms each). A peer already linked is always
 * answered. A secured node's challenge links are not counted here (a client there sends its {@code Connect}
 * once, and a new one would restart its challenge): they are bounded by the 64 handshakes a node holds at once.
 * <p>
 * Defaults come from {@link TransportConfiguration}'s system properties; the setters override them before
 * the context is concluded.
 * <p>
 * <b>Note:</b> not thread-safe; set up before the transport launches, read-only after.
 */
public final class PeerLimits
{
    /** The window {@link #newPeers()} counts in. */
    static final long NEW_PEER_WINDOW_NS = 10_000_000_000L;

    private int maxPeers = TransportConfiguration.maxPeers();
    private int maxLinks = TransportConfiguration.maxLinks();
    private long linkGraceNs = TransportConfiguration.linkGraceNs();
    private int newPeers = TransportConfiguration.newPeers();

    /** @return most peers one node remembers. */
    public int maxPeers()
    {
        return maxPeers;
    }

    /**
     * @param maxPeers most peers one node remembers.
     * @return this.
     */
    public PeerLimits maxPeers(final int maxPeers)
    {
        this.maxPeers = maxPeers;
        return this;
    }

    /** @return most links one node holds open at once. */
    public int maxLinks()
    {
        return maxLinks;
    }

    /**
     * @param maxLinks most links one node holds open at once.
     * @return this.
     */
    public PeerLimits maxLinks(final int maxLinks)
    {
        this.maxLinks = maxLinks;
        return this;
    }

    /** @return how long a new link may stay unconnected before it may be closed to make room, in ns. */
    public long linkGraceNs()
    {
        return linkGraceNs;
    }

    /**
     * @param linkGraceNs how long a new link may stay unconnected before it may be closed to make room.
     * @return this.
     */
    public PeerLimits linkGraceNs(final long linkGraceNs)
    {
        this.linkGraceNs = linkGraceNs;
        return this;
    }

    /** @return {@code Connect}s of peers without a link a node answers in any ten seconds. */
    public int newPeers()
    {
        return newPeers;
    }

    /**
     * @param newPeers {@code Connect}s of peers without a link a node answers in any ten seconds.
     * @return this.
     */
    public PeerLimits newPeers(final int newPeers)
    {
        this.newPeers = newPeers;
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the first setting out of range.
     */
    void conclude()
    {
        if (maxPeers < 2 || maxLinks < 1 || maxLinks > maxPeers)
        {
            throw new IllegalArgumentException(TransportConfiguration.MAX_PEERS_PROP_NAME + " (" + maxPeers + ") must be " +
                "at least 2 and at least " + TransportConfiguration.MAX_LINKS_PROP_NAME + " (" + maxLinks + "), which must be positive");
        }
        if (newPeers < 1)
        {
            throw new IllegalArgumentException(TransportConfiguration.NEW_PEERS_PROP_NAME + " must be positive: " + newPeers);
        }
        if (linkGraceNs < 0)
        {
            throw new IllegalArgumentException(TransportConfiguration.LINK_GRACE_PROP_NAME + " must not be negative: " + linkGraceNs);
        }
    }
}
