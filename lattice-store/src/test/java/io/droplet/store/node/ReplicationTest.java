package io.droplet.store.node;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Bytes;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.SetLattice;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three storage nodes, R=3, SET lattices: puts through different nodes to the same keys converge to identical
 * values on all three; a stopped node misses writes and catches up after it restarts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicationTest
{
    private static final int KEYS = 200;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private static byte[] key(final int k)
    {
        return ("key-" + k).getBytes(StandardCharsets.UTF_8);
    }

    /** A SET lattice of decimal numbers: the value every put merges in. */
    private static byte[] longs(final long... values)
    {
        final List<Bytes> elements = new ArrayList<>();
        for (final long value : values)
        {
            elements.add(Bytes.ofUtf8(Long.toString(value)));
        }
        return LatticeCodec.toBytes(SetLattice.of(elements));
    }

    private static TreeSet<Long> decode(final byte[] bytes)
    {
        final TreeSet<Long> set = new TreeSet<>();
        for (final Bytes element : ((SetLattice)LatticeCodec.fromBytes(bytes)).elements())
        {
            set.add(Long.parseLong(new String(element.toByteArray(), StandardCharsets.UTF_8)));
        }
        return set;
    }

    private boolean converged(final StoreCluster cluster, final int keys, final int expectedPerKey)
    {
        for (int k = 0; k < keys; k++)
        {
            final byte[] first = cluster.stored(0, key(k));
            if (null == first || decode(first).size() != expectedPerKey)
            {
                return false;
            }
            for (int i = 1; i < cluster.nodes.length; i++)
            {
                if (!Arrays.equals(first, cluster.stored(i, key(k))))
                {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void putsThroughDifferentNodesConvergeAndARestartedNodeCatchesUp()
    {
        try (StoreCluster cluster = new StoreCluster(
            watcher.aeronDirectory("replication"), watcher.dataDirectory("replication"), 3, 3,
            TimeUnit.MILLISECONDS.toNanos(10), () -> new LatticeMerger()::merge))
        {
            // Every key gets one element through each of the three nodes, acknowledged by one replica.
            for (int k = 0; k < KEYS; k++)
            {
                for (int via = 0; via < 3; via++)
                {
                    assertNull(cluster.put(StoreCluster.nodeId(via), key(k), longs(k * 10L + via), AckLevel.ONE));
                }
            }
            Await.until(cluster::dutyCycle, () -> converged(cluster, KEYS, 3), Duration.ofSeconds(30),
                () -> "all three replicas hold identical values");
            assertEquals(new TreeSet<>(List.of(70L, 71L, 72L)), decode(cluster.stored(2, key(7))));
            for (int i = 0; i < 3; i++)
            {
                assertTrue(cluster.counters[i].gossipRounds.get() > 0);
            }

            // Node 3 stops; writes go on through the others; ALL cannot be met meanwhile.
            cluster.stop(2);
            for (int k = 0; k < KEYS; k++)
            {
                assertNull(cluster.put(StoreCluster.nodeId(k % 2), key(k), longs(k * 10L + 5), AckLevel.ONE));
            }
            assertEquals(ErrorCode.TIMEOUT, cluster.put(StoreCluster.nodeId(0), key(0), longs(9), AckLevel.ALL),
                "ALL with a replica down ends in TIMEOUT");
            assertEquals(new TreeSet<>(List.of(0L, 1L, 2L, 5L, 9L)), decode(cluster.get(StoreCluster.nodeId(1), key(0))),
                "the live replicas kept the merge");

            cluster.restart(2);
            Await.until(cluster::dutyCycle, () -> identical(cluster) && decode(cluster.stored(2, key(0))).size() == 5 &&
                decode(cluster.stored(2, key(KEYS - 1))).size() == 4,
                Duration.ofSeconds(30), () -> "the restarted node caught up");
            assertEquals(decode(cluster.stored(0, key(3))), decode(cluster.get(StoreCluster.nodeId(2), key(3))),
                "and serves what it caught up on");
        }
    }

    private static boolean identical(final StoreCluster cluster)
    {
        for (int k = 0; k < KEYS; k++)
        {
            final byte[] first = cluster.stored(0, key(k));
            for (int i = 1; i < cluster.nodes.length; i++)
            {
                if (null == first || !Arrays.equals(first, cluster.stored(i, key(k))))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
