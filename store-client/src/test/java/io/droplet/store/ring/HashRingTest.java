package io.droplet.store.ring;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

@Timeout(60)
class HashRingTest
{
    private static UnsafeBuffer key(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static HashRing ring(final Random random, final int nodes)
    {
        final HashRing ring = new HashRing(HashRing.DEFAULT_VIRTUAL_NODES);
        for (int i = 0; i < nodes; i++)
        {
            ring.add(1 + random.nextInt(1_000_000));
        }
        return ring;
    }

    @Test
    void replicasAreDistinctAndAsManyAsAsked()
    {
        qt().withExamples(500).forAll(integers().between(1, 8), integers().between(1, 5), longs().all())
            .checkAssert((nodes, r, seed) ->
            {
                final Random random = new Random(seed);
                final HashRing ring = ring(random, nodes);
                final long[] out = new long[r];
                for (int k = 0; k < 50; k++)
                {
                    final UnsafeBuffer key = key("key-" + random.nextInt());
                    final int count = ring.replicas(key, 0, key.capacity(), r, out);
                    assertEquals(Math.min(r, ring.size()), count);
                    final Set<Long> distinct = new HashSet<>();
                    for (int i = 0; i < count; i++)
                    {
                        assertTrue(ring.contains(out[i]));
                        distinct.add(out[i]);
                    }
                    assertEquals(count, distinct.size(), "replicas are distinct nodes");
                }
            });
    }

    @Test
    void keysSpreadEvenlyOverNodes()
    {
        qt().withExamples(30).forAll(integers().between(3, 10), longs().all()).checkAssert((nodes, seed) ->
        {
            final Random random = new Random(seed);
            final HashRing ring = ring(random, nodes);
            final Map<Long, Integer> primaries = new HashMap<>();
            final long[] out = new long[1];
            final int keys = 50_000;
            for (int k = 0; k < keys; k++)
            {
                final UnsafeBuffer key = key("user:" + random.nextLong());
                ring.replicas(key, 0, key.capacity(), 1, out);
                primaries.merge(out[0], 1, Integer::sum);
            }
            final double mean = (double)keys / ring.size();
            for (final long node : ring.nodes())
            {
                final int share = primaries.getOrDefault(node, 0);
                assertTrue(share > 0.6 * mean && share < 1.4 * mean,
                    "node " + node + " is primary for " + share + " keys, mean " + mean + " over " + ring.size() + " nodes");
            }
        });
    }

    @Test
    void aJoiningNodeTakesKeysOnlyForItself()
    {
        qt().withExamples(50).forAll(integers().between(1, 8), longs().all()).checkAssert((nodes, seed) ->
        {
            final Random random = new Random(seed);
            final HashRing ring = ring(random, nodes);
            final long joiner = 2_000_000 + random.nextInt(1000);
            final HashRing grown = copyOf(ring);
            grown.add(joiner);
            final long[] before = new long[1];
            final long[] after = new long[1];
            final int keys = 5_000;
            int moved = 0;
            for (int k = 0; k < keys; k++)
            {
                final UnsafeBuffer key = key("k" + random.nextLong());
                ring.replicas(key, 0, key.capacity(), 1, before);
                grown.replicas(key, 0, key.capacity(), 1, after);
                if (before[0] != after[0])
                {
                    assertEquals(joiner, after[0], "a key moves only to the joining node");
                    moved++;
                }
            }
            // The joiner takes about 1/(n+1) of the keys: never none, never most.
            final double expected = (double)keys / (ring.size() + 1);
            assertTrue(moved > 0.5 * expected && moved < 1.6 * expected, "moved " + moved + ", expected about " + expected);
        });
    }

    @Test
    void everyProcessBuildsTheSameRing()
    {
        final HashRing a = new HashRing(64);
        final HashRing b = new HashRing(64);
        for (final long node : new long[]{ 5, 1, 9, 3 })
        {
            a.add(node);
        }
        for (final long node : new long[]{ 9, 3, 1, 5 })
        {
            b.add(node);
        }
        final long[] outA = new long[3];
        final long[] outB = new long[3];
        for (int k = 0; k < 1000; k++)
        {
            final UnsafeBuffer key = key("k" + k);
            a.replicas(key, 0, key.capacity(), 3, outA);
            b.replicas(key, 0, key.capacity(), 3, outB);
            assertEquals(java.util.Arrays.toString(outA), java.util.Arrays.toString(outB));
        }
    }

    private static HashRing copyOf(final HashRing ring)
    {
        final HashRing copy = new HashRing(HashRing.DEFAULT_VIRTUAL_NODES);
        for (final long node : ring.nodes())
        {
            copy.add(node);
        }
        return copy;
    }
}
