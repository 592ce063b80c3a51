package io.droplet.perf.floor;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronChainTest
{
    private static List<String> floorDirectories()
    {
        final String[] names = new File("/dev/shm").list((dir, name) -> name.startsWith("droplet-floor-"));
        return null == names ? List.of() : List.of(names);
    }

    @Test
    void ipcChainReturnsEveryValueUnchanged()
    {
        final List<String> before = floorDirectories();
        try (AeronChain chain = AeronChain.ipc(4, AeronChain.DEFAULT_PAYLOAD_BYTES))
        {
            assertEquals(4, chain.hopCount());
            for (int i = 0; i < 4; i++)
            {
                assertTrue(chain.channel(i).startsWith("aeron:ipc"), chain.channel(i));
            }
            for (long i = 0; i < 1_000; i++)
            {
                final long value = i * 0x9E3779B97F4A7C15L;
                assertEquals(value, chain.roundTrip(value));
            }
        }
        assertEquals(before, floorDirectories(), "driver directories are deleted on close");
    }

    @Test
    void twoHostChainCrossesHostsOverUdpAndReturnsEveryValueUnchanged()
    {
        final List<String> before = floorDirectories();
        // Fails rather than skips without 127.0.0.2: the floor of the two-host case would silently go missing.
        try (AeronChain chain = AeronChain.twoHosts(AeronChain.DEFAULT_PAYLOAD_BYTES))
        {
            assertEquals("127.0.0.1 -ipc-> 127.0.0.1 -udp-> 127.0.0.2 -ipc-> 127.0.0.2 -udp-> 127.0.0.1", chain.path());
            assertTrue(chain.channel(0).startsWith("aeron:ipc"), chain.channel(0));
            assertTrue(chain.channel(1).contains("endpoint=127.0.0.2:"), chain.channel(1));
            assertTrue(chain.channel(2).startsWith("aeron:ipc"), chain.channel(2));
            assertTrue(chain.channel(3).contains("endpoint=127.0.0.1:"), chain.channel(3));
            for (long i = 0; i < 200; i++)
            {
                final long value = -i * 31 - 7;
                assertEquals(value, chain.roundTrip(value));
            }
        }
        assertEquals(before, floorDirectories(), "driver directories are deleted on close");
    }

    @Test
    void measureRecordsOneLatencyPerTimedRoundTrip()
    {
        try (AeronChain chain = AeronChain.ipc(2, 1024))
        {
            final Histogram histogram = FloorRun.measure(chain, 100, 500);
            assertEquals(500, histogram.getTotalCount());
            assertTrue(histogram.getMinValue() > 0);
        }
    }

    @Test
    void rejectsLayoutsThatCannotWork()
    {
        assertThrows(IllegalArgumentException.class, () -> AeronChain.ipc(0, 128));
        assertThrows(IllegalArgumentException.class, () -> AeronChain.ipc(2, 4));
        assertThrows(IllegalArgumentException.class,
            () -> new AeronChain(List.of("127.0.0.1", "127.0.0.1"), new int[]{ 0, 1 }, 128));
        assertThrows(IllegalArgumentException.class, () -> new AeronChain(List.of("127.0.0.1"), new int[]{ 0, 1 }, 128));
    }

    @Test
    void cleansUpWhenAHopCannotCarryThePayload()
    {
        final List<String> before = floorDirectories();
        // Only known once the drivers run (a frame's size is theirs), so the chain must undo its launch.
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> AeronChain.ipc(1, 64 * 1024));
        assertTrue(ex.getMessage().contains("one frame"), ex.getMessage());
        assertEquals(before, floorDirectories());
    }
}
