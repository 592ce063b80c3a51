package io.droplet.executors;

import io.droplet.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workers' hand-off: no run lost or taken twice whether workers spin, park or both, bursts reach parked
 * workers, and closing ends every wait.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkQueueTest
{
    @Test
    void everyRunIsTakenOnceWhetherWorkersSpinOrPark() throws Exception
    {
        // Spin windows around the gaps between bursts, so offers meet spinning, parking and parked workers.
        for (final long spinNs : new long[] {0, 5_000, 200_000})
        {
            handOver(spinNs, 4, 20_000);
        }
    }

    @Test
    void aBurstWhileOneWorkerSpinsReachesTheParkedOnes() throws Exception
    {
        final WorkQueue<Integer> queue = new WorkQueue<>(64, TimeUnit.SECONDS.toNanos(5));
        final int workers = 4;
        final AtomicLong running = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        final Object release = new Object();
        final boolean[] released = {false};
        for (int i = 0; i < workers; i++)
        {
            threads.add(start(() ->
            {
                Integer run;
                while (null != (run = queue.take()))
                {
                    running.incrementAndGet();
                    synchronized (release)
                    {
                        while (!released[0])
                        {
                            release.wait();
                        }
                    }
                    done.incrementAndGet();
                }
            }));
        }
        // One worker spins (a 5 s window), the others park; then four runs at once: each must reach a worker,
        // though the agent wakes nobody while a worker spins.
        Await.until(() -> threads.stream().filter(t -> t.getState() == Thread.State.WAITING).count() >= workers - 1,
            Duration.ofSeconds(30), () -> "three workers parked");
        for (int i = 0; i < workers; i++)
        {
            assertTrue(queue.offer(i));
        }
        Await.until(() -> running.get() == workers, Duration.ofSeconds(30), () -> "every run of the burst running at once");
        synchronized (release)
        {
            released[0] = true;
            release.notifyAll();
        }
        Await.until(() -> done.get() == workers, Duration.ofSeconds(30), () -> "runs done");
        queue.close();
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive(), "a worker still waits after close");
        }
        assertNull(queue.poll());
    }

    private static void handOver(final long spinNs, final int workers, final int runs) throws Exception
    {
        final WorkQueue<Integer> queue = new WorkQueue<>(1024, spinNs);
        final AtomicIntegerArray taken = new AtomicIntegerArray(runs);
        final AtomicLong count = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++)
        {
            threads.add(start(() ->
            {
                Integer run;
                while (null != (run = queue.take()))
                {
                    taken.incrementAndGet(run);
                    count.incrementAndGet();
                }
            }));
        }
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        int next = 0;
        while (next < runs)
        {
            final int burst = Math.min(runs - next, 1 + random.nextInt(8));
            for (int i = 0; i < burst; i++)
            {
                final int run = next++;
                while (!queue.offer(run))
                {
                    Thread.onSpinWait();
                }
            }
            if (random.nextInt(64) == 0)
            {
                // A gap past the spin window now and then, so workers park and must be woken.
                LockSupport.parkNanos(random.nextLong(1_000, 300_000));
            }
        }
        Await.until(() -> count.get() == runs, Duration.ofSeconds(60), () -> "every run taken (spin " + spinNs + " ns): " + count.get());
        queue.close();
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive(), "a worker still waits after close");
        }
        for (int i = 0; i < runs; i++)
        {
            assertEquals(1, taken.get(i), "run " + i + " taken once (spin " + spinNs + " ns)");
        }
    }

    private interface Work
    {
        void run() throws Exception;
    }

    private static Thread start(final Work work)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                work.run();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
