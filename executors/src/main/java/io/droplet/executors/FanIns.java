package io.droplet.executors;

import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * Fan-in bookkeeping: a stage with several parents runs once, when every parent's output has arrived,
 * with the outputs as one LIST in the parents' stage order (not arrival order). The partial outputs
 * of an invocation wait in a pooled {@link FanIn} until they are complete or its deadline passes (a
 * parent failed or its executor died: the caller has its error or TIMEOUT), then are released.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class FanIns
{
    /** {@link #collect}: still waiting for other parents. */
    static final int WAITING = 0;
    /** {@link #collect}: the outputs do not fit the arguments buffer. */
    static final int TOO_LARGE = -1;

    private final Long2ObjectHashMap<FanIn> waiting = new Long2ObjectHashMap<>();
    private final ArrayDeque<FanIn> pool = new ArrayDeque<>();

    /**
     * Stores one parent's output.
     *
     * @param invocationId of the invocation.
     * @param stage        the fan-in stage.
     * @param slot         of the parent: how many of the stage's parents come before it in stage order.
     * @param parents      of the stage.
     * @param deadline     of the invocation, epoch nanoseconds, or 0 for none.
     * @param output       buffer holding the parent's output.
     * @param offset       of the output.
     * @param length       of the output.
     * @param args         where the assembled arguments go once complete.
     * @return the arguments' length once every parent has arrived; {@link #WAITING}; or {@link #TOO_LARGE}.
     */
    int collect(
        final long invocationId, final int stage, final int slot, final int parents, final long deadline,
        final org.agrona.DirectBuffer output, final int offset, final int length, final MutableDirectBuffer args)
    {
        final long key = invocationId * StageSchedule.MAX_STAGES + stage;
        FanIn fanIn = waiting.get(key);
        if (null == fanIn)
        {
            fanIn = pool.isEmpty() ? new FanIn() : pool.pollFirst();
            fanIn.reset(parents, deadline);
            waiting.put(key, fanIn);
        }
        if (!fanIn.store(slot, output, offset, length))
        {
            return WAITING;
        }
        waiting.remove(key);
        pool.addLast(fanIn);
        return fanIn.writeArgs(args, args.capacity());
    }

    /**
     * Releases the partial outputs whose deadline has passed.
     *
     * @param nowNs epoch nanoseconds.
     * @return fan-ins released.
     */
    int expire(final long nowNs)
    {
        int expired = 0;
        for (final Long2ObjectHashMap<FanIn>.ValueIterator iterator = waiting.values().iterator(); iterator.hasNext(); )
        {
            final FanIn fanIn = iterator.next();
            if (fanIn.deadline != 0 && nowNs - fanIn.deadline > 0)
            {
                iterator.remove();
                pool.addLast(fanIn);
                expired++;
            }
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
}
