package io.droplet.perf.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * gRPC's two servers and channels on loopback answer {@code square(increment(x))}.
 */
class GrpcPeerTest
{
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void squaresTheIncrement() throws Exception
    {
        try (GrpcPeer peer = new GrpcPeer())
        {
            peer.start();

            assertEquals(16, peer.call(3));
            assertEquals(1, peer.call(-2));
            assertEquals(50, PeerMain.measure(peer, 10, 50).getTotalCount());
        }
    }
}
