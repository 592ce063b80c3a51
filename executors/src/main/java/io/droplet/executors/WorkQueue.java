package io.droplet.executors;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-off of runs from the agent to the workers, built so that a run handed to an idle pool starts within
 * a microsecond or two rather than after a thread's wake-up (tens of microseconds on a small virtual machine).
 * <p>
 * A worker that finds no run becomes the pool's one <em>spinner</em> if there is none: it polls for up to the
 * spin window (busy for a few hundred polls, then yielding its core between polls), and parks only after it.
 * Every other idle worker parks at once, so at most one thread of the pool spins, and only for a bounded
 * window after its last run: on a two-core host the pool never takes a core from the agent for long. The agent
 * wakes a parked worker only when no worker is spinning; a worker that takes a run and sees more waiting wakes
 * the next, so a burst reaches every worker it needs however it was handed over.
 * <p>
 * Why no run is lost: the agent publishes a run, fences, then reads the spinner flag and the parked count; a
 * worker raises the parked count (or lowers the spinner flag), which fences, then polls. Of two such sequences
 * at least one sees the other's write, so either the worker finds the run or the agent wakes a worker (under
 * the lock the worker holds until it waits, so the signal cannot come before the wait).
 * <p>
 * <b>Note:</b> {@link #offer} is the agent's (one thread); {@link #take} any number of workers'. Allocation-free
 * except a parking worker's wait node (the JDK's condition).
 *
 * @param <T> what is handed over: a {@link PooledRun}.
 */
final class WorkQueue<T>
{
    /** Polls a spinner makes with {@link Thread#onSpinWait()} before it yields between polls. */
    private static final int BUSY_POLLS = 200;

    private final ManyToManyConcurrentArrayQueue<T> runs;
    private final long spinNs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final AtomicBoolean spinning = new AtomicBoolean();
    private final AtomicInteger parked = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param capacity most runs waiting at once.
     * @param spinNs   the spinner's window; 0 for none (every idle worker parks).
     */
    WorkQueue(final int capacity, final long spinNs)
    {
        this.runs = new ManyToManyConcurrentArrayQueue<>(Math.max(2, capacity));
        this.spinNs = spinNs;
    }

    /**
     * Hands a run to the workers (agent's thread); never blocks.
     *
     * @return false if the queue is full.
     */
    boolean offer(final T run)
    {
        if (!runs.offer(run))
        {
            return false;
        }
        VarHandle.fullFence();
        if (!spinning.get() && parked.get() > 0)
        {
            signal();
        }
        return true;
    }

    /**
     * @return the oldest waiting run, or null; never waits.
     */
    T poll()
    {
        return runs.poll();
    }

    /**
     * The next run (worker's thread): at once if one waits, else after spinning or parking.
     *
     * @return the run, or null once the queue is {@link #close() closed}.
     * @throws InterruptedException if the worker is interrupted while parked.
     */
    T take() throws InterruptedException
    {
        T run = runs.poll();
        if (null == run && spinNs > 0 && spinning.compareAndSet(false, true))
        {
            run = spin();
        }
        if (null == run)
        {
            run = park();
        }
        if (null != run && !runs.isEmpty() && parked.get() > 0)
        {
            // More waiting than this worker takes: pass the wake-up on (the agent may have skipped it for a spinner).
            signal();
        }
        return run;
    }

    /**
     * Ends every wait: parked workers return null from {@link #take()}.
     */
    void close()
    {
        closed = true;
        signalAll();
    }

    /**
     * @return true once closed.
     */
    boolean isClosed()
    {
        return closed;
    }

    private T spin()
    {
        T run = null;
        try
        {
            final long until = System.nanoTime() + spinNs;
            int polls = 0;
            while (!closed && null == (run = runs.poll()) && System.nanoTime() - until < 0)
            {
                if (++polls < BUSY_POLLS)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    Thread.yield();
                }
            }
        }
        finally
        {
            // A volatile write (a full fence on x86) before the poll that follows, in take or park.
            spinning.set(false);
        }
        return null != run ? run : runs.poll();
    }

    private T park() throws InterruptedException
    {
        lock.lockInterruptibly();
        try
        {
            parked.incrementAndGet();
            try
            {
                T run;
                while (null == (run = runs.poll()))
                {
                    if (closed)
                    {
                        return null;
                    }
                    notEmpty.await();
                }
                return run;
            }
            finally
            {
                parked.decrementAndGet();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private void signal()
    {
        lock.lock();
        try
        {
            notEmpty.signal();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void signalAll()
    {
        lock.lock();
        try
        {
            notEmpty.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }
}
