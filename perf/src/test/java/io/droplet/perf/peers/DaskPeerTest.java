package io.droplet.perf.peers;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dask's LocalCluster, driven through the script, answers {@code square(increment(x))} both for a single
 * call and in a run timed inside Python. Skipped only where Dask is not installed and cannot be.
 * <p>
 * In the slow profile ({@code mvn -B verify -Pslow}): on a fresh machine its first run installs Debian's
 * {@code python3-distributed}, which can take minutes, too long for the default suite.
 */
class DaskPeerTest
{
    /** Long enough for a one-time {@code apt-get install} on a slow machine. */
    @Test
    @Tag("slow")
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void squaresTheIncrement() throws Exception
    {
        try (DaskPeer peer = new DaskPeer())
        {
            try
            {
                peer.start();
            }
            catch (final PeerUnavailableException ex)
            {
                Assumptions.abort("Dask cannot run here: " + ex.getMessage());
            }

            assertEquals(16, peer.call(3));
            final PeerRun run = peer.runTimedInPython(2, 10);
            assertEquals(10, run.latencyNs().getTotalCount());
            assertEquals(0, run.mismatches());
        }
    }
}
