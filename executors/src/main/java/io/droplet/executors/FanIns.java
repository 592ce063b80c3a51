package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayDeque;

/**
 * Fan-in bookkeeping: a stage with several parents runs once, when every parent's output has arrived,
 * with the outputs as one LIST in the parents' stage order (not arrival order). The partial outputs
 * of an invocation wait in a pooled {@link FanIn} until they are complete, and no longer:
 * <ul>
 *   <li>bounded in bytes per invocation (past it: PAYLOAD_TOO_LARGE, the arguments could not be sent anyway) and
 *   in all (past it: NO_RESOURCES), each refusal counted;</li>
 *   <li>released at once when the invocation fails ({@link #release}, from every error answered here and from a
 *   {@code CancelInvocation}), and outputs of it that arrive later are dropped: the caller has its answer;</li>
 *   <li>released at the invocation's deadline, or, for an invocation with none, after the executor's own bound
 *   on waiting, then answered TIMEOUT.</li>
 * </ul>
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent. Allocation-free in steady state.
 */
final class FanIns
{
    /** {@link #collect}: still waiting for other parents. */
    static final int WAITING = 0;
    /** {@link #collect}: the outputs exceed the bound of one invocation, or do not fit the arguments buffer. */
    static final int TOO_LARGE = -1;
    /** {@link #collect}: the fan-ins waiting on this executor hold as many bytes as they may. */
    static final int NO_RESOURCES = -2;
    /** {@link #collect}: the invocation failed already; the output is dropped, nobody is answered. */
    static final int DROPPED = -3;
    /** {@link #collect}: the parent's slot is not one of the stage's parents. */
    static final int MALFORMED = -4;

    /** Fan-ins kept for reuse; more are left to the garbage collector. */
    private static final int POOLED = 64;
    /** Invocations remembered as failed, so their late outputs are dropped; the oldest is forgotten first. */
    static final int FAILED_REMEMBERED = 4096;

    private final Long2ObjectHashMap<FanIn> waiting = new Long2ObjectHashMap<>();
    private final ArrayDeque<FanIn> pool = new ArrayDeque<>();
    private final ArrayDeque<FanIn> timedOut = new ArrayDeque<>();
    private final LongHashSet failed = new LongHashSet(FAILED_REMEMBERED * 2);
    private final long[] failedOrder = new long[FAILED_REMEMBERED];
    private final EpochNanoClock clock;
    private final long invocationBytes;
    private final long totalBytes;
    private final long waitNs;
    private final AtomicCounter refused;
    private final AtomicCounter released;
    private final AtomicCounter bytesHeld;
    private int nextFailed;
    private long heldBytes;

    /**
     * @param bounds   of the executor, concluded.
     * @param clock    epoch clock, read when an invocation with no deadline starts waiting.
     * @param counters of the executor.
     */
    FanIns(final ExecutorBounds bounds, final EpochNanoClock clock, final ExecutorCounters counters)
    {
        this.clock = clock;
        this.invocationBytes = bounds.fanInInvocationBytes();
        this.totalBytes = bounds.fanInTotalBytes();
        this.waitNs = bounds.fanInWaitNs();
        this.refused = counters.fanInsRefused;
        this.released = counters.fanInsReleased;
        this.bytesHeld = counters.fanInBytes;
    }

