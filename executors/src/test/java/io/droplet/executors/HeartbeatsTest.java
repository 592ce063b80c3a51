package io.droplet.executors;

import io.droplet.executors.RecordingSends.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeats go on their period, to every scheduler known, each once.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HeartbeatsTest
{
    private final RecordingSends sends = new RecordingSends();
    private final Heartbeats heartbeats = new Heartbeats(sends, new LocalFunctions(), 100, 1_000);

    @Test
    void heartbeatsGoOnTheirPeriodToEverySchedulerOnce()
    {
        assertTrue(heartbeats.addScheduler(1));
        assertTrue(heartbeats.addScheduler(2));
        assertFalse(heartbeats.addScheduler(1), "a scheduler introduced again is not added twice");

        assertEquals(2, heartbeats.tick(1_000, 77, 0), "the first is due at once");
        assertEquals(0, heartbeats.tick(1_099, 78, 0));
        assertEquals(2, heartbeats.tick(1_100, 79, 0));
        assertEquals(4, sends.of(Kind.HEARTBEAT).size());
        assertEquals(79, sends.of(Kind.HEARTBEAT).get(3).timestamp());
    }

    @Test
    void manySchedulersFit()
    {
        for (int i = 0; i < 20; i++)
        {
            heartbeats.addScheduler(100 + i);
        }
        assertEquals(20, heartbeats.schedulers());
        assertEquals(20, heartbeats.tick(1_000, 1, 0));
    }
}
