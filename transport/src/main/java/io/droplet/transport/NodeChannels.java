package io.droplet.transport;

import io.aeron.Subscription;
import io.droplet.codecs.FrameValidator;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one node needs to talk: its id and endpoint, its counters, its peers, and its inbound
 * adapter. A role's agent owns one, polls {@link #inbound()} and sends through {@link #peers()}.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent.
 */
public final class NodeChannels implements AutoCloseable
{
    private final long nodeId;
    private final Endpoint self;
    private final Transport transport;
    private final TransportCounters counters;
    private final PeerDirectory peers;
    private final FrameValidator validator;
    private final ChannelResolver resolver;
    private InboundAdapter inbound;

    /**
     * Creates the node's counters and peer directory; {@link #open(FrameHandler)} then subscribes.
     *
     * @param transport of the process.
     * @param nodeId    of this node.
     * @param self      where this node receives.
     * @param name      of this node, for counter labels.
     */
    public NodeChannels(final Transport transport, final long nodeId, final Endpoint self, final String name)
    {
        this.transport = transport;
        this.nodeId = nodeId;
        this.self = self;
        this.counters = transport.newCounters(name);
        this.resolver = new ChannelResolver(transport.context().localHost(), transport.context().termLength());
        this.peers = new PeerDirectory(transport, resolver, counters);
        this.validator = new FrameValidator(transport.context().frameLimits());
        peers.keep(nodeId);
        peers.register(nodeId, self);
    }

    /**
     * Subscribes to the node's inbound channels (IPC, and UDP when the endpoint has a port).
     *
     * @param handler of inbound frames.
     * @return the adapter to poll.
     */
    public InboundAdapter open(final FrameHandler handler)
    {
        if (null != inbound)
        {
            throw new IllegalStateException("already open");
        }
        SessionGate gate = null;
        final List<Subscription> subscriptions = new ArrayList<>();
        try
        {
            final io.droplet.transport.security.CredentialsFile credentials = transport.context().credentials();
            if (null != credentials && null != credentials.deploymentKey())
            {
                gate = new SessionGate(transport, credentials, transport.context().handshakeTimeoutNs(), counters);
            }
            final SessionGate imageGate = gate;
            for (final String channel : resolver.inboundChannels(self))
            {
                transport.noteChannel(channel);
                subscriptions.add(null == imageGate ?
                    transport.aeron().addSubscription(channel, self.streamId()) :
                    transport.aeron().addSubscription(channel, self.streamId(), null,
                        image -> imageGate.onImageGone(image.sessionId())));
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(subscriptions);
            CloseHelper.quietClose(gate);
            throw ex;
        }
        inbound = new InboundAdapter(subscriptions, validator, counters, handler, transport.errorHandler(), gate,
            transport.context().nanoClock());
        return inbound;
    }

    /**
     * @return this node's id.
     */
    public long nodeId()
    {
        return nodeId;
    }

    /**
     * @return where this node receives.
     */
    public Endpoint self()
    {
        return self;
    }

    /**
     * @return the process's transport.
     */
    public Transport transport()
    {
        return transport;
    }

    /**
     * @return this node's counters.
     */
    public TransportCounters counters()
    {
        return counters;
    }

    /**
     * @return this node's peers.
     */
    public PeerDirectory peers()
    {
        return peers;
    }

    /**
     * @return the validator inbound frames pass.
     */
    public FrameValidator validator()
    {
        return validator;
    }

    /**
     * @return the inbound adapter, or null before {@link #open(FrameHandler)}.
     */
    public InboundAdapter inbound()
    {
        return inbound;
    }

    /**
     * Closes subscriptions, publishers and counters.
     */
    public void close()
    {
        CloseHelper.closeAll(inbound, peers, counters);
    }
}
