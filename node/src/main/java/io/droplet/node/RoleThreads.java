package io.droplet.node;

import io.droplet.transport.FailStop;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.TransportConfiguration;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a process's agents to threads as its {@link ThreadingProfile} says:
 * <ul>
 *   <li>{@link ThreadingProfile#DEDICATED}: an {@link AgentRunner} per agent, each busy-spinning on a thread
 *   of its own;</li>
 *   <li>{@link ThreadingProfile#SHARED}: one runner over all of them composed, idling with back-off;</li>
 *   <li>{@link ThreadingProfile#INVOKER}: no thread: the caller drives them through {@link #invoker()}.</li>
 * </ul>
 * With a {@link FailStop}, every runner's agent (the composite, in the shared and invoker profiles) is guarded:
 * an {@code Error} or exception escaping a duty cycle stops that runner and is reported, once, to the process.
 * <p>
 * <b>Note:</b> start and close on one thread; {@link #isRunning()} may be asked from any.
 */
final class RoleThreads implements AutoCloseable
{
    private final List<AgentRunner> runners = new ArrayList<>();
    private final AgentInvoker invoker;

    private RoleThreads(
        final ThreadingProfile profile, final List<Agent> agents, final ErrorHandler errorHandler, final FailStop failStop)
    {
        if (profile == ThreadingProfile.INVOKER)
        {
            invoker = new AgentInvoker(errorHandler, null, guarded(new CompositeAgent(agents), errorHandler, failStop));
            invoker.start();
            return;
        }
        invoker = null;
        try
        {
            if (profile == ThreadingProfile.DEDICATED)
            {
                for (final Agent agent : agents)
                {
                    runners.add(new AgentRunner(
                        new BusySpinIdleStrategy(), errorHandler, null, guarded(agent, errorHandler, failStop)));
                }
            }
            else
            {
                runners.add(new AgentRunner(TransportConfiguration.idleStrategy(profile), errorHandler, null,
                    guarded(new CompositeAgent(agents), errorHandler, failStop)));
            }
            for (final AgentRunner runner : runners)
            {
                AgentRunner.startOnThread(runner);
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * @param profile      how the agents map to threads.
     * @param agents       to run, in duty-cycle order (the order of a composite).
     * @param errorHandler for what an agent lets escape.
     * @param failStop     makes what escapes a duty cycle a failure of the process; null to log it and go on.
     * @return the agents, running (or ready to invoke).
     */
    static RoleThreads start(
        final ThreadingProfile profile, final List<Agent> agents, final ErrorHandler errorHandler, final FailStop failStop)
    {
        return new RoleThreads(profile, List.copyOf(agents), errorHandler, failStop);
    }

    private static Agent guarded(final Agent agent, final ErrorHandler errorHandler, final FailStop failStop)
    {
        return null == failStop ? agent : failStop.guard(agent, errorHandler);
    }

    /**
     * @return the invoker the caller drives the agents with, or null unless the profile is INVOKER.
     */
    AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * @return threads started: 0 for INVOKER, 1 for SHARED, one per agent for DEDICATED.
     */
    int threadCount()
    {
        return runners.size();
    }

    /**
     * @return true while no runner (or the invoker) has stopped, say because an agent asked to terminate.
     */
    boolean isRunning()
    {
        if (null != invoker)
        {
            return !invoker.isClosed();
        }
        for (int i = 0; i < runners.size(); i++)
        {
            if (runners.get(i).isClosed())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the threads, last started first; each agent's {@code onClose} runs on its own thread.
     */
    public void close()
    {
        for (int i = runners.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(runners.get(i));
        }
        CloseHelper.quietClose(invoker);
    }
}
