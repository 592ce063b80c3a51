package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * What an executor's state machines send, one method per message; {@link ExecutorPublisher} encodes
 * them in place, tests record them. Every method returns a {@code SendStatus}: OK when sent or kept
 * for a link that is not ready yet.
 * <p>
 * <b>Note:</b> called on the executor agent's thread only.
 */
interface ExecutorSends
{
    /**
     * A {@code Trigger} for a child stage, carrying the schedule on.
     *
     * @param destination the child stage's executor.
     * @param childStage  the stage to run there.
     * @param fromStage   the stage whose output this is.
     * @param value       buffer holding the output.
     * @param offset      of the output.
     * @param length      of the output.
     * @return a {@code SendStatus}.
     */
    int trigger(
        long destination, long invocationId, long correlationId, long replyTo, long deadline, int childStage, int fromStage,
        int attempt, StageSchedule schedule, DirectBuffer value, int offset, int length);

    /**
     * A {@code Result}: the sink's output, for the caller.
     *
     * @return a {@code SendStatus}.
     */
    int result(long replyTo, long correlationId, long invocationId, DirectBuffer value, int offset, int length);

    /**
     * A typed {@code Error} for the caller (error path: the detail is text).
     *
     * @return a {@code SendStatus}.
     */
    int error(long replyTo, long correlationId, ErrorCode code, String detail);

    /**
     * A {@code CancelInvocation} to another executor of a failed invocation: what its fan-ins hold for the invocation
     * is for nobody now, and its stages of it still running may stop.
     *
     * @param executor     to tell.
     * @param invocationId that failed.
     * @return a {@code SendStatus}.
     */
    int cancelInvocation(long executor, long invocationId);

    /**
     * A {@code KvsGet} to the host's cache agent.
     *
     * @param correlationId 0 when nobody waits for the answer.
     * @return a {@code SendStatus}.
     */
    int cacheGet(long correlationId, DirectBuffer key, int keyOffset, int keyLength);

    /**
     * A {@code KvsPut} of a lattice to the host's cache agent, acknowledged with ack level ONE.
     *
     * @return a {@code SendStatus}.
     */
    int cachePut(
        long correlationId, DirectBuffer key, int keyOffset, int keyLength, DirectBuffer lattice, int latticeOffset, int latticeLength);

    /**
     * A {@code KvsPut} of a value as an LWW lattice stamped with (timestamp, this executor), to the host's
     * cache agent, acknowledged with ack level ONE.
     *
     * @return a {@code SendStatus}; PAYLOAD_TOO_LARGE if the lattice does not fit a message.
     */
    int cachePutLww(
        long correlationId, DirectBuffer key, int keyOffset, int keyLength, long timestamp,
        DirectBuffer value, int valueOffset, int valueLength);

    /**
     * A {@code FunctionMessage} to another executor's mailbox.
     *
     * @return a {@code SendStatus}.
     */
    int functionMessage(long to, long from, long invocationId, DirectBuffer payload, int offset, int length);

    /**
     * A {@code Heartbeat} to each scheduler (and the host's cache agent, if any); one that cannot go now
     * is not kept, the next supersedes it.
     *
     * @param schedulers          node ids.
     * @param count               of them in use.
     * @param timestamp           epoch nanoseconds.
     * @param queueDepth          stages waiting.
     * @param workers             of the pool.
     * @param freeSlots           workers not busy.
     * @param inFlight            runs on the pool (running, queued, or back and not handed on).
     * @param utilisationPerMille busy workers per thousand.
     * @param functions           installed, with their lanes.
     * @return heartbeats sent.
     */
    int heartbeat(
        long[] schedulers, int count, long timestamp, int queueDepth, int workers, int freeSlots, int inFlight,
        int utilisationPerMille, LocalFunctions.Announcement functions);

    /**
     * A {@code Capacity} report to each scheduler: the pool's free slots between heartbeats. One that cannot go
     * now is not kept; the next report or heartbeat supersedes it.
     *
     * @param schedulers node ids.
     * @param count      of them in use.
     * @param workers    of the pool.
     * @param freeSlots  workers not busy.
     * @return reports sent.
     */
    int capacity(long[] schedulers, int count, int workers, int freeSlots);

    /**
     * An {@code InvocationsCompleted} to each scheduler: the invocations this executor has answered. One that
     * cannot go now is not kept; an id not told costs at most a re-run.
     *
     * @param schedulers    node ids.
     * @param count         of them in use.
     * @param invocationIds answered.
     * @param idCount       of them in use.
     * @return messages sent.
     */
    int invocationsCompleted(long[] schedulers, int count, long[] invocationIds, int idCount);

    /**
     * A {@code CallFunction} a running function makes, to a scheduler, answered to this executor.
     *
     * @param scheduler     to take the call.
     * @param correlationId of the nested-call space.
     * @param deadline      epoch nanoseconds.
     * @param function      name, UTF-8.
     * @param args          the LIST of arguments in the value encoding.
     * @return a {@code SendStatus}.
     */
    int callFunction(long scheduler, long correlationId, long deadline, byte[] function, byte[] args);

    /**
     * A {@code CallDag} a running function makes, its arguments given to every source stage.
     *
     * @return a {@code SendStatus}.
     */
    int callDag(long scheduler, long correlationId, long deadline, byte[] dag, byte[] args);
}
