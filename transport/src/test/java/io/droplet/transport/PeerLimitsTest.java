package io.droplet.transport;

import io.aeron.Subscription;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's peers and links stay within its {@link PeerLimits}, whoever asks it to remember a peer: links
 * to peers nobody listens at are closed to make room once their grace is over (and open again on the next
 * send), connected links are never closed, and what cannot be made room for is refused and counted; the
 * directory forgets the oldest peer without a link, never a kept one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerLimitsTest
{
    private static final long SELF = 1;
    private static final int STREAM_BASE = 3100;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final List<Subscription> listeners = new ArrayList<>();
    private Transport transport;
    private NodeChannels channels;

    /** The transport's clock, moved by the test where it counts new peers. */
    private final java.util.concurrent.atomic.AtomicLong nowNs = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    private PeerDirectory launch(final int maxPeers, final int maxLinks, final long graceNs)
    {
        final TransportContext context = new TransportContext()
            .nanoClock(nowNs::get)
            .aeronDirectoryName(watcher.aeronDirectory("peer-limits"))
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
            .maxMessageLength(4096);
        context.peerLimits().maxPeers(maxPeers).maxLinks(maxLinks).linkGraceNs(graceNs)
            .newPeers(4);
        transport = Transport.launch(context);
        channels = new NodeChannels(transport, SELF, endpoint(0), "limits");
        return channels.peers();
    }

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(listeners);
        CloseHelper.closeAll(channels, transport);
    }

    private static Endpoint endpoint(final long node)
    {
        return new Endpoint("127.0.0.1", 0, STREAM_BASE + (int)node);
    }

    private void listenAt(final long node)
    {
        listeners.add(transport.aeron().addSubscription("aeron:ipc", endpoint(node).streamId()));
    }

    @Test
    void linksToPeersNobodyListensAtAreClosedToMakeRoomAndOpenAgainOnTheNextSend()
    {
        final PeerDirectory peers = launch(64, 3, 0);
        final TransportCounters counters = channels.counters();
        for (long node = 10; node < 13; node++)
        {
            assertTrue(peers.register(node, endpoint(node)));
            assertNotNull(peers.publisher(node), "link " + node);
        }
        assertEquals(3, peers.linkCount());

        assertTrue(peers.register(13, endpoint(13)));
        assertNotNull(peers.publisher(13), "a fourth link: the three unconnected ones close");
        assertEquals(1, peers.linkCount());
        assertEquals(3, counters.linksClosed.get());
        assertEquals(0, counters.linksRefused.get());
        assertNotNull(peers.publisher(10), "a closed link to a known peer opens again");
        assertEquals(2, peers.linkCount());
    }

    @Test
    void connectedLinksStayAndANewLinkPastTheBoundIsRefused()
    {
        final PeerDirectory peers = launch(64, 2, 0);
        final TransportCounters counters = channels.counters();
        for (long node = 20; node < 22; node++)
        {
            listenAt(node);
            assertTrue(peers.register(node, endpoint(node)));
            final MessagePublisher publisher = peers.publisher(node);
            assertNotNull(publisher);
            Await.until(transport::invoke, publisher::isConnected, Duration.ofSeconds(10), () -> "link connected");
        }
        assertTrue(peers.register(22, endpoint(22)));
        assertNull(peers.publisher(22), "no room: both links are connected");
        assertEquals(1, counters.linksRefused.get());
        assertEquals(0, counters.linksClosed.get());
        assertEquals(2, peers.linkCount());
        assertTrue(peers.publisher(20).isConnected(), "the connected links stay open");
    }

    @Test
    void aYoungUnconnectedLinkIsNotClosedBeforeItsGrace()
    {
        final PeerDirectory peers = launch(64, 1, TimeUnit.HOURS.toNanos(1));
        assertTrue(peers.register(30, endpoint(30)));
        final MessagePublisher first = peers.publisher(30);
        assertNotNull(first);
        assertTrue(peers.register(31, endpoint(31)));
        assertNull(peers.publisher(31), "the first link has an hour to connect");
        assertEquals(1, channels.counters().linksRefused.get());
        assertSame(first, peers.publisher(30));
    }

    @Test
    void connectsFromNewPeersAreAnsweredAtMostFourInTenSecondsAndALinkedPeerAlways()
    {
        final PeerDirectory peers = launch(64, 16, 0);
        final TransportCounters counters = channels.counters();
        assertTrue(peers.register(50, endpoint(50)));
        assertNotNull(peers.publisher(50));
        for (long node = 51; node <= 54; node++)
        {
            assertTrue(peers.admitConnect(node), "four at once: " + node);
        }
        assertFalse(peers.admitConnect(55), "the fifth within the window is refused");
        assertEquals(1, counters.connectsRefused.get());
        assertTrue(peers.admitConnect(50), "a peer with a link is always answered");

        nowNs.addAndGet(TimeUnit.MILLISECONDS.toNanos(2_500));
        assertTrue(peers.admitConnect(55), "one every 2.5 s");
        assertFalse(peers.admitConnect(56));
        nowNs.addAndGet(TimeUnit.SECONDS.toNanos(60));
        for (long node = 56; node <= 59; node++)
        {
            assertTrue(peers.admitConnect(node), "the bucket refills to four, no more: " + node);
        }
        assertFalse(peers.admitConnect(60));
        assertEquals(3, counters.connectsRefused.get());
    }

    @Test
    void aConnectMayNotMoveAKeptPeerNorOneConnectedElsewhere()
    {
        final PeerDirectory peers = launch(64, 8, 0);
        final TransportCounters counters = channels.counters();
        assertFalse(peers.registerConnecting(SELF, endpoint(60)), "the node itself");
        peers.keep(61);
        assertTrue(peers.register(61, endpoint(61)));
        assertFalse(peers.registerConnecting(61, endpoint(60)), "a kept peer");

        listenAt(62);
        assertTrue(peers.registerConnecting(62, endpoint(62)));
        final MessagePublisher link = peers.publisher(62);
        Await.until(transport::invoke, link::isConnected, Duration.ofSeconds(10), () -> "link connected");
        assertFalse(peers.registerConnecting(62, endpoint(63)), "connected at its endpoint: a claim elsewhere is refused");
        assertTrue(peers.registerConnecting(62, endpoint(62)), "the same endpoint again is the peer itself");
        assertSame(link, peers.publisher(62));
        assertEquals(3, counters.peersRefused.get());

        assertTrue(peers.registerConnecting(64, endpoint(64)));
        assertNotNull(peers.publisher(64), "a link nobody listens at");
        assertTrue(peers.registerConnecting(64, endpoint(65)), "a peer whose link is down may move");
        assertEquals(endpoint(65), peers.endpoint(64));
    }

    @Test
    void aFullDirectoryForgetsTheOldestPeerWithoutALinkAndNeverAKeptOne()
    {
        // Room for the node itself and three peers.
        final PeerDirectory peers = launch(4, 4, TimeUnit.HOURS.toNanos(1));
        final TransportCounters counters = channels.counters();
        peers.keep(40);
        assertTrue(peers.register(40, endpoint(40)));
        assertTrue(peers.register(41, endpoint(41)));
        assertTrue(peers.register(42, endpoint(42)));
        assertNotNull(peers.publisher(42), "42 has a link");
        assertEquals(4, peers.peerCount());

        assertTrue(peers.register(43, endpoint(43)), "room is made by forgetting 41");
        assertNull(peers.endpoint(41), "41 was the oldest peer without a link and not kept");
        assertNotNull(peers.endpoint(40), "kept");
        assertNotNull(peers.endpoint(42), "linked");
        assertNotNull(peers.endpoint(SELF), "the node itself is kept");
        assertEquals(4, peers.peerCount());

        assertTrue(peers.register(44, endpoint(44)), "43 is forgotten next");
        assertNull(peers.endpoint(43));
        assertNotNull(peers.publisher(44));
        assertFalse(peers.register(45, endpoint(45)), "nothing left to forget: refused");
        assertNull(peers.endpoint(45));
        assertEquals(1, counters.peersRefused.get());
        assertTrue(peers.register(44, endpoint(44)), "a peer already known is never refused");
        assertEquals(4, peers.peerCount());
    }
}