    /**
     * Stores one parent's output.
     *
     * @param invocationId  of the invocation.
     * @param replyTo       the invocation's caller, answered TIMEOUT if it has no deadline and waits too long.
     * @param correlationId of the caller's request.
     * @param stage         the fan-in stage.
     * @param slot          of the parent: how many of the stage's parents come before it in stage order.
     * @param parents       of the stage.
     * @param deadline      of the invocation, epoch nanoseconds, or 0 for none.
     * @param output        buffer holding the parent's output.
     * @param offset        of the output.
     * @param length        of the output.
     * @param args          where the assembled arguments go once complete.
     * @return the arguments' length once every parent has arrived; {@link #WAITING}, {@link #TOO_LARGE},
     * {@link #NO_RESOURCES}, {@link #DROPPED} or {@link #MALFORMED}.
     */
    int collect(
        final long invocationId, final long replyTo, final long correlationId, final int stage, final int slot,
        final int parents, final long deadline, final DirectBuffer output, final int offset, final int length,
        final MutableDirectBuffer args)
    {
        if (parents > FanIn.MAX_PARENTS || slot < 0 || slot >= parents)
        {
            return MALFORMED;
        }
        if (!failed.isEmpty() && failed.contains(invocationId))
        {
            released.incrementRelease();
            return DROPPED;
        }
        final long key = invocationId * StageSchedule.MAX_STAGES + stage;
        FanIn fanIn = waiting.get(key);
        if (null == fanIn)
        {
            fanIn = pool.isEmpty() ? new FanIn() : pool.pollFirst();
            final boolean noDeadline = 0 == deadline;
            fanIn.reset(invocationId, replyTo, correlationId, parents, noDeadline ? clock.nanoTime() + waitNs : deadline, noDeadline);
            waiting.put(key, fanIn);
        }
        final long growth = fanIn.growth(slot, length);
        if (fanIn.bytes + growth > invocationBytes || heldBytes + growth > totalBytes)
        {
            // The caller is answered with the refusal: nothing of the invocation is kept for it.
            refused.incrementRelease();
            final int refusal = fanIn.bytes + growth > invocationBytes ? TOO_LARGE : NO_RESOURCES;
            release(invocationId);
            return refusal;
        }
        heldBytes += growth;
        if (!fanIn.store(slot, output, offset, length))
        {
            bytesHeld.setRelease(heldBytes);
            return WAITING;
        }
        final int written = fanIn.writeArgs(args, args.capacity());
        waiting.remove(key);
        recycle(fanIn);
        return written < 0 ? TOO_LARGE : written;
    }

    /**
     * An invocation failed (its caller was answered an error here, or it was cancelled): release what its fan-ins
     * hold at once, and drop its outputs that arrive later.
     *
     * @param invocationId that failed.
     * @return fan-ins released.
     */
    int release(final long invocationId)
    {
        if (failed.add(invocationId))
        {
            final long forgotten = failedOrder[nextFailed];
            if (0 != forgotten)
            {
                failed.remove(forgotten);
            }
            failedOrder[nextFailed] = invocationId;
            nextFailed = (nextFailed + 1) % FAILED_REMEMBERED;
        }
        if (waiting.isEmpty())
        {
            return 0;
        }
        int count = 0;
        final long first = invocationId * StageSchedule.MAX_STAGES;
        for (int stage = 0; stage < StageSchedule.MAX_STAGES; stage++)
        {
            final FanIn fanIn = waiting.remove(first + stage);
            if (null != fanIn)
            {
                recycle(fanIn);
                count++;
            }
        }
        released.getAndAddRelease(count);
        return count;
    }

    /**
     * Releases the partial outputs whose deadline (or, with none, the bound on waiting) has passed; the caller of
     * an invocation with no deadline is answered TIMEOUT, any other has its TIMEOUT from its own deadline.
     *
     * @param nowNs   epoch nanoseconds.
     * @param outputs answers the callers of invocations with no deadline.
     * @return fan-ins released.
     */
    int expire(final long nowNs, final StageOutputs outputs)
    {
        int expired = 0;
        for (final Long2ObjectHashMap<FanIn>.ValueIterator iterator = waiting.values().iterator(); iterator.hasNext(); )
        {
            final FanIn fanIn = iterator.next();
            if (nowNs - fanIn.deadline > 0)
            {
                iterator.remove();
                expired++;
                if (fanIn.waitBounded)
                {
                    // Answered after the walk: the answer releases the invocation's other fan-ins from the map.
                    timedOut.addLast(fanIn);
                }
                else
                {
                    recycle(fanIn);
                }
            }
        }
        released.getAndAddRelease(expired);
        for (FanIn fanIn = timedOut.pollFirst(); null != fanIn; fanIn = timedOut.pollFirst())
        {
            final long invocationId = fanIn.invocationId;
            final long replyTo = fanIn.replyTo;
            final long correlationId = fanIn.correlationId;
            recycle(fanIn);
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.TIMEOUT,
                "a fan-in stage waited longer than the executor's bound for its other parents");
        }
        return expired;
    }

    /**
     * @return fan-in stages waiting for parents.
     */
    int waiting()
    {
        return waiting.size();
    }

    /**
     * @return bytes of parents' outputs the waiting fan-ins hold.
     */
    long heldBytes()
    {
        return heldBytes;
    }

    private void recycle(final FanIn fanIn)
    {
        heldBytes -= fanIn.bytes;
        bytesHeld.setRelease(heldBytes);
        fanIn.clear();
        if (pool.size() < POOLED)
        {
            pool.addLast(fanIn);
        }
    }
}
