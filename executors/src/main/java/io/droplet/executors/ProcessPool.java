package io.droplet.executors;

import io.droplet.api.Invocation;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The long-lived processes of one process function: at most {@code size} of them, started on first need by
 * the worker whose call found none idle (lazily, so a function registered everywhere but called on few
 * executors costs a process only where it is called, and the fork happens on a worker, never on the agent,
 * which handles registrations). A call borrows an idle process ({@link #acquire}), waiting for one at most
 * until its bound, and gives it back ({@link #release}); a process that failed a call is killed and
 * replaced at once ({@link #replace}), on the failing call's worker, so the next call finds a fresh process
 * already starting. A process found dead while idle is replaced the same way. Both are counted.
 * <p>
 * <b>Note:</b> thread-safe: the executor's workers share it, under one lock held only for bookkeeping, never
 * across a fork or I/O.
 */
final class ProcessPool implements AutoCloseable
{
    private final String function;
    private final List<String> command;
    private final int size;
    private final int replyLimit;
    private final AtomicCounter replaced;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    /** Idle processes, most recently used first (the warmest). */
    private final ArrayDeque<FunctionProcess> idle = new ArrayDeque<>();
    /** Every process started and not yet discarded: idle or lent to a call. */
    private final Set<FunctionProcess> live = new HashSet<>();
    /** Slots taken by starts in progress, outside the lock. */
    private int starting;
    private boolean closed;

    /**
     * @param function   name of the process function.
     * @param command    the program and its arguments.
     * @param size       most processes at once.
     * @param replyLimit longest answer line, in characters.
     * @param replaced   counts processes killed or found dead, and replaced; incremented from workers.
     */
    ProcessPool(final String function, final List<String> command, final int size, final int replyLimit, final AtomicCounter replaced)
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException("a process pool holds at least one process: " + size);
        }
        this.function = function;
        this.command = List.copyOf(command);
        this.size = size;
        this.replyLimit = replyLimit;
        this.replaced = replaced;
    }

    /**
     * Borrows an idle process, or starts one if fewer than {@code size} run, or waits for one to be given back.
     *
     * @param untilNs    the call's bound, on {@link System#nanoTime()}'s scale.
     * @param invocation whose cancelled flag is watched while waiting.
     * @param epochClock the invocation's deadline is read against.
     * @return a process lent to the caller until it releases or replaces it.
     * @throws ProcessFunctionException NO_PROCESS, CANCELLED, START_FAILED or CLOSED.
     */
    FunctionProcess acquire(final long untilNs, final Invocation invocation, final EpochNanoClock epochClock)
    {
        lock.lock();
        try
        {
            while (true)
            {
                if (closed)
                {
                    throw failure(ProcessFunctionException.Reason.CLOSED, "the function was deleted or its executor closed");
                }
                final FunctionProcess process = idle.pollFirst();
                if (null != process)
                {
                    if (process.isAlive())
                    {
                        return process;
                    }
                    // It exited while idle: count it, and let this call start its replacement below.
                    live.remove(process);
                    process.kill();
                    replaced.increment();
                    continue;
                }
                if (live.size() + starting < size)
                {
                    starting++;
                    break;
                }
                final long remainingNs = untilNs - System.nanoTime();
                if (remainingNs <= 0 || invocation.isCancelled())
                {
                    throw waitEnded(remainingNs <= 0 || FunctionProcess.pastDeadline(invocation, epochClock));
                }
                try
                {
                    freed.awaitNanos(Math.min(remainingNs, FunctionProcess.CANCEL_CHECK_NS));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw waitEnded(FunctionProcess.pastDeadline(invocation, epochClock));
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        return startInSlot(true);
    }

    /**
     * Gives back a process that answered its call.
     *
     * @param process lent by {@link #acquire}.
     */
    void release(final FunctionProcess process)
    {
        lock.lock();
        try
        {
            if (!closed && live.contains(process))
            {
                idle.addFirst(process);
                freed.signal();
                return;
            }
        }
        finally
        {
            lock.unlock();
        }
        process.kill();
    }

    /**
     * Discards a process that failed its call (killing it, if the failure did not already) and starts its
     * replacement on the calling thread; a replacement that cannot be started leaves its slot to the next call.
     *
     * @param process lent by {@link #acquire}.
     */
    void replace(final FunctionProcess process)
    {
        process.kill();
        lock.lock();
        try
        {
            if (!live.remove(process))
            {
                return;
            }
            replaced.increment();
            if (closed)
            {
                return;
            }
            starting++;
        }
        finally
        {
            lock.unlock();
        }
        try
        {
            startInSlot(false);
        }
        catch (final ProcessFunctionException ex)
        {
            // The next call tries again, and reports why if it fails too.
        }
    }

    /**
     * @return processes running: idle or lent.
     */
    int live()
    {
        lock.lock();
        try
        {
            return live.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return true once the pool was closed.
     */
    boolean isClosed()
    {
        lock.lock();
        try
        {
            return closed;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Kills every process, idle or lent (a call that holds one fails CLOSED); later calls fail CLOSED.
     */
    public void close()
    {
        final List<FunctionProcess> all;
        lock.lock();
        try
        {
            closed = true;
            all = new ArrayList<>(live);
            live.clear();
            idle.clear();
            freed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        for (final FunctionProcess process : all)
        {
            process.kill();
        }
    }

    /**
     * Starts a process in a slot already counted in {@link #starting}.
     *
     * @param lend true to lend it to the caller, false to put it with the idle ones.
     * @return the process.
     */
    private FunctionProcess startInSlot(final boolean lend)
    {
        FunctionProcess started = null;
        IOException cause = null;
        try
        {
            started = FunctionProcess.start(function, command, replyLimit);
        }
        catch (final IOException ex)
        {
            cause = ex;
        }
        lock.lock();
        try
        {
            starting--;
            if (null == started)
            {
                freed.signal();
                throw failure(ProcessFunctionException.Reason.START_FAILED, command + " could not be started: " + cause.getMessage());
            }
            if (!closed)
            {
                live.add(started);
                if (lend)
                {
                    return started;
                }
                idle.addFirst(started);
                freed.signal();
                return started;
            }
        }
        finally
        {
            lock.unlock();
        }
        started.kill();
        throw failure(ProcessFunctionException.Reason.CLOSED, "the function was deleted or its executor closed");
    }

    private ProcessFunctionException waitEnded(final boolean pastDeadline)
    {
        return pastDeadline ?
            failure(ProcessFunctionException.Reason.NO_PROCESS, "all " + size + " of its processes stayed busy for the call's whole time") :
            failure(ProcessFunctionException.Reason.CANCELLED, "the call was cancelled while it waited for a process");
    }

    private ProcessFunctionException failure(final ProcessFunctionException.Reason reason, final String detail)
    {
        return new ProcessFunctionException(function, reason, detail);
    }
}
