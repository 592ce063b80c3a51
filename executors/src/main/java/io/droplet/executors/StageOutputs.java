package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;

/**
 * Where a stage's output goes: a {@code Trigger} to the executor of each child stage, carrying the
 * schedule on, or a {@code Result} to the caller when the stage is the DAG's sink; and where a failure
 * goes: a typed {@code Error} to the caller, counted as a failed stage. Either answer ends the invocation
 * for its caller, and is noted in the executor's {@link Completions} so the scheduler that started it stops
 * keeping it for a re-run; a failure also releases what the invocation's {@link FanIns} hold here.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent. Allocation-free on the output path.
 */
final class StageOutputs
{
    private final ExecutorSends sends;
    private final ExecutorCounters counters;
    private final Completions completions;
    private final int[] parents = new int[StageSchedule.MAX_STAGES];
    private FanIns fanIns;
    private long self;

    /**
     * @param sends       to encode with.
     * @param counters    of the executor.
     * @param completions of the executor, told of each invocation answered.
     */
    StageOutputs(final ExecutorSends sends, final ExecutorCounters counters, final Completions completions)
    {
        this.sends = sends;
        this.counters = counters;
        this.completions = completions;
    }

    /**
     * @param fanIns of the executor: a failure answered here releases what the invocation's fan-ins hold at once.
     * @param self   node id of the executor: the other executors of a failed stage's fan-ins are told.
     * @return this.
     */
    StageOutputs fanIns(final FanIns fanIns, final long self)
    {
        this.fanIns = fanIns;
        this.self = self;
        return this;
    }

    /**
     * Answers the caller with a stage's failure, as {@link #fail}, and tells every other executor that runs a fan-in
     * stage of the invocation (once each), so what it holds for the invocation is released now, not at the deadline.
     *
     * @param schedule of the invocation.
     */
    void failStage(
        final long invocationId, final long replyTo, final long correlationId, final ErrorCode code, final String detail,
        final StageSchedule schedule)
    {
        fail(invocationId, replyTo, correlationId, code, detail);
        final int stages = schedule.stages();
        if (0 == invocationId || stages < 3)
        {
            return;
        }
        java.util.Arrays.fill(parents, 0, stages, 0);
        for (int e = 0, edges = schedule.edges(); e < edges; e++)
        {
            final int to = schedule.edgeTo(e);
            if (to >= 0 && to < stages)
            {
                parents[to]++;
            }
        }
        for (int stage = 0; stage < stages; stage++)
        {
            final long executor = schedule.executor(stage);
            if (parents[stage] < 2 || executor == self || toldBefore(schedule, stage, executor))
            {
                continue;
            }
            if (sends.cancelInvocation(executor, invocationId) != SendStatus.OK)
            {
                counters.undeliverable.incrementRelease();
            }
        }
    }

    private boolean toldBefore(final StageSchedule schedule, final int stage, final long executor)
    {
        for (int earlier = 0; earlier < stage; earlier++)
        {
            if (parents[earlier] >= 2 && schedule.executor(earlier) == executor)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends a stage's output on.
     *
     * @param stage  that produced the output.
     * @param output buffer holding it.
     * @param offset of the output.
     * @param length of the output.
     */
    void send(
        final long invocationId, final long correlationId, final long replyTo, final long deadline, final int stage,
        final int attempt, final StageSchedule schedule, final DirectBuffer output, final int offset, final int length)
    {
        boolean sink = true;
        for (int e = 0, edges = schedule.edges(); e < edges; e++)
        {
            if (schedule.edgeFrom(e) == stage)
            {
                sink = false;
                final int child = schedule.edgeTo(e);
                final int status = sends.trigger(schedule.executor(child), invocationId, correlationId, replyTo, deadline,
                    child, stage, attempt, schedule, output, offset, length);
                if (status == SendStatus.PAYLOAD_TOO_LARGE)
                {
                    fail(invocationId, replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE,
                        "the output of stage " + stage + " exceeds the message limit");
                }
                // Any other failure means the next executor is unreachable, most likely dead: the scheduler
                // re-runs the invocation when that executor stops heartbeating, or the caller's deadline
                // answers TIMEOUT. Answering an error here would pre-empt the re-run's result.
            }
        }
        if (sink)
        {
            if (replyTo != 0)
            {
                sends.result(replyTo, correlationId, invocationId, output, offset, length);
            }
            completions.onCompleted(invocationId);
        }
    }

    /**
     * Answers the caller with a failure; a stage that fails never stops the agent.
     *
     * @param invocationId that failed, or 0 if the frame was too malformed to say.
     */
    void fail(final long invocationId, final long replyTo, final long correlationId, final ErrorCode code, final String detail)
    {
        counters.stagesFailed.incrementRelease();
        if (0 != invocationId)
        {
            completions.onCompleted(invocationId);
            if (null != fanIns)
            {
                fanIns.release(invocationId);
            }
        }
        if (replyTo != 0 && sends.error(replyTo, correlationId, code, detail) != SendStatus.OK)
        {
            counters.undeliverable.incrementRelease();
        }
    }
}
