package io.droplet.transport;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.echo.EchoListener;
import io.droplet.transport.echo.EchoRequester;
import io.droplet.transport.echo.EchoResponder;
import io.droplet.test.Await;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A responder node and a requester node over real media drivers, all driven from the test thread
 * (invoker profile): one driver for IPC, or one driver per "host" for UDP on loopback.
 */
final class EchoFixture implements AutoCloseable, EchoListener
{
    static final long RESPONDER_ID = 1;
    static final long REQUESTER_ID = 2;

    final Transport responderTransport;
    final Transport requesterTransport;
    final NodeChannels responderChannels;
    final NodeChannels requesterChannels;
    final EchoResponder responder;
    final EchoRequester requester;
    final Long2LongHashMap pongPayloadByCorrelation = new Long2LongHashMap(Long.MIN_VALUE);
    final List<long[]> errors = new ArrayList<>();
    final Long2LongHashMap errorTimeByCorrelation = new Long2LongHashMap(Long.MIN_VALUE);
    long pongs;
    long duplicates;

    /**
     * @param udp          true for two drivers talking UDP on 127.0.0.1 / 127.0.0.2; false for IPC on one.
     * @param dirs         source of unique Aeron directories.
     * @param contextSetup applied to every transport context.
     */
    EchoFixture(final boolean udp, final java.util.function.Function<String, String> dirs, final Consumer<TransportContext> contextSetup)
    {
        final TransportContext responderContext = new TransportContext()
            .aeronDirectoryName(dirs.apply("responder"))
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
            .localHost("127.0.0.1")
            .name("responder");
        contextSetup.accept(responderContext);
        responderTransport = Transport.launch(responderContext);

        if (udp)
        {
            final TransportContext requesterContext = new TransportContext()
                .aeronDirectoryName(dirs.apply("requester"))
                .embeddedDriver(true)
                .threadingProfile(ThreadingProfile.INVOKER)
                .localHost("127.0.0.2")
                .name("requester");
            contextSetup.accept(requesterContext);
            requesterTransport = Transport.launch(requesterContext);
        }
        else
        {
            requesterTransport = responderTransport;
        }

        final int port = udp ? freePort() : 0;
        final Endpoint responderEndpoint = new Endpoint("127.0.0.1", port, 1001);
        final Endpoint requesterEndpoint = new Endpoint(udp ? "127.0.0.2" : "127.0.0.1", udp ? freePort() : 0, 1002);

        responderChannels = new NodeChannels(responderTransport, RESPONDER_ID, responderEndpoint, "responder");
        requesterChannels = new NodeChannels(requesterTransport, REQUESTER_ID, requesterEndpoint, "requester");
        responderChannels.peers().register(REQUESTER_ID, requesterEndpoint);
        requesterChannels.peers().register(RESPONDER_ID, responderEndpoint);
        responder = new EchoResponder(responderChannels);
        requester = new EchoRequester(requesterChannels, RESPONDER_ID, this);
    }

    static int freePort()
    {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    int dutyCycle()
    {
        int work = responderTransport.invoke();
        if (requesterTransport != responderTransport)
        {
            work += requesterTransport.invoke();
        }
        return work + responder.doWork() + requester.doWork();
    }

    /**
     * Both directions connected before traffic starts, as a session handshake would ensure: the
     * responder never waits on a requester, so a pong sent before its publication connects is dropped.
     */
    void awaitConnected()
    {
        Await.until(this::dutyCycle,
            () -> requester.isConnected() && responderChannels.peers().publisher(REQUESTER_ID).isConnected(),
            Duration.ofSeconds(20), () -> "requester and responder connected both ways");
    }

    public void onPong(final long correlationId, final long sentTimeNs, final DirectBuffer payload, final int offset, final int length)
    {
        pongs++;
        final long echoed = length >= 8 ? payload.getLong(offset) : -1;
        if (pongPayloadByCorrelation.put(correlationId, echoed) != Long.MIN_VALUE)
        {
            duplicates++;
        }
    }

    public void onError(final long correlationId, final ErrorCode code)
    {
        errors.add(new long[]{ correlationId, code.value() });
        errorTimeByCorrelation.put(correlationId, System.nanoTime());
    }

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
