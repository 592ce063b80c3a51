package io.droplet.transport.echo;

import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * A responder node and a requester node over real media drivers, both driven by one thread through
 * {@link #dutyCycle()} (invoker profile): over IPC they share one embedded driver; over UDP each
 * "host" (127.0.0.1 and 127.0.0.2, both loopback) has its own driver. Used by the transport's system
 * tests, the echo latency program and the demo.
 * <p>
 * <b>Note:</b> not thread-safe; everything runs on the thread that calls {@link #dutyCycle()}.
 */
public final class EchoPair implements AutoCloseable
{
    /** Node id of the responder. */
    public static final long RESPONDER_ID = 1;
    /** Node id of the requester. */
    public static final long REQUESTER_ID = 2;

    private final Transport responderTransport;
    private final Transport requesterTransport;
    private final NodeChannels responderChannels;
    private final NodeChannels requesterChannels;
    private final EchoResponder responder;
    private final EchoRequester requester;

    /**
     * @param udp             true for two drivers over UDP on loopback, false for IPC on one driver.
     * @param responderDir    Aeron directory of the responder's driver (null: a unique one).
     * @param requesterDir    Aeron directory of the requester's driver, UDP only (null: a unique one).
     * @param contextSettings applied to every transport context before launch.
     * @param listener        of ping outcomes.
     */
    public EchoPair(
        final boolean udp,
        final String responderDir,
        final String requesterDir,
        final Consumer<TransportContext> contextSettings,
        final EchoListener listener)
    {
        Transport responderSide = null;
        Transport requesterSide = null;
        NodeChannels responderNode = null;
        NodeChannels requesterNode = null;
        try
        {
            responderSide = launch(responderDir, "127.0.0.1", "responder", contextSettings);
            requesterSide = udp ? launch(requesterDir, "127.0.0.2", "requester", contextSettings) : responderSide;

            final Endpoint responderEndpoint = new Endpoint("127.0.0.1", udp ? freePort() : 0, 1001);
            final Endpoint requesterEndpoint = new Endpoint(udp ? "127.0.0.2" : "127.0.0.1", udp ? freePort() : 0, 1002);
            responderNode = new NodeChannels(responderSide, RESPONDER_ID, responderEndpoint, "responder");
            requesterNode = new NodeChannels(requesterSide, REQUESTER_ID, requesterEndpoint, "requester");
            responderNode.peers().register(REQUESTER_ID, requesterEndpoint);
            requesterNode.peers().register(RESPONDER_ID, responderEndpoint);
            responder = new EchoResponder(responderNode);
            requester = new EchoRequester(requesterNode, RESPONDER_ID, listener);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(requesterNode, responderNode);
            if (requesterSide != responderSide)
            {
                CloseHelper.quietClose(requesterSide);
            }
            CloseHelper.quietClose(responderSide);
            throw ex;
        }
        this.responderTransport = responderSide;
        this.requesterTransport = requesterSide;
        this.responderChannels = responderNode;
        this.requesterChannels = requesterNode;
    }

    private static Transport launch(
        final String dir, final String host, final String name, final Consumer<TransportContext> contextSettings)
    {
        final TransportContext context = new TransportContext()
            .aeronDirectoryName(dir)
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
            .localHost(host)
            .name(name);
        contextSettings.accept(context);
        return Transport.launch(context);
    }

    private static int freePort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * One duty cycle of everything: both drivers' conductors, the responder and the requester.
     *
     * @return work done.
     */
    public int dutyCycle()
    {
        int work = responderTransport.invoke();
        if (requesterTransport != responderTransport)
        {
            work += requesterTransport.invoke();
        }
        return work + responder.doWork() + requester.doWork();
    }

    /**
     * @return true once publications both ways are connected (a session handshake would ensure this:
     * the responder never waits on a requester, so a pong sent earlier would be dropped).
     */
    public boolean isConnected()
    {
        return requester.isConnected() && responderChannels.peers().publisher(REQUESTER_ID).isConnected();
    }

    /**
     * @return the responding node's transport.
     */
    public Transport responderTransport()
    {
        return responderTransport;
    }

    /**
     * @return the requesting node's transport (the responder's too, over IPC).
     */
    public Transport requesterTransport()
    {
        return requesterTransport;
    }

    /**
     * @return the responding node's channels.
     */
    public NodeChannels responderChannels()
    {
        return responderChannels;
    }

    /**
     * @return the requesting node's channels.
     */
    public NodeChannels requesterChannels()
    {
        return requesterChannels;
    }

    /**
     * @return the responder agent.
     */
    public EchoResponder responder()
    {
        return responder;
    }

    /**
     * @return the requester agent.
     */
    public EchoRequester requester()
    {
        return requester;
    }

    /**
     * Closes both nodes and their drivers.
     */
    public void close()
    {
        CloseHelper.closeAll(requesterChannels, responderChannels);
        if (requesterTransport != responderTransport)
        {
            CloseHelper.close(requesterTransport);
        }
        CloseHelper.close(responderTransport);
    }
}
