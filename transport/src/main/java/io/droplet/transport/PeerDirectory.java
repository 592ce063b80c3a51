package io.droplet.transport;

import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Maps node ids to endpoints and to the {@link MessagePublisher} that reaches each, so hot-path
 * messages carry only a 64-bit node id ({@code replyTo}, an executor id) and the sender finds its
 * publisher with one primitive-map lookup. A publisher is created on first use (the control path).
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent.
 */
public final class PeerDirectory implements AutoCloseable
{
    private final Long2ObjectHashMap<Endpoint> endpoints = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<MessagePublisher> publishers = new Long2ObjectHashMap<>();
    private final org.agrona.collections.Long2LongHashMap reservedValues = new org.agrona.collections.Long2LongHashMap(0);
    private final Transport transport;
    private final ChannelResolver resolver;
    private final TransportCounters counters;

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
    }

    /**
     * Records where a node receives; replaces (and closes the publisher of) a previous endpoint.
     *
     * @param nodeId   of the peer.
     * @param endpoint where it receives.
     */
    public void register(final long nodeId, final Endpoint endpoint)
    {
        final Endpoint previous = endpoints.put(nodeId, endpoint);
        if (null != previous && !previous.equals(endpoint))
        {
            CloseHelper.close(publishers.remove(nodeId));
        }
    }

    /**
     * Forgets a node and closes its publisher.
     *
     * @param nodeId of the peer.
     */
    public void remove(final long nodeId)
    {
        endpoints.remove(nodeId);
        CloseHelper.close(publishers.remove(nodeId));
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
            final String channel = resolver.outboundChannel(endpoint);
            transport.noteChannel(channel);
            publisher = new MessagePublisher(
                transport.aeron().addExclusivePublication(channel, endpoint.streamId()),
                transport,
                counters);
            publisher.reservedValue(reservedValues.containsKey(nodeId) ? reservedValues.get(nodeId) : transport.context().nodeToken());
            publishers.put(nodeId, publisher);
        }
        return publisher;
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
    }
}
