package io.droplet.transport;

import org.agrona.CloseHelper;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

/**
 * Maps node ids to endpoints and to the {@link MessagePublisher} that reaches each, so hot-path
 * messages carry only a 64-bit node id ({@code replyTo}, an executor id) and the sender finds its
 * publisher with one primitive-map lookup. A publisher is created on first use (the control path).
 * <p>
 * Bounded by the transport's {@link PeerLimits}: at most {@code maxPeers} peers remembered and
 * {@code maxLinks} publishers open, making room by closing links whose peer is not connected and forgetting
 * the oldest peers without a link; what cannot be made room for is refused and counted.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent.
 */
public final class PeerDirectory implements AutoCloseable
{
    private final Long2ObjectHashMap<Endpoint> endpoints = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<MessagePublisher> publishers = new Long2ObjectHashMap<>();
    private final Long2LongHashMap reservedValues = new Long2LongHashMap(0);
    /** Order in which peers were registered (by sequence), to forget the oldest first. */
    private final Long2LongHashMap registeredSeq = new Long2LongHashMap(-1);
    /** When each open publisher was opened, by the transport's clock. */
    private final Long2LongHashMap openedAtNs = new Long2LongHashMap(Long.MIN_VALUE);
    private final LongHashSet kept = new LongHashSet();
    private final Transport transport;
    private final ChannelResolver resolver;
    private final TransportCounters counters;
    private final PeerLimits limits;
    /** Share of the window one new peer's Connect costs. */
    private final long newPeerCostNs;
    private long nextSeq;
    /** What is left of the window for new peers' Connects (a token bucket counted in time). */
    private long newPeerBudgetNs;
    private long lastRefillNs;

    /**
     * @param transport to add publications with.
     * @param resolver  of endpoints to channels.
     * @param counters  of the owning node.
     */
    public PeerDirectory(final Transport transport, final ChannelResolver resolver, final TransportCounters counters)
    {
        this.transport = transport;
        this.resolver = resolver;
        this.counters = counters;
        this.limits = transport.context().peerLimits();
        this.newPeerCostNs = PeerLimits.NEW_PEER_WINDOW_NS / limits.newPeers();
        this.newPeerBudgetNs = PeerLimits.NEW_PEER_WINDOW_NS;
        this.lastRefillNs = transport.context().nanoClock().nanoTime();
    }

    /**
     * Whether a {@code Connect} from a peer may be answered now (answering opens a link, which holds this thread): one
     * this node holds a link to, or keeps, always; new ones at most {@link PeerLimits#newPeers()} in any ten seconds. A refusal
     * is counted; the peer's client tries again.
     *
     * @param nodeId of the peer connecting.
     * @return true to answer it.
     */
    public boolean admitConnect(final long nodeId)
    {
        if (publishers.containsKey(nodeId) || kept.contains(nodeId))
        {
            return true; // Linked already, or a node of the deployment this one keeps (a claim on it is refused later).
        }
        final long nowNs = transport.context().nanoClock().nanoTime();
        newPeerBudgetNs = Math.min(PeerLimits.NEW_PEER_WINDOW_NS, newPeerBudgetNs + Math.max(0, nowNs - lastRefillNs));
        lastRefillNs = nowNs;
        if (newPeerBudgetNs < newPeerCostNs)
        {
            counters.connectsRefused.increment();
            return false;
        }
        newPeerBudgetNs -= newPeerCostNs;
        return true;
    }

    /**
     * Records where a node receives; replaces (and closes the publisher of) a previous endpoint. A new peer
     * when {@code maxPeers} are known replaces the oldest peer that has no open link and is not kept.
     *
     * @param nodeId   of the peer.
     * @param endpoint where it receives.
     * @return false if the peer is new and no room could be made for it (counted; nothing changed).
     */
    public boolean register(final long nodeId, final Endpoint endpoint)
    {
        final Endpoint previous = endpoints.get(nodeId);
        if (null == previous)
        {
            if (endpoints.size() >= limits.maxPeers() && !forgetOldestUnlinked())
            {
                counters.peersRefused.increment();
                return false;
            }
            registeredSeq.put(nodeId, nextSeq++);
        }
        else if (!previous.equals(endpoint))
        {
            closeLink(nodeId);
        }
        endpoints.put(nodeId, endpoint);
        return true;
    }

    /**
     * Records where a peer that announced itself ({@code Connect}) receives. Anyone can claim any id in an open
     * deployment, so a claim is refused (counted) for a peer this node keeps (itself, the nodes it introduces itself
     * to) and for one it holds a connected link to at another endpoint: the peer is alive there, and moving its
     * link would send its answers to whoever claimed its id. A peer whose link is down may move.
     *
     * @param nodeId   the peer claims.
     * @param endpoint where it says it receives.
     * @return false if refused (nothing changed).
     */
    public boolean registerConnecting(final long nodeId, final Endpoint endpoint)
    {
        final Endpoint previous = endpoints.get(nodeId);
        final MessagePublisher link = publishers.get(nodeId);
        if (kept.contains(nodeId) ||
            (null != previous && !previous.equals(endpoint) && null != link && link.isConnected()))
        {
            counters.peersRefused.increment();
            return false;
        }
        return register(nodeId, endpoint);
    }

