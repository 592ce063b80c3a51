package io.droplet.scheduler;

import io.droplet.codecs.sbe.FunctionKind;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gets registered functions onto executors: shipped code (JAVA, PROCESS) goes to every live executor and
 * to each joining later, and again to one whose heartbeats still lack it a while after; a lambda of an
 * in-process node (LOCAL) is counted as present on every executor; a stateful class goes to its
 * {@link StatefulPins pinned} executor only; a keyed class (KEYED_CLASS) goes to every executor as shipped code
 * does, each of which can hold activations, and its calls are placed by key ({@link KeyedPlacement}). A registration goes on the same stream as, and so ahead of,
 * any trigger that uses it.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread.
 */
final class CodeShipping implements Registry.FunctionListener
{
    private final Map<String, byte[]> shipped = new TreeMap<>();
    private final Membership membership;
    private final StatefulPins pins;
    private final ExecutorMessages messages;
    private final SchedulerCounters counters;
    private final long replayIntervalNs;
    private final long nodeId;

    /**
     * @param nodeId           of the scheduler, the sender of DeleteFunction.
     * @param membership       live executors.
     * @param pins             of stateful functions.
     * @param messages         to executors.
     * @param counters         of the scheduler.
     * @param replayIntervalNs least time between replays to one executor.
     */
    CodeShipping(
        final long nodeId, final Membership membership, final StatefulPins pins, final ExecutorMessages messages, final SchedulerCounters counters, final long replayIntervalNs)
    {
        this.nodeId = nodeId;
        this.membership = membership;
        this.pins = pins;
        this.messages = messages;
        this.counters = counters;
        this.replayIntervalNs = replayIntervalNs;
    }

    /**
     * {@inheritDoc}
     */
    public void onFunctionApplied(final String name, final FunctionKind kind, final byte[] frame)
    {
        shipped.remove(name);
        pins.forget(name);
        final List<ExecutorView> live = membership.liveExecutors();
        if (kind == FunctionKind.STATEFUL_CLASS)
        {
            pins.register(name, frame);
        }
        else if (kind == FunctionKind.JAVA || kind == FunctionKind.PROCESS || kind == FunctionKind.KEYED_CLASS)
        {
            if (kind == FunctionKind.KEYED_CLASS)
            {
                pins.keyed().register(name);
            }
            shipped.put(name, frame);
            for (int i = 0; i < live.size(); i++)
            {
                messages.registration(live.get(i).nodeId(), frame);
                live.get(i).assume(name);
            }
        }
        else if (kind == FunctionKind.LOCAL)
        {
            // A lambda of an in-process node: every executor of the node shares the function table.
            for (int i = 0; i < live.size(); i++)
            {
                live.get(i).assume(name);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onFunctionRemoved(final String name)
    {
        pins.remove(name, nodeId);
        pins.keyed().forget(name);
        if (null != shipped.remove(name))
        {
            final List<ExecutorView> live = membership.liveExecutors();
            for (int i = 0; i < live.size(); i++)
            {
                messages.deleteFunction(live.get(i).nodeId(), nodeId, name);
            }
        }
    }

    /**
     * Sends every shipped registration to an executor that joined.
     *
     * @param executor that joined.
     */
    void onExecutorJoined(final ExecutorView executor)
    {
        for (final byte[] registration : shipped.values())
        {
            messages.registration(executor.nodeId(), registration);
        }
    }

    /**
     * Anti-entropy for shipped code: an executor whose heartbeat still lacks a function it was sent a while
     * ago gets the registration again. A forward can be lost for good when it goes to a restarted process
     * whose link is still held up by its dead predecessor (the driver forgets a dead subscriber only after
     * the client liveness timeout); without this the new process would answer FUNCTION_NOT_FOUND forever.
     *
     * @param executor  that heartbeated.
     * @param announced the functions its heartbeat listed.
     */
    void onExecutorHeartbeat(final ExecutorView executor, final Set<String> announced)
    {
        if (shipped.isEmpty())
        {
            return;
        }
        final long now = executor.lastHeartbeatNs();
        if (now - executor.lastReplayNs() < replayIntervalNs)
        {
            return;
        }
        boolean replayed = false;
        for (final Map.Entry<String, byte[]> registration : shipped.entrySet())
        {
            if (!announced.contains(registration.getKey()))
            {
                messages.registration(executor.nodeId(), registration.getValue());
                replayed = true;
            }
        }
        if (replayed)
        {
            counters.registrationReplays.incrementRelease();
        }
        executor.lastReplayNs(now);
    }
}
