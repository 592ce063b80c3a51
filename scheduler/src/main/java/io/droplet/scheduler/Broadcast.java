package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;

import java.util.List;

/**
 * BROADCAST calls: every live executor that announced the function runs it, each as an invocation of
 * its own placed on that executor (and not re-run elsewhere); the caller first hears how many answers
 * to expect.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread.
 */
final class Broadcast
{
    private final Membership membership;
    private final InvocationLauncher launcher;
    private final ClientReplies replies;
    private final SchedulerCounters counters;

    Broadcast(
        final Membership membership, final InvocationLauncher launcher, final ClientReplies replies,
        final SchedulerCounters counters)
    {
        this.membership = membership;
        this.launcher = launcher;
        this.replies = replies;
        this.counters = counters;
    }

    /**
     * Starts one leg per executor with the function.
     *
     * @param single        the function's one-stage DAG.
     * @param args          its arguments.
     * @param correlationId of the call.
     * @param caller        who gets every answer.
     * @param deadline      of every leg.
     * @return legs started.
     */
    int start(final DagDefinition single, final SourceArgs args, final long correlationId, final long caller, final long deadline)
    {
        final List<ExecutorView> live = membership.liveExecutors();
        final String function = single.function(0);
        int targets = 0;
        for (int i = 0; i < live.size(); i++)
        {
            targets += live.get(i).hasFunction(function) ? 1 : 0;
        }
        // Zero means refused: the typed error follows on the same stream, so the caller can tell it from an
        // executor's error, which may arrive first.
        replies.broadcastStarted(caller, correlationId, targets);
        if (targets == 0)
        {
            counters.callsRefused.incrementRelease();
            replies.error(caller, correlationId, ErrorCode.NO_RESOURCES, "no live executor has " + function);
            return 0;
        }
        for (int i = 0; i < live.size(); i++)
        {
            final ExecutorView executor = live.get(i);
            if (executor.hasFunction(function))
            {
                launcher.start(single, args, correlationId, caller, caller, deadline, executor.nodeId());
            }
        }
        return targets;
    }
}
