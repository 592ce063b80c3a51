package io.droplet.perf.floor;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.droplet.transport.ChannelResolver;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The raw-Aeron floor under Droplet's message path: a ring of one-way hops, each a publication to a
 * subscription, with nothing else on the path. A message carrying a value goes round the ring, one
 * message in flight, and {@link #roundTrip(long)} returns the value that came back.
 * <p>
 * <b>Layout.</b> Each host is one media driver, embedded and in invoker mode, with its own directory
 * under {@code /dev/shm}, and a local address ({@code 127.0.0.1}, {@code 127.0.0.2}: both loopback,
 * standing for two machines). Each node sits on a host; hop {@code i} goes from node {@code i} to node
 * {@code i + 1}, and the last hop returns to node 0. A hop between nodes of one host is IPC, one between
 * hosts is UDP to the receiver's address on a free port; channels come from the transport's
 * {@link ChannelResolver}, and term lengths from its defaults, so every hop is built as Droplet builds
 * the same hop. Each hop has a stream id of its own.
 * <pre>
 *   ipc(4):      A -ipc-> A -ipc-> A -ipc-> A -ipc-> (A)
 *   twoHosts():  A(client) -ipc-> A(scheduler) -udp-> B(executor) -ipc-> B(executor) -udp-> (A)
 * </pre>
 * <b>Threading.</b> The calling thread does everything: it polls each hop's subscription, relays, and
 * invokes the drivers' and clients' conductors (sender and receiver included) whenever it waits, as a
 * Droplet node's duty cycle does in the invoker profile. Over IPC a message is usually in the next log
 * at once, so the conductors also get one duty cycle each {@link #HOUSEKEEPING_INTERVAL_NS}, to keep
 * clients alive and publication limits moving.
 * <p>
 * Every wait has a deadline: connecting ({@link #CONNECT_TIMEOUT_NS}) and each round trip
 * ({@link #ROUND_TRIP_TIMEOUT_NS}) throw {@link IllegalStateException} when it passes.
 * <p>
 * <b>Note:</b> not thread-safe: build, use and close a chain on one thread.
 */
public final class AeronChain implements AutoCloseable
{
    /** Payload size of Droplet's small messages, the default. */
    public static final int DEFAULT_PAYLOAD_BYTES = 128;
    /** Address of host A. */
    public static final String HOST_A = "127.0.0.1";
    /** Address of host B: loopback too, with a driver of its own, so A to B is real UDP. */
    public static final String HOST_B = "127.0.0.2";
    /** How long construction waits for every hop to connect. */
    public static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** How long one round trip may take. */
    public static final long ROUND_TRIP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    /** Longest time the conductors go without a duty cycle while messages flow. */
    public static final long HOUSEKEEPING_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Where the value sits in the payload; the rest is padding. */
    static final int VALUE_OFFSET = 0;
    private static final int FIRST_STREAM_ID = 7001;

    private final List<String> hostAddresses;
    private final Transport[] transports;
    private final String[] directories;
    private final ChainHop[] hops;
    private final ChainHop lastHop;
    private final ExclusivePublication firstPublication;
    private final UnsafeBuffer message;
    private final int payloadBytes;
    private final String path;
    private long housekeepingDeadlineNs;

    /**
     * Launches one driver per host, builds the hops and waits until all are connected.
     *
     * @param hostAddresses local address of each host, distinct (one driver each).
     * @param nodeHosts     the host of each node, as an index into {@code hostAddresses}; there are as many
     *                      hops as nodes, hop {@code i} from node {@code i} to node {@code (i + 1) % n}.
     * @param payloadBytes  bytes per message, at least 8 (the value), at most one frame.
     * @throws IllegalArgumentException for an invalid layout.
     * @throws IllegalStateException    if the hops do not connect within {@link #CONNECT_TIMEOUT_NS}, or a
     *                                  host's address cannot be bound.
     */
    public AeronChain(final List<String> hostAddresses, final int[] nodeHosts, final int payloadBytes)
    {
        validate(hostAddresses, nodeHosts, payloadBytes);
        this.hostAddresses = List.copyOf(hostAddresses);
        this.payloadBytes = payloadBytes;
        this.transports = new Transport[hostAddresses.size()];
        this.directories = new String[hostAddresses.size()];
        this.hops = new ChainHop[nodeHosts.length];
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(payloadBytes));
        try
        {
            for (int host = 0; host < transports.length; host++)
            {
                directories[host] = uniqueDirectory();
                transports[host] = Transport.launch(new TransportContext()
                    .aeronDirectoryName(directories[host])
                    .embeddedDriver(true)
                    .threadingProfile(ThreadingProfile.INVOKER)
                    .localHost(hostAddresses.get(host))
                    .name("floor-" + host));
            }

            final int[] ports = reservePorts(hostAddresses, nodeHosts);
            for (int i = 0; i < hops.length; i++)
            {
                hops[i] = newHop(i, nodeHosts[i], nodeHosts[(i + 1) % hops.length], ports[i]);
            }
            for (int i = 0; i < hops.length; i++)
            {
                hops[i].relayTo(i + 1 < hops.length ? hops[i + 1].publication() : null);
            }
            for (final ChainHop hop : hops)
            {
                if (payloadBytes > hop.publication().maxPayloadLength())
                {
                    throw new IllegalArgumentException("payloadBytes must fit one frame (" +
                        hop.publication().maxPayloadLength() + " bytes): " + payloadBytes);
                }
            }
            awaitConnected();
        }
        catch (final RuntimeException ex)
        {
            closeAll();
            throw ex;
        }
        this.lastHop = hops[hops.length - 1];
        this.firstPublication = hops[0].publication();
        this.path = describe(nodeHosts);
        this.housekeepingDeadlineNs = System.nanoTime() + HOUSEKEEPING_INTERVAL_NS;
    }

    /**
     * @param hops         number of hops, at least 1, all on one host.
     * @param payloadBytes bytes per message.
     * @return a chain of IPC hops on one driver.
     */
    public static AeronChain ipc(final int hops, final int payloadBytes)
    {
        if (hops < 1)
        {
            throw new IllegalArgumentException("hops must be positive: " + hops);
        }
        return new AeronChain(List.of(HOST_A), new int[hops], payloadBytes);
    }

    /**
     * The path of Droplet's two-function DAG over two hosts: client and scheduler on host A, the
     * executors on host B.
     * <pre>
     *   A(client) -ipc-> A(scheduler) -udp-> B(executor 1) -ipc-> B(executor 2) -udp-> A(client)
     * </pre>
     *
     * @param payloadBytes bytes per message.
     * @return the chain.
     */
    public static AeronChain twoHosts(final int payloadBytes)
    {
        return new AeronChain(List.of(HOST_A, HOST_B), new int[]{ 0, 0, 1, 1 }, payloadBytes);
    }

    /**
     * Sends a message holding {@code value} (padded to the payload size) round the chain, relaying it
     * at every node, and waits for it to come back to the first node.
     *
     * @param value to carry.
     * @return the value that came back.
     * @throws IllegalStateException if the round trip misses its deadline or a publication is closed.
     */
    public long roundTrip(final long value)
    {
        final long deadlineNs = System.nanoTime() + ROUND_TRIP_TIMEOUT_NS;
        message.putLong(VALUE_OFFSET, value);
        long result;
        while ((result = firstPublication.offer(message, 0, payloadBytes)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("hop 0 cannot send: " + Publication.errorString(result));
            }
            waitOnce(deadlineNs, hops[0]);
        }

        for (final ChainHop hop : hops)
        {
            while (!hop.pollDelivered())
            {
                if (hop.hasFailedForGood())
                {
                    throw new IllegalStateException(
                        "hop " + hop.index() + " cannot relay: " + Publication.errorString(hop.lastFailure()));
                }
                waitOnce(deadlineNs, hop);
            }
        }

        final long nowNs = System.nanoTime();
        if (nowNs - housekeepingDeadlineNs > 0)
        {
            housekeepingDeadlineNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
            invokeConductors();
        }
        return lastHop.value();
    }

    /**
     * @return number of hops in a round trip.
     */
    public int hopCount()
    {
        return hops.length;
    }

    /**
     * @return bytes per message.
     */
    public int payloadBytes()
    {
        return payloadBytes;
    }

    /**
     * @return the route, e.g. {@code 127.0.0.1 -ipc-> 127.0.0.1 -udp-> 127.0.0.2 -ipc-> 127.0.0.2 -udp-> 127.0.0.1}.
     */
    public String path()
    {
        return path;
    }

    /**
     * @param hop index.
     * @return the channel the hop publishes on.
     */
    public String channel(final int hop)
    {
        return hops[hop].channel();
    }

    /**
     * Closes every hop, client and driver, and deletes the drivers' directories.
     */
    public void close()
    {
        closeAll();
    }

    private void waitOnce(final long deadlineNs, final ChainHop hop)
    {
        invokeConductors();
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new IllegalStateException("round trip timed out at hop " + hop.index() + " (" + hop.channel() +
                ") after " + TimeUnit.NANOSECONDS.toMillis(ROUND_TRIP_TIMEOUT_NS) + " ms");
        }
    }

    private void invokeConductors()
    {
        for (final Transport transport : transports)
        {
            transport.invoke();
        }
    }

    private ChainHop newHop(final int index, final int fromHost, final int toHost, final int port)
    {
        final int streamId = FIRST_STREAM_ID + index;
        final Endpoint receiver = new Endpoint(hostAddresses.get(toHost), port, streamId);
        final ChannelResolver resolver =
            new ChannelResolver(hostAddresses.get(fromHost), transports[fromHost].context().termLength());
        final String outbound = resolver.outboundChannel(receiver);
        // The receiving node's own inbound channels: IPC first, then UDP when it has a port.
        final List<String> inbound = resolver.inboundChannels(receiver);
        final String inboundChannel = inbound.get(inbound.size() - 1);

        Subscription subscription = null;
        try
        {
            subscription = transports[toHost].aeron().addSubscription(inboundChannel, streamId);
            final ExclusivePublication publication =
                transports[fromHost].aeron().addExclusivePublication(outbound, streamId);
            return new ChainHop(index, outbound, publication, subscription);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(subscription);
            throw ex;
        }
    }

    private void awaitConnected()
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        for (final ChainHop hop : hops)
        {
            while (!hop.isConnected())
            {
                invokeConductors();
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("hop " + hop.index() + " (" + hop.channel() + ") did not connect within " +
                        TimeUnit.NANOSECONDS.toMillis(CONNECT_TIMEOUT_NS) + " ms");
                }
            }
        }
    }

    private void closeAll()
    {
        for (final ChainHop hop : hops)
        {
            CloseHelper.quietClose(hop);
        }
        for (int host = 0; host < transports.length; host++)
        {
            CloseHelper.quietClose(transports[host]);
            // The driver deletes its directory on shutdown; this also covers a driver that failed to start.
            if (null != directories[host])
            {
                IoUtil.delete(new File(directories[host]), true);
            }
        }
    }

    private String describe(final int[] nodeHosts)
    {
        final StringBuilder route = new StringBuilder(hostAddresses.get(nodeHosts[0]));
        for (int i = 0; i < nodeHosts.length; i++)
        {
            final int to = nodeHosts[(i + 1) % nodeHosts.length];
            route.append(nodeHosts[i] == to ? " -ipc-> " : " -udp-> ").append(hostAddresses.get(to));
        }
        return route.toString();
    }

    private static void validate(final List<String> hostAddresses, final int[] nodeHosts, final int payloadBytes)
    {
        if (hostAddresses.isEmpty() || new HashSet<>(hostAddresses).size() != hostAddresses.size())
        {
            throw new IllegalArgumentException("host addresses must be distinct and at least one: " + hostAddresses);
        }
        if (nodeHosts.length < 1)
        {
            throw new IllegalArgumentException("a chain needs at least one node");
        }
        for (final int host : nodeHosts)
        {
            if (host < 0 || host >= hostAddresses.size())
            {
                throw new IllegalArgumentException("node host out of range: " + host);
            }
        }
        if (payloadBytes < Long.BYTES)
        {
            throw new IllegalArgumentException("payloadBytes must hold the value (8 bytes): " + payloadBytes);
        }
    }

    private static String uniqueDirectory()
    {
        final File shm = new File("/dev/shm");
        final String parent = shm.isDirectory() && shm.canWrite() ? shm.getPath() : System.getProperty("java.io.tmpdir");
        return new File(parent, "droplet-floor-" + UUID.randomUUID()).getPath();
    }

    /**
     * Picks a free UDP port on the receiver's address of each hop that crosses hosts (0 for IPC hops).
     * All sockets stay bound until every port is picked, so no two hops get the same one.
     */
    private static int[] reservePorts(final List<String> hostAddresses, final int[] nodeHosts)
    {
        final int[] ports = new int[nodeHosts.length];
        final List<DatagramSocket> sockets = new ArrayList<>();
        try
        {
            for (int i = 0; i < nodeHosts.length; i++)
            {
                final int toHost = nodeHosts[(i + 1) % nodeHosts.length];
                if (nodeHosts[i] != toHost)
                {
                    final String address = hostAddresses.get(toHost);
                    try
                    {
                        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
                        sockets.add(socket);
                        ports[i] = socket.getLocalPort();
                    }
                    catch (final IOException ex)
                    {
                        throw new IllegalStateException("cannot bind UDP on " + address +
                            ": each host needs a local address of its own (127.0.0.2 is loopback on Linux)", ex);
                    }
                }
            }
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                socket.close();
            }
        }
        return ports;
    }
}
