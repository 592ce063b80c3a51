package io.droplet.executors;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A trigger kept beyond the receive buffer it arrived in: parked for a cache miss
 * ({@link ReferenceResolver}) or holding a stage's output until its writes are acknowledged
 * ({@link OutputCommit}). It keeps the decoded fields, the schedule (names copied) and one value (the
 * arguments, or the output); pooled, its buffer grows to the largest trigger seen, then stays.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class TriggerCopy
{
    /** Where a copy is in its life. */
    enum State
    {
        /** In its owner's pool. */
        FREE,
        /** Waiting for the host cache to fetch a referenced key ({@link ReferenceResolver}). */
        AWAITING_CACHE,
        /** Holding a stage's output until its writes are acknowledged ({@link OutputCommit}). */
        AWAITING_ACKS,
        /** Holding a stage's output whose writes were acknowledged, one or more with a refusal. */
        AWAITING_ACKS_FAILED
    }

    State state = State.FREE;
    final StageSchedule schedule = new StageSchedule();
    final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    long invocationId;
    long correlationId;
    long replyTo;
    long deadline;
    int targetStage;
    int fromStage;
    int attempt;
    int valueOffset;
    int valueLength;
    /** Writes still to be acknowledged (output commit). */
    int outstanding;
    /** The first refusal among the acknowledgements (output commit), or NONE. */
    io.droplet.codecs.sbe.ErrorCode failure = io.droplet.codecs.sbe.ErrorCode.NONE;
    /** Key of the trigger in its owner's table (park id), or 0. */
    long key;

    /**
     * Copies a trigger's fields, schedule and value.
     *
     * @return this copy.
     */
    TriggerCopy set(
        final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int targetStage, final int fromStage, final int attempt, final StageSchedule schedule,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        this.invocationId = invocationId;
        this.correlationId = correlationId;
        this.replyTo = replyTo;
        this.deadline = deadline;
        this.targetStage = targetStage;
        this.fromStage = fromStage;
        this.attempt = attempt;
        final int namesEnd = schedule.copyTo(this.schedule, buffer, 0);
        buffer.putBytes(namesEnd, value, valueOffset, valueLength);
        this.valueOffset = namesEnd;
        this.valueLength = valueLength;
        this.outstanding = 0;
        this.failure = io.droplet.codecs.sbe.ErrorCode.NONE;
        this.key = 0;
        return this;
    }
}
