package io.droplet.executors;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.ArrayDeque;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The executor's worker pool: the lane of every function not declared short. A bounded number of
 * {@link PooledRun runs} (workers plus queue) exist; the agent claims a free one for each stage it hands
 * over, so when every worker is busy and the queue is full the claim fails at once and the stage is
 * answered NO_RESOURCES: the agent never waits. Workers take runs from the {@link WorkQueue} (one idle
 * worker spins for a bounded window before it parks, so a run handed to an idle pool starts at once) and hand each
 * completed run back through a many-to-one queue the agent drains in its duty cycle; mailbox calls
 * from running functions reach the agent through a second one. Both hand-back queues hold every run
 * at once, so a worker's offer never fails.
 * <p>
 * Runs are created on first need and reused, so the pooled lane allocates only while the pool grows
 * (and when a run's buffers grow to a larger argument or result than seen before).
 * <p>
 * <b>Note:</b> {@link #claim}, {@link #submit}, {@link #drainCompleted}, {@link #serveCalls} and
 * {@link #close} are the agent's (one thread); workers use {@link #offerCall} and {@link #isClosed}.
 */
final class WorkerPool implements AutoCloseable, Heartbeats.PoolSlots
{
    /** Creates a run the first time the pool needs one. */
    @FunctionalInterface
    interface RunFactory
    {
        /**
         * @param pool the run belongs to.
         * @return a new run.
         */
        PooledRun newRun(WorkerPool pool);
    }

    private final int capacity;
    private final RunFactory factory;
    private final ArrayDeque<PooledRun> free;
    private final PooledRun[] runs;
    private final WorkQueue<PooledRun> work;
    private final ManyToOneConcurrentArrayQueue<PooledRun> completed;
    private final ManyToOneConcurrentArrayQueue<PooledRun> calls;
    private final Thread[] threads;
    private int created;
    private int busy;
    private long claims;

    /**
     * @param workers       threads; 0 for none, when a test runs queued runs itself ({@link #runQueued}).
     * @param queue         runs that may wait for a free worker.
     * @param spinNs        how long an idle worker spins for the next run before it parks (one at a time); 0 for none.
     * @param factory       of runs.
     * @param threadFactory makes the worker threads.
     */
    WorkerPool(
        final int workers, final int queue, final long spinNs, final RunFactory factory, final ThreadFactory threadFactory)
    {
        this.capacity = Math.max(1, workers + queue);
        this.factory = factory;
        this.free = new ArrayDeque<>(capacity);
        this.runs = new PooledRun[capacity];
        this.work = new WorkQueue<>(capacity, spinNs);
        this.completed = new ManyToOneConcurrentArrayQueue<>(capacity);
        this.calls = new ManyToOneConcurrentArrayQueue<>(capacity);
        this.threads = new Thread[workers];
        for (int i = 0; i < workers; i++)
        {
            threads[i] = threadFactory.newThread(this::work);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    /**
     * @return a free run to fill and {@link #submit}, or null if every worker is busy and the queue is full.
     */
    PooledRun claim()
    {
        claims++;
        PooledRun run = free.pollFirst();
        if (null == run && created < capacity)
        {
            run = factory.newRun(this);
            runs[created++] = run;
        }
        if (null != run)
        {
            busy++;
        }
        return run;
    }

    /**
     * Hands a claimed, filled run to the workers; never blocks (the queue holds every run).
     */
    void submit(final PooledRun run)
    {
        run.inFlight = true;
        if (!work.offer(run))
        {
            throw new IllegalStateException("a claimed run always fits the work queue");
        }
    }

    /**
     * Frees a claimed run that is never submitted (a keyed call dropped while it waited for its key).
     */
    void unclaim(final PooledRun run)
    {
        release(run);
    }

    /**
     * Hands back the completed runs to {@code handler}, then frees them.
     *
     * @param handler does the rest of each run's stage on the agent's thread.
     * @param limit   of runs.
     * @return runs handed back.
     */
    int drainCompleted(final Consumer<PooledRun> handler, final int limit)
    {
        int drained = 0;
        PooledRun run;
        while (drained < limit && null != (run = completed.poll()))
        {
            try
            {
                handler.accept(run);
            }
            finally
            {
                release(run);
            }
            drained++;
        }
        return drained;
    }

    /**
     * Answers the mailbox calls of running functions.
     *
     * @param handler answers one call on the agent's thread, then {@link PooledRun#answered} wakes its worker.
     * @return calls answered.
     */
    int serveCalls(final Consumer<PooledRun> handler)
    {
        return calls.isEmpty() ? 0 : calls.drain(handler);
    }

    /**
     * @return runs claimed and not yet handed back: running, queued or completed.
     */
    public int busy()
    {
        return busy;
    }

    /**
     * @return runs made so far, in flight or free; {@link #run} gives each.
     */
    int created()
    {
        return created;
    }

    /**
     * @param index below {@link #created()}.
     * @return the run: look at {@link PooledRun#inFlight} for whether it is the agent's to look into.
     */
    PooledRun run(final int index)
    {
        return runs[index];
    }

    /**
     * @return worker threads.
     */
    public int workers()
    {
        return threads.length;
    }

    /**
     * @return claims asked for so far, refused ones included: every stage the pooled lane was handed.
     */
    public long claims()
    {
        return claims;
    }

    /**
     * @return completed runs waiting to be handed back.
     */
    int completed()
    {
        return completed.size();
    }

    /**
     * A running function's mailbox call, for the agent to answer (worker's thread).
     *
     * @return false if the executor is closing.
     */
    boolean offerCall(final PooledRun run)
    {
        return !work.isClosed() && calls.offer(run);
    }

    /**
     * @return true once the executor is closing: a worker waiting for the agent gives up.
     */
    boolean isClosed()
    {
        return work.isClosed();
    }

    /**
     * Runs the oldest queued run on the calling thread and hands it back: for tests that drive the pool
     * without worker threads.
     *
     * @return true if a run was queued.
     */
    boolean runQueued()
    {
        final PooledRun run = work.poll();
        if (null == run)
        {
            return false;
        }
        run.execute();
        completed.offer(run);
        return true;
    }

    /**
     * Stops the workers: idle ones end, running functions are interrupted (a function that ignores the
     * interrupt keeps its daemon thread until it returns; its result is never handed back).
     */
    public void close()
    {
        work.close();
        for (final Thread thread : threads)
        {
            thread.interrupt();
        }
    }

    private void release(final PooledRun run)
    {
        run.inFlight = false;
        busy--;
        free.addFirst(run);
    }

    private void work()
    {
        while (!work.isClosed())
        {
            final PooledRun run;
            try
            {
                run = work.take();
            }
            catch (final InterruptedException ex)
            {
                // Closing, or a cancel's interrupt that came after its run returned: the loop's test tells which.
                continue;
            }
            if (null == run)
            {
                return;
            }
            run.execute();
            // A function that left its thread interrupted must not end the worker at its next take.
            Thread.interrupted();
            if (!work.isClosed())
            {
                // Cannot fail: the queue holds every run there is.
                completed.offer(run);
            }
        }
    }
}
