package io.droplet.scheduler;

import java.util.Set;

/**
 * Passes what {@link Membership} learns of executors to the state machines that act on it: shipped code
 * to joiners and to executors that lack it ({@link CodeShipping}), re-runs of the invocations of an
 * executor that expired, forgetting the invocations executors report answered, and starting the calls that
 * wait for a free slot when a heartbeat or capacity report shows one ({@link InvocationLauncher}).
 * <p>
 * <b>Note:</b> not thread-safe; called on the scheduler's thread.
 */
final class ExecutorEvents implements Membership.Listener
{
    private final CodeShipping codeShipping;
    private final InvocationLauncher launcher;

    ExecutorEvents(final CodeShipping codeShipping, final InvocationLauncher launcher)
    {
        this.codeShipping = codeShipping;
        this.launcher = launcher;
    }

    /**
     * {@inheritDoc}
     */
    public void onExecutorJoined(final ExecutorView executor)
    {
        codeShipping.onExecutorJoined(executor);
    }

    /**
     * {@inheritDoc}
     */
    public void onExecutorHeartbeat(final ExecutorView executor, final Set<String> announced)
    {
        codeShipping.onExecutorHeartbeat(executor, announced);
        launcher.startWaiting();
    }

    /**
     * {@inheritDoc}
     */
    public void onExecutorCapacity(final ExecutorView executor)
    {
        launcher.startWaiting();
    }

    /**
     * {@inheritDoc}
     */
    public void onExecutorExpired(final ExecutorView executor)
    {
        launcher.onExecutorExpired(executor.nodeId());
    }

    /**
     * {@inheritDoc}
     */
    public void onInvocationCompleted(final long invocationId)
    {
        launcher.onInvocationCompleted(invocationId);
    }
}