    /**
     * Keeps a peer however full the directory gets: this node itself, and the peers it introduces itself to.
     *
     * @param nodeId of the peer.
     */
    public void keep(final long nodeId)
    {
        kept.add(nodeId);
    }

    /**
     * No longer keeps a peer (a node that left); it stays known until forgotten to make room.
     *
     * @param nodeId of the peer.
     */
    public void release(final long nodeId)
    {
        kept.remove(nodeId);
    }

    /**
     * Forgets a node and closes its publisher.
     *
     * @param nodeId of the peer.
     */
    public void remove(final long nodeId)
    {
        endpoints.remove(nodeId);
        registeredSeq.remove(nodeId);
        kept.remove(nodeId);
        closeLink(nodeId);
    }

    /**
     * @return peers known.
     */
    public int peerCount()
    {
        return endpoints.size();
    }

    /**
     * @return links (publishers) open.
     */
    public int linkCount()
    {
        return publishers.size();
    }

    /**
     * @param nodeId of a peer.
     * @return its endpoint, or null if unknown.
     */
    public Endpoint endpoint(final long nodeId)
    {
        return endpoints.get(nodeId);
    }

    /**
     * @param nodeId of a peer.
     * @return the publisher reaching it, created on first use; null if the node is unknown.
     */
    public MessagePublisher publisher(final long nodeId)
    {
        MessagePublisher publisher = publishers.get(nodeId);
        if (null == publisher)
        {
            final Endpoint endpoint = endpoints.get(nodeId);
            if (null == endpoint)
            {
                return null;
            }
            final long nowNs = transport.context().nanoClock().nanoTime();
            if (publishers.size() >= limits.maxLinks() && closeUnconnectedLinks(nowNs) == 0)
            {
                counters.linksRefused.increment();
                return null;
            }
            final String channel = resolver.outboundChannel(endpoint);
            transport.noteChannel(channel);
            publisher = new MessagePublisher(
                transport.aeron().addExclusivePublication(channel, endpoint.streamId()),
                transport,
                counters);
            publisher.reservedValue(reservedValues.containsKey(nodeId) ? reservedValues.get(nodeId) : transport.context().nodeToken());
            publishers.put(nodeId, publisher);
            openedAtNs.put(nodeId, nowNs);
        }
        return publisher;
    }

    /**
     * Closes every link whose peer is not connected and that had the grace to connect (a peer that exited, or
     * an endpoint nobody listens at); a link closed to a known peer opens again on its next send.
     */
    private int closeUnconnectedLinks(final long nowNs)
    {
        int closed = 0;
        for (final Long2ObjectHashMap<MessagePublisher>.EntryIterator it = publishers.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            final long nodeId = it.getLongKey();
            if (!it.getValue().isConnected() && nowNs - openedAtNs.get(nodeId) >= limits.linkGraceNs())
            {
                CloseHelper.close(it.getValue());
                it.remove();
                openedAtNs.remove(nodeId);
                counters.linksClosed.increment();
                closed++;
            }
        }
        return closed;
    }

    /**
     * Forgets the peer registered longest ago that has no open link and is not kept.
     */
    private boolean forgetOldestUnlinked()
    {
        long oldest = Long.MIN_VALUE;
        long oldestSeq = Long.MAX_VALUE;
        for (final Long2LongHashMap.EntryIterator it = registeredSeq.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            final long nodeId = it.getLongKey();
            if (it.getLongValue() < oldestSeq && !publishers.containsKey(nodeId) && !kept.contains(nodeId))
            {
                oldest = nodeId;
                oldestSeq = it.getLongValue();
            }
        }
        if (oldestSeq == Long.MAX_VALUE)
        {
            return false;
        }
        endpoints.remove(oldest);
        registeredSeq.remove(oldest);
        reservedValues.remove(oldest);
        return true;
    }

    private void closeLink(final long nodeId)
    {
        openedAtNs.remove(nodeId);
        CloseHelper.close(publishers.remove(nodeId));
    }

    /**
     * Sets the value frames to a peer carry in their header's reserved field (a client's session token
     * from that peer), now and on any publisher made for it later.
     *
     * @param nodeId        of the peer.
     * @param reservedValue to carry; by default the process's node token (0 without credentials).
     */
    public void reservedValue(final long nodeId, final long reservedValue)
    {
        reservedValues.put(nodeId, reservedValue);
        final MessagePublisher publisher = publishers.get(nodeId);
        if (null != publisher)
        {
            publisher.reservedValue(reservedValue);
        }
    }

    /**
     * Closes every publisher.
     */
    public void close()
    {
        CloseHelper.closeAll(publishers.values());
        publishers.clear();
        openedAtNs.clear();
    }
}
