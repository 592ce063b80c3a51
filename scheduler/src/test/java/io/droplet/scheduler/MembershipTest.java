package io.droplet.scheduler;

import io.droplet.codecs.sbe.Role;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MembershipTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void introducesAJoiningExecutorBothWaysAndAConnectingCallerToEveryExecutor()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        final UnsafeBuffer callerEndpoint = SchedulerRig.utf8("client-host:0/5100");
        rig.membership.onConnect(3, 100, 0, callerEndpoint, 0, callerEndpoint.capacity());
        assertEquals(1, rig.publisher.connected.size());
        assertEquals(100, rig.publisher.connected.get(0)[2], "without a session token the session is the client id");
        assertEquals(SECOND, rig.publisher.connected.get(0)[3], "the lease is the executor timeout");

        rig.heartbeat(10, "host-a", 0);
        rig.heartbeat(11, "host-b", 0);

        // Order follows the endpoint table; what matters is that every pair can reach each other.
        assertEquals(java.util.Set.of(
            new RecordingPublisher.Introduction(10, 100, "client-host:0/5100", ""),
            new RecordingPublisher.Introduction(11, 100, "client-host:0/5100", ""),
            new RecordingPublisher.Introduction(11, 10, "host-a:0/5010", ""),
            new RecordingPublisher.Introduction(10, 11, "host-b:0/5011", "")),
            new java.util.HashSet<>(rig.publisher.introductions));
        assertEquals(4, rig.publisher.introductions.size());
        assertEquals(List.of(100L, 10L, 11L), rig.registeredPeers, "every endpoint is registered for sending");

        rig.publisher.clear();
        rig.heartbeat(10, "host-a", 2);
        assertTrue(rig.publisher.introductions.isEmpty(), "a known executor is not introduced again");

        final UnsafeBuffer secondCaller = SchedulerRig.utf8("other-host:0/5200");
        rig.membership.onConnect(4, 200, 77, secondCaller, 0, secondCaller.capacity());
        assertEquals(77, rig.publisher.connected.get(0)[2], "an authenticated caller gets its session token");
        assertEquals(2, rig.publisher.introductions.size());
    }

    @Test
    void aCallerTheDirectoryRefusesIsNotAnsweredAndOneItForgotIsNotIntroduced()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.peerCapacity = 2;
        connect(rig, 100);
        connect(rig, 101);
        connect(rig, 102);
        assertEquals(2, rig.publisher.connected.size(), "the third caller is refused: the directory is full");

        // The directory forgets 100 to make room (as a full PeerDirectory forgets the oldest peer without a link),
        // then enough callers connect that the scheduler prunes what its directory no longer knows.
        rig.knownPeers.remove(100L);
        rig.peerCapacity = Integer.MAX_VALUE;
        for (long caller = 200; caller < 300; caller++)
        {
            connect(rig, caller);
        }
        rig.publisher.clear();
        rig.heartbeat(10, "host-a", 0);
        final java.util.Set<Long> introduced = new java.util.HashSet<>();
        for (final RecordingPublisher.Introduction introduction : rig.publisher.introductions)
        {
            assertEquals(10, introduction.destination());
            introduced.add(introduction.node());
        }
        assertTrue(introduced.contains(101L) && introduced.contains(299L), introduced.toString());
        assertTrue(!introduced.contains(100L), "a caller the directory forgot is not introduced");
        assertTrue(!introduced.contains(102L), "a refused caller is not introduced");
        assertEquals(101, introduced.size());
    }

    @Test
    void aConnectClaimingAnExecutorsIdIsRefusedUntilTheExecutorExpires()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0);
        assertTrue(rig.keptPeers.contains(10L), "a joined executor is kept");
        connect(rig, 10);
        assertTrue(rig.publisher.connected.isEmpty(), "an open deployment lets anyone claim any id: not a node's");
        assertEquals(1, rig.registeredPeers.stream().filter(node -> node == 10L).count(), "the executor's endpoint stays");

        rig.runFor(2 * SECOND);
        assertEquals(0, rig.membership.liveExecutorCount());
        assertTrue(!rig.keptPeers.contains(10L), "an expired executor is no longer kept");
        connect(rig, 10);
        assertEquals(1, rig.publisher.connected.size(), "its id is free again");
    }

    private static void connect(final SchedulerRig rig, final long caller)
    {
        final UnsafeBuffer endpoint = SchedulerRig.utf8("client-host:0/" + (5000 + caller));
        rig.membership.onConnect(caller, caller, 0, endpoint, 0, endpoint.capacity());
    }

    @Test
    void expiresSilentExecutorsAndCountsThem()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0);
        rig.heartbeat(11, "host-b", 0);
        assertEquals(2, rig.membership.liveExecutorCount());
        assertEquals(2, rig.counters.liveExecutors.get());

        rig.runFor(SECOND / 2);
        rig.heartbeat(11, "host-b", 0);
        rig.membership.doWork(rig.clock.nanoTime());
        assertEquals(2, rig.membership.liveExecutorCount(), "half a timeout of silence is fine");

        rig.runFor(SECOND / 2 + SECOND / 4);
        assertEquals(1, rig.membership.liveExecutorCount());
        assertEquals(11, rig.membership.liveExecutors().get(0).nodeId());
        assertEquals(1, rig.counters.executorsExpired.get());
        assertEquals(1, rig.counters.liveExecutors.get());

        rig.heartbeat(10, "host-a", 0);
        assertEquals(2, rig.membership.liveExecutorCount(), "it rejoins on its next heartbeat");
    }

    @Test
    void aStallOfItsOwnThreadIsNotTakenForTheExecutorsDeath()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0);
        rig.heartbeat(11, "host-b", 0);
        rig.runFor(SECOND / 10);

        // The shared thread stalls for 3 s: nobody heartbeats, and the scheduler runs again before they do.
        rig.advance(3 * SECOND);
        rig.membership.doWork(rig.clock.nanoTime());
        assertEquals(2, rig.membership.liveExecutorCount(), "expired on the first duty cycle after a stall");

        // Executor 10 heartbeats in its turn; 11 stays silent (it died meanwhile) and is expired after the grace.
        rig.heartbeat(10, "host-a", 0);
        rig.runFor(SECOND / 2);
        assertEquals(1, rig.membership.liveExecutorCount());
        assertEquals(10, rig.membership.liveExecutors().get(0).nodeId());
        assertEquals(1, rig.counters.executorsExpired.get());
    }

    @Test
    void aBadEndpointIsReportedAndTheNodeIgnored()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        final UnsafeBuffer endpoint = SchedulerRig.utf8("not an endpoint");
        rig.membership.onHeartbeat(10, Role.EXECUTOR.value(), 0, 0, 0, 1, java.util.Set.of(), java.util.Set.of(),
            endpoint, 0, endpoint.capacity(), endpoint, 0, 0);
        assertEquals(0, rig.membership.liveExecutorCount());
        assertEquals(1, rig.errors.size());
    }
}
