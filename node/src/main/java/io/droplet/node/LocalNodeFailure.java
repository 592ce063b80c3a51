package io.droplet.node;

import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.AgentFailureListener;
import io.droplet.transport.FailStop;
import org.agrona.concurrent.AgentInvoker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What an in-process node ({@link Droplet#local(LocalContext)}) does when one of its duty cycles fails: it is a
 * guest in an application's JVM, so it does not end the process. Instead, on a thread of its own, it closes
 * the node (the failed runner has stopped; the others are stopped, the store is closed and marked clean, the
 * cache file and the embedded driver's directory are removed) and fails every call in flight and every later
 * one at once with INTERNAL naming the cause, having told the application's handler first (by default, one line
 * on standard error). No call waits for its deadline on a node that is gone.
 * <p>
 * <b>Note:</b> {@link #attach} once on the thread that starts the node; the failure may come from any thread.
 */
final class LocalNodeFailure implements AgentFailureListener
{
    private static final long INVOKER_CLOSE_WAIT_NS = TimeUnit.SECONDS.toNanos(1);

    private final AgentFailureListener handler;
    private final Thread closer;
    private volatile DropletClient client;
    private volatile AgentInvoker invoker;
    private volatile String failedAgent;
    private volatile Throwable failure;

    /**
     * @param handler the application's, or null for a line on standard error.
     */
    LocalNodeFailure(final AgentFailureListener handler)
    {
        this.handler = handler;
        // Made now, while there is heap: after an OutOfMemoryError starting it must not need to allocate.
        this.closer = new Thread(this::closeAndFail, "droplet-local-failure");
    }

    /**
     * @param client  of the node, closed and failed when the node fails.
     * @param invoker driven by the application's threads (INVOKER profile), or null.
     */
    void attach(final DropletClient client, final AgentInvoker invoker)
    {
        this.invoker = invoker;
        this.client = client;
    }

    /**
     * {@inheritDoc}
     */
    public void onAgentFailure(final String agent, final Throwable cause)
    {
        failedAgent = agent;
        failure = cause;
        // Not on the failed thread: closing the node stops (and waits for) the runners, that one included.
        closer.start();
    }

    private void closeAndFail()
    {
        final String agent = failedAgent;
        final Throwable cause = failure;
        final AgentInvoker drivenInvoker = invoker;
        if (null != drivenInvoker)
        {
            // The application's thread closes the invoker itself once the failed duty cycle returns to it.
            final long deadlineNs = System.nanoTime() + INVOKER_CLOSE_WAIT_NS;
            while (!drivenInvoker.isClosed() && System.nanoTime() - deadlineNs < 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        // Told first, so that a process that must end (droplet local) arms its watchdog before anything can hang.
        if (null != handler)
        {
            handler.onAgentFailure(agent, cause);
        }
        else
        {
            System.err.println(FailStop.describe("droplet local node", agent, cause) +
                "; the node is closed and its client fails every call with INTERNAL");
        }
        final DropletClient failedClient = client;
        if (null != failedClient)
        {
            failedClient.close();
            io.droplet.client.HostedClient.fail(failedClient, ErrorCode.INTERNAL, "the in-process node failed and was closed: " + cause +
                " escaped the duty cycle of " + agent);
        }
    }
}
