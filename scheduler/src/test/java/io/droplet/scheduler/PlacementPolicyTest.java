package io.droplet.scheduler;

import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class PlacementPolicyTest
{
    private static ExecutorView executor(final long id, final String host, final int queueDepth, final String... functions)
    {
        final ExecutorView view = new ExecutorView(id, host);
        view.onHeartbeat(0, Set.of(functions), Set.of(), queueDepth, 16, 16);
        return view;
    }

    private static long hash(final String key)
    {
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return HashRing.hash(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    @Test
    void prefersAnnouncedFunctionThenCachedKeysThenLoad()
    {
        final PlacementPolicy policy = PlacementPolicy.leastLoaded();
        final ExecutorView busyWithKeys = executor(1, "host-a", 5, "f");
        final ExecutorView idleWithout = executor(2, "host-b", 0, "f");
        final ExecutorView lacksFunction = executor(3, "host-a", 0);
        final List<ExecutorView> executors = List.of(busyWithKeys, idleWithout, lacksFunction);

        assertEquals(2, policy.place("f", executors), "no references: least loaded among those with the function");

        final Map<String, Integer> cached = Map.of("host-a", 2, "host-b", 0);
        for (int i = 0; i < 10; i++)
        {
            assertEquals(1, policy.place("f", executors, host -> cached.getOrDefault(host, 0)),
                "the host caching the referenced keys wins over load");
        }
        assertTrue(policy.place("g", executors, host -> 0) != 0, "nobody announced g: still placed on a live executor");
        assertEquals(0, policy.place("f", List.of()), "no live executor: nowhere");
    }

    @Test
    void keySummaryHasNoFalseNegativesAndFewFalsePositives()
    {
        final byte[] summary = new byte[KeySummary.BYTES];
        for (int i = 0; i < 500; i++)
        {
            KeySummary.add(summary, hash("cached-" + i));
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(summary);
        for (int i = 0; i < 500; i++)
        {
            assertTrue(KeySummary.mightContain(buffer, 0, summary.length, hash("cached-" + i)));
        }
        int falsePositives = 0;
        for (int i = 0; i < 10_000; i++)
        {
            falsePositives += KeySummary.mightContain(buffer, 0, summary.length, hash("other-" + i)) ? 1 : 0;
        }
        // 500 keys in 8,192 bits with 3 probes: about 0.5% expected.
        assertTrue(falsePositives < 300, "false positives " + falsePositives + " of 10,000");
        assertTrue(!KeySummary.mightContain(buffer, 0, 10, hash("cached-1")), "a summary of the wrong size knows nothing");
    }
}
