package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * Output commit: what a stage sends waits until the writes it made are acknowledged, so a child stage
 * or the caller never sees an output whose state could still be lost. While a stage runs, its writes
 * are noted ({@link #onPutSent}); when it ends, {@link #complete} sends its output at once if it wrote
 * nothing, or holds it as a {@link TriggerCopy} in state {@link TriggerCopy.State#AWAITING_ACKS}. Each
 * acknowledgement counts down; the last one sends the output, or, if any write was refused
 * ({@link TriggerCopy.State#AWAITING_ACKS_FAILED}), answers the caller with the refusal's code. Held
 * outputs whose writes are not all acknowledged by the invocation's deadline are dropped and counted
 * as undeliverable: the caller times out, and a re-run writes again.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class OutputCommit
{
    private final StageOutputs outputs;
    private final ExecutorCounters counters;
    private final LongArrayList stagePuts = new LongArrayList();
    private final Long2ObjectHashMap<TriggerCopy> heldByPut = new Long2ObjectHashMap<>();
    private final ArrayList<TriggerCopy> held = new ArrayList<>();
    private final ArrayDeque<TriggerCopy> pool = new ArrayDeque<>();
    private long nextPutId = 1;
    private boolean putFailed;
    private boolean keyRefused;

    /**
     * @param outputs  sends released outputs and failures.
     * @param counters of the executor.
     */
    OutputCommit(final StageOutputs outputs, final ExecutorCounters counters)
    {
        this.outputs = outputs;
        this.counters = counters;
    }

    /**
     * A stage is about to run: forget the previous stage's writes.
     */
    void beginStage()
    {
        stagePuts.clear();
        putFailed = false;
        keyRefused = false;
    }

    /**
     * @return the correlation id for the running stage's next write.
     */
    long nextPutId()
    {
        return nextPutId++;
    }

    /**
     * A write of the running stage went to the cache agent.
     */
    void onPutSent(final long putId)
    {
        stagePuts.addLong(putId);
    }

    /**
     * A write of the running stage could not reach the cache agent: its output is withheld.
     */
    void onPutNotSent()
    {
        putFailed = true;
    }

    /**
     * The running stage named a key outside its function's namespace: its output is withheld.
     */
    void onKeyRefused()
    {
        keyRefused = true;
    }

    /**
     * The stage ran: send its output, or hold it until its writes are acknowledged, or answer the
     * caller with why it cannot go.
     */
    void complete(
        final long invocationId, final long correlationId, final long replyTo, final long deadline, final int stage,
        final int attempt, final StageSchedule schedule, final DirectBuffer output, final int offset, final int length)
    {
        if (keyRefused)
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.FORBIDDEN,
                "stage " + stage + " wrote a key outside its function's namespace");
        }
        else if (putFailed)
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.NOT_CONNECTED,
                "a write of stage " + stage + " could not reach the host cache");
        }
        else if (stagePuts.isEmpty())
        {
            outputs.send(invocationId, correlationId, replyTo, deadline, stage, attempt, schedule, output, offset, length);
        }
        else
        {
            final TriggerCopy copy = pool.isEmpty() ? new TriggerCopy() : pool.pollFirst();
            copy.set(invocationId, correlationId, replyTo, deadline, stage, stage, attempt, schedule, output, offset, length);
            copy.outstanding = stagePuts.size();
            copy.state = TriggerCopy.State.AWAITING_ACKS;
            for (int i = 0; i < stagePuts.size(); i++)
            {
                heldByPut.put(stagePuts.getLong(i), copy);
            }
            held.add(copy);
        }
    }

    /**
     * The cache agent acknowledged (or refused) a write.
     *
     * @param putId of the write.
     * @param code  NONE, or why it was refused.
     */
    void onPutResponse(final long putId, final ErrorCode code)
    {
        final TriggerCopy copy = heldByPut.remove(putId);
        if (null == copy)
        {
            return;
        }
        if (code != ErrorCode.NONE && copy.state == TriggerCopy.State.AWAITING_ACKS)
        {
            copy.state = TriggerCopy.State.AWAITING_ACKS_FAILED;
            copy.failure = code;
        }
        if (--copy.outstanding > 0)
        {
            return;
        }
        held.remove(copy);
        if (copy.state == TriggerCopy.State.AWAITING_ACKS_FAILED)
        {
            outputs.fail(copy.invocationId, copy.replyTo, copy.correlationId, copy.failure, "a write of the function was refused: " + copy.failure);
        }
        else
        {
            outputs.send(copy.invocationId, copy.correlationId, copy.replyTo, copy.deadline, copy.targetStage, copy.attempt,
                copy.schedule, copy.buffer, copy.valueOffset, copy.valueLength);
        }
        release(copy);
    }

    /**
     * Drops held outputs whose writes were not all acknowledged by their deadline.
     *
     * @param nowNs epoch nanoseconds.
     * @return outputs dropped.
     */
    int expire(final long nowNs)
    {
        int expired = 0;
        for (int i = held.size() - 1; i >= 0; i--)
        {
            final TriggerCopy copy = held.get(i);
            if (copy.deadline != 0 && nowNs - copy.deadline > 0)
            {
                held.remove(i);
                for (final Long2ObjectHashMap<TriggerCopy>.ValueIterator it = heldByPut.values().iterator(); it.hasNext(); )
                {
                    if (it.next() == copy)
                    {
                        it.remove();
                    }
                }
                counters.undeliverable.incrementRelease();
                release(copy);
                expired++;
            }
        }
        return expired;
    }

    /**
     * @return outputs held for acknowledgements.
     */
    int held()
    {
        return held.size();
    }

    private void release(final TriggerCopy copy)
    {
        copy.state = TriggerCopy.State.FREE;
        pool.addLast(copy);
    }
}
