package io.droplet.store.ring;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplicaFailoverTest
{
    private final long[] now = {1_000};
    private final HashRing ring = new HashRing(HashRing.DEFAULT_VIRTUAL_NODES);
    private final UnsafeBuffer key = new UnsafeBuffer("some-key".getBytes(StandardCharsets.UTF_8));

    ReplicaFailoverTest()
    {
        ring.add(21);
        ring.add(22);
        ring.add(23);
    }

    @Test
    void passesOverASuspectedPrimaryUntilItAnswersOrTheSuspicionEnds()
    {
        final ReplicaFailover failover = new ReplicaFailover(ring, 3, 500, () -> now[0]);
        final long[] replicas = new long[3];
        ring.replicas(key, 0, key.capacity(), 3, replicas);
        assertEquals(replicas[0], failover.choose(key, 0, key.capacity()), "the primary first");

        failover.suspect(replicas[0]);
        assertTrue(failover.isSuspected(replicas[0]));
        assertEquals(replicas[1], failover.choose(key, 0, key.capacity()), "then the next replica");
        failover.suspect(replicas[1]);
        assertEquals(replicas[2], failover.choose(key, 0, key.capacity()));
        failover.suspect(replicas[2]);
        assertEquals(replicas[0], failover.choose(key, 0, key.capacity()), "all suspected: the primary");

        failover.clear(replicas[0]);
        assertEquals(replicas[0], failover.choose(key, 0, key.capacity()), "an answer clears a suspicion");
        failover.clear(replicas[1]);
        failover.suspect(replicas[0]);
        assertEquals(replicas[1], failover.choose(key, 0, key.capacity()));
        now[0] += 500;
        assertFalse(failover.isSuspected(replicas[0]));
        assertEquals(replicas[0], failover.choose(key, 0, key.capacity()), "tried again once the suspicion ends");
    }

    @Test
    void worksWithNegativeNanoTimes()
    {
        now[0] = -5_000;
        final ReplicaFailover failover = new ReplicaFailover(ring, 3, 500, () -> now[0]);
        final long[] replicas = new long[3];
        ring.replicas(key, 0, key.capacity(), 3, replicas);
        assertEquals(replicas[0], failover.choose(key, 0, key.capacity()));
        failover.suspect(replicas[0]);
        assertEquals(replicas[1], failover.choose(key, 0, key.capacity()));
    }
}
