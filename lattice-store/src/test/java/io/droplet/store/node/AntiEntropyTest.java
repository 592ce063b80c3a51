package io.droplet.store.node;

import io.droplet.transport.SendStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.droplet.store.node.ShardFixture.bytes;
import static io.droplet.store.node.ShardFixture.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Gossip between two storage nodes, each a real store on a temporary directory, linked by publishers that
 * deliver gossip straight to the other node's anti-entropy: no media driver, time passed in by the test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AntiEntropyTest
{
    private static final long A = 1;
    private static final long B = 2;
    private static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @TempDir
    File directory;

    private final Link toB = new Link();
    private final Link toA = new Link();
    private ShardFixture nodeA;
    private ShardFixture nodeB;
    private AntiEntropy gossipA;
    private AntiEntropy gossipB;
    private long now = TimeUnit.SECONDS.toNanos(5);

    /**
     * A one-way link: while the peer is away, the link reads as not connected and what is sent on it goes
     * into the void (accepted, never read), as gossip sent before a link is seen to be down does. A lossy
     * link drops what it accepts while still reading as connected (a peer that died with it unread).
     */
    private static final class Link extends RecordingStoragePublisher
    {
        AntiEntropy peer;
        boolean away;
        boolean lossy;
        int dropped;

        public int gossip(final long to, final long sender, final long round, final EntryBatch entries)
        {
            super.gossip(to, sender, round, entries);
            if (away || lossy)
            {
                dropped++;
            }
            else
            {
                peer.onGossip(sender, round, entries);
            }
            return SendStatus.OK;
        }

        public boolean isConnected(final long node)
        {
            return !away;
        }
    }

    @BeforeEach
    void start()
    {
        nodeA = new ShardFixture(new File(directory, "a"), A, 2, A, B);
        nodeB = new ShardFixture(new File(directory, "b"), B, 2, A, B);
        gossipA = antiEntropy(nodeA, toB, B);
        gossipB = antiEntropy(nodeB, toA, A);
        toB.peer = gossipB;
        toA.peer = gossipA;
    }

    private AntiEntropy antiEntropy(final ShardFixture node, final Link link, final long peer)
    {
        final AntiEntropy antiEntropy = new AntiEntropy(node.shard, link, new long[]{ peer }, PERIOD_NS, 256, 8,
            64 * 1024, node.storeCounters.gossipRounds, now, node.storeCounters.gossipFromStrangers);
        node.shard.addChangeListener(antiEntropy);
        return antiEntropy;
    }

    @AfterEach
    void stop()
    {
        nodeA.close();
        nodeB.close();
    }

    private void round()
    {
        now += PERIOD_NS;
        gossipA.doWork(now);
        gossipB.doWork(now);
    }

    private static void write(final ShardFixture node, final byte[] key, final byte[] value)
    {
        node.shard.merge(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(value), 0, value.length, 0);
    }

    @Test
    void aChangeReachesThePeerWithinAGossipPeriod()
    {
        round();
        write(nodeA, bytes("k"), longs(1));
        assertEquals(1, gossipA.pendingGossip());

        gossipA.doWork(now + PERIOD_NS / 2);
        assertNull(nodeB.get(bytes("k")), "no round before the period has passed");

        round();
        assertArrayEquals(longs(1), nodeB.get(bytes("k")));
        assertEquals(0, gossipA.pendingGossip());
        assertEquals(0, gossipB.pendingGossip(), "a key merged from a peer is not gossiped back to it");
    }

    @Test
    void aKeyWrittenWhileThePeerWasAwayReachesItOnceItIsBack()
    {
        round();
        toB.away = true;
        toA.away = true;

        write(nodeA, bytes("while-away"), longs(7));
        round();
        assertEquals(1, toB.dropped, "the round sent the key into the void");
        assertEquals(0, gossipA.pendingGossip(), "the send was accepted, so the key is no longer pending");
        round();
        assertNull(nodeB.get(bytes("while-away")));

        toB.away = false;
        toA.away = false;
        round();
        assertArrayEquals(longs(7), nodeB.get(bytes("while-away")), "caught up once the link is back");
    }

    @Test
    void aPeerThatSawTheOutageAsksForWhatItMissedThoughTheSenderNeverSawIt()
    {
        round();
        // A partition that only B's side saw: A's sends were accepted into the void while its link to B read as
        // connected throughout; B's link to A read as down, then came back.
        toB.lossy = true;
        toA.away = true;
        write(nodeA, bytes("unseen"), longs(5));
        round();
        assertEquals(1, toB.dropped, "A's gossip went into the void");
        assertEquals(0, gossipA.pendingGossip(), "and A believes it sent it");
        toB.lossy = false;
        toA.away = false;

        round();
        final List<RecordingStoragePublisher.Sent> fromB = toA.ofType("gossip");
        assertEquals(0L, fromB.get(fromB.size() - 1).correlationId(), "B, seeing its link back, says hello to A");
        round();
        assertArrayEquals(longs(5), nodeB.get(bytes("unseen")), "A answered the hello with what the two share");
    }

    @Test
    void aPeerThatRestartsSaysHelloAndIsSentWhatItMissed()
    {
        round();
        write(nodeA, bytes("old"), longs(3));
        toB.lossy = true;
        round();
        toB.lossy = false;
        round();
        assertNull(nodeB.get(bytes("old")), "lost in flight, and the link never read as down");
        assertEquals(0, gossipA.pendingGossip());

        // B restarts: a new anti-entropy (its first round says hello), on its store that never got the key.
        gossipB = antiEntropy(nodeB, toA, A);
        toB.peer = gossipB;
        gossipB.doWork(now);
        assertEquals(0L, toA.ofType("gossip").get(toA.ofType("gossip").size() - 1).correlationId(), "a hello is round 0");
        assertEquals(1, gossipA.pendingGossip(), "the hello queued the key the two share");

        round();
        assertArrayEquals(longs(3), nodeB.get(bytes("old")));
    }
}
