package io.droplet.perf.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Hazelcast member in a JVM of its own and a client in this one answer {@code square(increment(x))};
 * closing the peer ends the member's JVM.
 */
class HazelcastPeerTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void squaresTheIncrementAndStopsTheMember() throws Exception
    {
        final List<ProcessHandle> before = ProcessHandle.current().children().collect(Collectors.toList());
        try (HazelcastPeer peer = new HazelcastPeer())
        {
            peer.start();

            assertEquals(16, peer.call(3));
            assertEquals(50, PeerMain.measure(peer, 10, 50).getTotalCount());
        }

        final List<ProcessHandle> left = ProcessHandle.current().children()
            .filter(ProcessHandle::isAlive)
            .filter(child -> !before.contains(child))
            .collect(Collectors.toList());
        assertTrue(left.isEmpty(), "member JVM still running after close: " + left);
    }
}
