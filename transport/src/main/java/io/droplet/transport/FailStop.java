package io.droplet.transport;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes a process's duty cycles fail-stop: whatever escapes an agent's {@code doWork} (an {@link Error} such as
 * {@link OutOfMemoryError}, or an exception nothing caught) stops that agent's runner and is reported once to an
 * {@link AgentFailureListener}, instead of leaving a thread dead (an {@code Error} ends Agrona's runner thread)
 * or an agent looping over state the exception left half-changed, in a process that looks alive.
 * <p>
 * {@link #guard(Agent)} wraps an agent run by an {@code AgentRunner} or {@code AgentInvoker} (a composite of
 * roles included); {@link #threadFactory(String)} makes threads for runners this code does not wrap (the
 * embedded media driver's, the Aeron client's conductor) whose uncaught {@code Error} is reported the same way.
 * Agrona's {@link AgentTerminationException} is how an agent asks to stop (the transport's conductor does so
 * when the media driver is lost): it passes through, not a failure. A few megabytes of heap are held back and let
 * go at the first failure, so that after an {@link OutOfMemoryError} the report and the close can still allocate.
 * <p>
 * <b>Note:</b> thread-safe; the first failure is reported, later ones only go to the error handler.
 */
public final class FailStop
{
    /**
     * Heap held back while the process is well and let go at the first failure, so that reporting it and closing
     * the node can allocate after an {@link OutOfMemoryError} (a thread to start, a line to write).
     */
    static final int HEAP_RESERVE_LENGTH = 4 * 1024 * 1024;

    private final AgentFailureListener listener;
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile byte[] heapReserve = new byte[HEAP_RESERVE_LENGTH];

    /**
     * @param listener told of the first failure.
     */
    public FailStop(final AgentFailureListener listener)
    {
        this.listener = listener;
    }

    /**
     * @param agent        to run fail-stop.
     * @param errorHandler where what escapes the agent is recorded first (the process's distinct error log).
     * @return an agent whose duty cycle is the given one's, ending its runner when something escapes it.
     */
    public Agent guard(final Agent agent, final ErrorHandler errorHandler)
    {
        return new FailStopAgent(agent, errorHandler, this);
    }

    /**
     * @param prefix of the threads' names.
     * @return a factory of threads whose uncaught throwable is a failure of this process (an Agrona runner has
     * already given it to its error handler, so it is only reported).
     */
    public ThreadFactory threadFactory(final String prefix)
    {
        return runnable ->
        {
            final Thread thread = new Thread(runnable, prefix);
            thread.setUncaughtExceptionHandler((failedThread, cause) -> agentFailed(failedThread.getName(), cause));
            return thread;
        };
    }

    /**
     * @return true once a failure was reported.
     */
    public boolean hasFailed()
    {
        return failed.get();
    }

    /**
     * Tells the listener of a failure if it is the first.
     *
     * @param agent that failed.
     * @param cause what escaped it.
     */
    public void agentFailed(final String agent, final Throwable cause)
    {
        if (failed.compareAndSet(false, true))
        {
            heapReserve = null;
            try
            {
                listener.onAgentFailure(agent, cause);
            }
            catch (final Throwable ex)
            {
                // Out of memory even with the reserve let go: the listener's own fallback (a watchdog it armed
                // before) must end the process; nothing more can be done on this thread.
            }
        }
    }

    /**
     * @return true while the heap reserve is held (no failure yet).
     */
    boolean holdsHeapReserve()
    {
        return null != heapReserve;
    }

    /**
     * One line naming a failure, for standard error: the agent, the throwable's class and message, and where it
     * was thrown.
     *
     * @param process name of the process or node, first on the line.
     * @param agent   that failed.
     * @param cause   what escaped it.
     * @return the line.
     */
    public static String describe(final String process, final String agent, final Throwable cause)
    {
        final StackTraceElement[] trace = cause.getStackTrace();
        return process + ": fatal: " + cause + " escaped the duty cycle of " + composedAgent(agent, trace) +
            (trace.length > 0 ? " at " + trace[0] : "");
    }

    /**
     * Of a composite (a shared duty cycle, named "[a,b,...]"), the agent that failed: the class whose
     * {@code doWork} the composite called when the throwable left it.
     */
    private static String composedAgent(final String agent, final StackTraceElement[] trace)
    {
        for (int i = 1; i < trace.length; i++)
        {
            if (trace[i].getClassName().equals(org.agrona.concurrent.CompositeAgent.class.getName()))
            {
                final String className = trace[i - 1].getClassName();
                return className.substring(className.lastIndexOf('.') + 1) + " (of " + agent + ")";
            }
        }
        return agent;
    }

    /**
     * An agent whose escaping throwable ends its runner and is reported.
     */
    private static final class FailStopAgent implements Agent
    {
        private final Agent agent;
        private final ErrorHandler errorHandler;
        private final FailStop failStop;

        FailStopAgent(final Agent agent, final ErrorHandler errorHandler, final FailStop failStop)
        {
            this.agent = agent;
            this.errorHandler = errorHandler;
            this.failStop = failStop;
        }

        public void onStart()
        {
            agent.onStart();
        }

        public int doWork() throws Exception
        {
            try
            {
                return agent.doWork();
            }
            catch (final AgentTerminationException ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                // The listener first (it lets the heap reserve go): recording allocates, and may fail.
                failStop.agentFailed(agent.roleName(), ex);
                try
                {
                    errorHandler.onError(ex);
                }
                catch (final Throwable ignore)
                {
                    // Out of memory again, say: the failure was reported, and the runner must still stop.
                }
                // Expected: already recorded, so the runner only stops (and closes the agent on its thread). No
                // stack trace of its own: nothing to allocate that the cause does not already say.
                throw new AgentTerminationException(null, ex, true, false, false);
            }
        }

        public void onClose()
        {
            agent.onClose();
        }

        public String roleName()
        {
            return agent.roleName();
        }
    }
}
