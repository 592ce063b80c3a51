package io.droplet.executors;

import io.droplet.api.ShortFunction;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeats go on their period, to every scheduler known, each once, and say what the pool has free and
 * which functions take a slot; capacity reports go early, at most once per report interval, when a scheduler
 * may count the pool full while it has a free slot.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HeartbeatsTest
{
    private static final long PERIOD = 100_000;
    private static final long INTERVAL = 1_000;

    private final RecordingSends sends = new RecordingSends();
    private final Heartbeats heartbeats = new Heartbeats(sends, new LocalFunctions(), 100, 1_000);

    /** A pool the test sets by hand: workers, runs on it, and stages handed to it. */
    private static final class FakePool implements Heartbeats.PoolSlots
    {
        int workers;
        int busy;
        long claims;

        FakePool(final int workers)
        {
            this.workers = workers;
        }

        void claim()
        {
            claims++;
            busy++;
        }

        public int workers()
        {
            return workers;
        }

        public int busy()
        {
            return busy;
        }

        public long claims()
        {
            return claims;
        }
    }

    @Test
    void heartbeatsGoOnTheirPeriodToEverySchedulerOnce()
    {
        assertTrue(heartbeats.addScheduler(1));
        assertTrue(heartbeats.addScheduler(2));
        assertFalse(heartbeats.addScheduler(1), "a scheduler introduced again is not added twice");

        assertTrue(heartbeats.mayTick(1_000));
        assertEquals(2, heartbeats.tick(1_000, 77, 0), "the first is due at once");
        assertFalse(heartbeats.mayTick(1_099), "nothing can go before the period (the report interval is longer)");
        assertEquals(0, heartbeats.tick(1_099, 78, 0));
        assertTrue(heartbeats.mayTick(1_100));
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

    @Test
    void aHeartbeatAdvertisesWorkersFreeSlotsAndEachFunctionsLane()
    {
        final LocalFunctions functions = new LocalFunctions();
        functions.install("micro", ShortFunction.of(inv -> inv.result().writeLong(1)));
        functions.install("slow", inv -> inv.result().writeLong(2));
        final FakePool pool = new FakePool(16);
        pool.busy = 5;
        final Heartbeats withPool = new Heartbeats(sends, functions, PERIOD, INTERVAL, 0).pool(pool);
        withPool.addScheduler(1);

        assertEquals(1, withPool.tick(0, 1, 0));
        final Report report = sends.reports.get(0);
        assertEquals(Kind.HEARTBEAT, report.kind());
        assertEquals(16, report.workers());
        assertEquals(11, report.freeSlots(), "workers not busy");
        assertEquals(5, report.inFlight());
        assertEquals(List.of("micro"), report.inline(), "a ShortFunction runs inline and takes no slot");
        assertEquals(List.of("slow"), report.pooled());

        pool.busy = 16 + 30;
        assertEquals(1, withPool.tick(PERIOD, 2, 0));
        assertEquals(0, sends.reports.get(1).freeSlots(), "runs waiting in the pool's queue are not free slots");
    }

    @Test
    void anExecutorWithoutAPoolAdvertisesNoSlots()
    {
        heartbeats.addScheduler(1);
        heartbeats.tick(1_000, 1, 0);
        assertEquals(0, sends.reports.get(0).workers());
        assertEquals(0, sends.reports.get(0).freeSlots());
    }

    @Test
    void capacityIsReportedEarlyWhenAFullPoolHasAFreeSlotAgain()
    {
        final FakePool pool = new FakePool(2);
        final Heartbeats withPool = new Heartbeats(sends, new LocalFunctions(), PERIOD, INTERVAL, 0).pool(pool);
        withPool.addScheduler(1);
        withPool.addScheduler(2);
        assertEquals(2, withPool.tick(0, 1, 0));

        pool.claim();
        pool.claim();
        assertEquals(0, withPool.tick(5 * INTERVAL, 1, 0), "full: nothing to report");

        pool.busy--;
        assertEquals(2, withPool.tick(5 * INTERVAL + 1, 1, 0), "a slot freed: every scheduler hears at once");
        final Report report = sends.reports.get(sends.reports.size() - 1);
        assertEquals(Kind.CAPACITY, report.kind());
        assertEquals(2, report.workers());
        assertEquals(1, report.freeSlots());

        pool.busy--;
        assertEquals(0, withPool.tick(5 * INTERVAL + 2, 1, 0), "the scheduler still knows of a free slot it has not used");

        pool.claim();
        assertEquals(0, withPool.tick(5 * INTERVAL + 3, 1, 0),
            "a scheduler may count the pool full again, but the last report went less than an interval ago");
        assertEquals(2, withPool.tick(6 * INTERVAL + 1, 1, 0), "... and once the interval passed, it is reported");
        assertEquals(1, sends.reports.get(sends.reports.size() - 1).freeSlots());
        assertEquals(4, sends.of(Kind.CAPACITY).size());
    }

    @Test
    void noCapacityReportWhileTheSchedulersStillKnowOfFreeSlots()
    {
        final FakePool pool = new FakePool(4);
        final Heartbeats withPool = new Heartbeats(sends, new LocalFunctions(), PERIOD, INTERVAL, 0).pool(pool);
        withPool.addScheduler(1);
        withPool.tick(0, 1, 0);

        for (int i = 0; i < 3; i++)
        {
            pool.claim();
            pool.busy--;
            assertEquals(0, withPool.tick((i + 2) * INTERVAL, 1, 0), "fewer stages handed over than the report gave slots");
        }
        pool.claim();
        pool.busy--;
        assertEquals(1, withPool.tick(10 * INTERVAL, 1, 0), "as many as the report gave: a scheduler may think it full");
        assertEquals(4, sends.reports.get(1).freeSlots());
        assertEquals(1, withPool.tick(PERIOD, 1, 0), "the heartbeat still goes on its period");
        assertEquals(Kind.HEARTBEAT, sends.reports.get(2).kind());
    }

    @Test
    void aChangedFunctionTableIsAnnouncedEarly()
    {
        final LocalFunctions functions = new LocalFunctions();
        final Heartbeats withPool = new Heartbeats(sends, functions, PERIOD, INTERVAL, 0).pool(new FakePool(1));
        withPool.addScheduler(1);
        withPool.tick(0, 1, 0);

        functions.install("micro", ShortFunction.of(inv -> inv.result().writeLong(1)));
        assertEquals(0, withPool.tick(INTERVAL / 2, 1, 0), "no sooner than an interval after the last report");
        functions.install("slow", inv -> inv.result().writeLong(2));
        assertEquals(1, withPool.tick(INTERVAL, 1, 0), "long before the heartbeat is due");
        final Report report = sends.reports.get(1);
        assertEquals(Kind.HEARTBEAT, report.kind());
        assertEquals(List.of("micro"), report.inline());
        assertEquals(List.of("slow"), report.pooled());
        assertEquals(0, withPool.tick(3 * INTERVAL, 1, 0), "announced once");
    }
}
