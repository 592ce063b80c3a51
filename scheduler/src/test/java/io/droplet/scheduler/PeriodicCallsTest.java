package io.droplet.scheduler;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class PeriodicCallsTest
{
    private static final long MS = 1_000_000L;
    private static final long EPOCH = 1_700_000_000_000_000_000L;
    private static final long CALLER = 99;

    private record Run(long correlationId, long nanoTime, long epochTime, long deadline, byte arg)
    {
    }

    private final CachedNanoClock clock = new CachedNanoClock();
    private final long[] epochNow = new long[1];
    private final List<Run> runs = new ArrayList<>();
    private final DagDefinition f = DagDefinition.single("f");
    private final SourceArgs args = new SourceArgs().wrap(new UnsafeBuffer(new byte[]{ 7 })).stage(0, 0, 1);
    private PeriodicCalls periodicCalls;

    @BeforeEach
    void setUp()
    {
        clock.update(5_000 * MS);
        epochNow[0] = EPOCH;
        periodicCalls = new PeriodicCalls(clock, 1L << 20, 512, () -> epochNow[0], 100 * MS, 10_000 * MS,
            (dag, callArgs, correlationId, caller, deadline) ->
            {
                assertEquals(CALLER, caller);
                runs.add(new Run(correlationId, clock.nanoTime(), epochNow[0], deadline, callArgs.buffer().getByte(callArgs.offset(0))));
            });
    }

    private void advanceTo(final long sinceStartNs)
    {
        final long delta = 5_000 * MS + sinceStartNs - clock.nanoTime();
        clock.advance(delta);
        epochNow[0] += delta;
        periodicCalls.poll(clock.nanoTime());
    }

    @Test
    void runsAtOnceThenEveryPeriodUntilCancelled()
    {
        periodicCalls.add(1, CALLER, f, args, 100 * MS, new long[0], 0);
        advanceTo(0);
        assertEquals(1, runs.size(), "the first run is due at once");
        assertEquals(EPOCH + 100 * MS, runs.get(0).deadline(), "each run must finish within its period");
        assertEquals(7, runs.get(0).arg(), "the call's arguments, kept");

        advanceTo(99 * MS);
        assertEquals(1, runs.size(), "not before the period");
        advanceTo(100 * MS);
        assertEquals(2, runs.size(), "at the period, to the tick");
        advanceTo(350 * MS);
        assertEquals(3, runs.size(), "a late poll runs once, not once per missed period");
        advanceTo(449 * MS);
        assertEquals(3, runs.size(), "after falling behind, the next run is a period after the late one");
        advanceTo(450 * MS);
        assertEquals(4, runs.size());

        assertFalse(periodicCalls.cancel(1, CALLER + 1), "another caller cannot cancel it");
        advanceTo(550 * MS);
        assertEquals(5, runs.size(), "still running");
        assertTrue(periodicCalls.cancel(1, CALLER));
        advanceTo(10_000 * MS);
        assertEquals(5, runs.size(), "no run after cancel");
        assertEquals(0, periodicCalls.size());
        assertTrue(periodicCalls.cancel(1, CALLER), "cancelling again is acknowledged too");
    }

    @Test
    void runsOnceAtEachGivenTimeThenEnds()
    {
        final long[] times = { EPOCH + 500 * MS, EPOCH + 50 * MS, EPOCH + 60 * MS };
        java.util.Arrays.sort(times);
        periodicCalls.add(2, CALLER, f, args, 0, times, times.length);

        advanceTo(0);
        advanceTo(49 * MS);
        assertEquals(0, runs.size(), "nothing before the first time");
        advanceTo(50 * MS);
        assertEquals(1, runs.size());
        assertEquals(EPOCH + 50 * MS, runs.get(0).epochTime());
        assertEquals(EPOCH + 150 * MS, runs.get(0).deadline(), "the next time is sooner than the shortest run: 100 ms");

        advanceTo(200 * MS);
        assertEquals(2, runs.size(), "the 60 ms time runs at the next poll after it");
        assertEquals(EPOCH + 500 * MS, runs.get(1).deadline(), "deadline: the next given time");
        advanceTo(499 * MS);
        assertEquals(2, runs.size());
        advanceTo(500 * MS);
        assertEquals(3, runs.size());
        assertEquals(EPOCH + 10_500 * MS, runs.get(2).deadline(), "the last run gets the last-run deadline");
        assertEquals(0, periodicCalls.size(), "the call ended after its last time");
        advanceTo(60_000 * MS);
        assertEquals(3, runs.size());
    }

    @Test
    void timesAlreadyPassedRunTogetherAndCancelStopsTheRest()
    {
        final long[] times = { EPOCH - 20 * MS, EPOCH - 10 * MS, EPOCH + 300 * MS, EPOCH + 400 * MS };
        periodicCalls.add(3, CALLER, f, args, 0, times, times.length);
        advanceTo(0);
        assertEquals(2, runs.size(), "both past times run at once");

        assertTrue(periodicCalls.cancel(3, CALLER));
        advanceTo(1_000 * MS);
        assertEquals(2, runs.size(), "cancelled before its third time");
    }

    @Test
    void manyCallsFireIndependently()
    {
        periodicCalls.add(10, CALLER, f, args, 30 * MS, new long[0], 0);
        periodicCalls.add(11, CALLER, f, args, 70 * MS, new long[0], 0);
        for (long t = 0; t <= 210 * MS; t += MS)
        {
            advanceTo(t);
        }
        final long tens = runs.stream().filter(r -> r.correlationId() == 10).count();
        final long elevens = runs.stream().filter(r -> r.correlationId() == 11).count();
        assertEquals(8, tens, "0, 30, ..., 210 ms");
        assertEquals(4, elevens, "0, 70, 140, 210 ms");
        for (final Run run : runs)
        {
            final long sinceStart = run.nanoTime() - 5_000 * MS;
            assertEquals(0, sinceStart % (run.correlationId() == 10 ? 30 * MS : 70 * MS), "on time: " + run);
        }
    }
}
