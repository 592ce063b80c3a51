package io.droplet.transport;

import io.aeron.ChannelUriStringBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns node endpoints into Aeron channels: IPC when the peer is on this host, UDP otherwise. The
 * transport decides, so no caller ever names a channel. Publications carry an explicit term length
 * so that the largest configured message fits whatever driver serves them.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public final class ChannelResolver
{
    private final String localHost;
    private final int termLength;

    /**
     * @param localHost  this host's name or address as peers see it.
     * @param termLength of publications.
     */
    public ChannelResolver(final String localHost, final int termLength)
    {
        this.localHost = localHost;
        this.termLength = termLength;
    }

    /**
     * @param endpoint of a peer.
     * @return true if it is on this host and so reached over IPC.
     */
    public boolean isLocal(final Endpoint endpoint)
    {
        return localHost.equals(endpoint.host()) || endpoint.port() == 0;
    }

    /**
     * @param peer to send to.
     * @return the publication channel.
     */
    public String outboundChannel(final Endpoint peer)
    {
        final ChannelUriStringBuilder builder = new ChannelUriStringBuilder().termLength(termLength);
        if (isLocal(peer))
        {
            return builder.media("ipc").build();
        }
        return builder.media("udp").endpoint(peer.host() + ":" + peer.port()).build();
    }

    /**
     * @param self the node's own endpoint.
     * @return the channels it subscribes to: IPC always, UDP when it has a port.
     */
    public List<String> inboundChannels(final Endpoint self)
    {
        final List<String> channels = new ArrayList<>(2);
        channels.add("aeron:ipc");
        if (self.port() != 0)
        {
            channels.add("aeron:udp?endpoint=" + self.host() + ":" + self.port());
        }
        return channels;
    }
}
