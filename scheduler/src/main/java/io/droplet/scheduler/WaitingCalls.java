package io.droplet.scheduler;

import org.agrona.ExpandableArrayBuffer;

import java.util.Arrays;

/**
 * Calls that found every executor able to run them without a free slot, waiting in arrival order for one:
 * bounded in count and in the bytes of arguments held, each until a time (its caller's deadline, or a
 * longest wait when the call has none). Entries leave from anywhere (started, timed out, cancelled), so they
 * form a list threaded through arrays, and each keeps a copy of its arguments in a buffer of its own that
 * is reused by the next call in that entry.
 * <pre>
 *   head -> [slot 3] <-> [slot 0] <-> [slot 7] <- tail      (arrival order; free slots on a stack)
 * </pre>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Allocation-free in steady state: an entry's
 * buffers are made on its first use, and an argument buffer that grew past {@link #RETAINED_BYTES} is let go
 * when its call leaves, so a burst of large calls does not pin memory per entry.
 */
final class WaitingCalls
{
    /** No entry. */
    static final int NONE = -1;
    /** Largest argument buffer an entry keeps for its next call. */
    static final int RETAINED_BYTES = 4096;

    private final int capacity;
    private final long maxBytes;
    private final DagDefinition[] dags;
    private final long[] correlationIds;
    private final long[] replyTos;
    private final long[] callers;
    private final long[] deadlines;
    private final long[] untilNs;
    private final int[] bytes;
    private final SourceArgs[] args;
    private final ExpandableArrayBuffer[] buffers;
    private final int[] next;
    private final int[] previous;
    private final int[] freeSlots;
    private int freeCount;
    private int head = NONE;
    private int tail = NONE;
    private int size;
    private long bytesHeld;
    private long earliestUntilNs = Long.MAX_VALUE;

    /**
     * @param capacity calls that may wait at once.
     * @param maxBytes of arguments the waiting calls may hold together.
     */
    WaitingCalls(final int capacity, final long maxBytes)
    {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        dags = new DagDefinition[capacity];
        correlationIds = new long[capacity];
        replyTos = new long[capacity];
        callers = new long[capacity];
        deadlines = new long[capacity];
        untilNs = new long[capacity];
        bytes = new int[capacity];
        args = new SourceArgs[capacity];
        buffers = new ExpandableArrayBuffer[capacity];
        next = new int[capacity];
        previous = new int[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            // Lowest slots first, so a small queue touches few entries.
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        Arrays.fill(next, NONE);
        Arrays.fill(previous, NONE);
    }

    /**
     * Appends a call, copying its arguments.
     *
     * @param dag           to run.
     * @param source        its source arguments, copied.
     * @param correlationId of the call.
     * @param replyTo       where its result goes.
     * @param caller        who hears refusals.
     * @param deadline      the caller's (epoch ns, 0 for none), passed on when it starts.
     * @param untilNs       when it stops waiting (scheduler's nano clock).
     * @return its slot, or {@link #NONE} if the queue is full (in calls or in bytes).
     */
    int add(
        final DagDefinition dag, final SourceArgs source, final long correlationId, final long replyTo, final long caller,
        final long deadline, final long untilNs)
    {
        final int span = source.span();
        if (0 == freeCount || bytesHeld + span > maxBytes)
        {
            return NONE;
        }
        final int slot = freeSlots[--freeCount];
        if (null == buffers[slot])
        {
            buffers[slot] = new ExpandableArrayBuffer(Math.max(64, Math.min(span, RETAINED_BYTES)));
            args[slot] = new SourceArgs();
        }
        bytes[slot] = source.copyInto(buffers[slot], args[slot]);
        bytesHeld += bytes[slot];
        dags[slot] = dag;
        correlationIds[slot] = correlationId;
        replyTos[slot] = replyTo;
        callers[slot] = caller;
        deadlines[slot] = deadline;
        this.untilNs[slot] = untilNs;
        earliestUntilNs = Math.min(earliestUntilNs, untilNs);
        previous[slot] = tail;
        next[slot] = NONE;
        if (NONE == tail)
        {
            head = slot;
        }
        else
        {
            next[tail] = slot;
        }
        tail = slot;
        size++;
        return slot;
    }

    /**
     * Takes a call out, wherever it is.
     *
     * @param slot of the call.
     */
    void remove(final int slot)
    {
        final int before = previous[slot];
        final int after = next[slot];
        if (NONE == before)
        {
            head = after;
        }
        else
        {
            next[before] = after;
        }
        if (NONE == after)
        {
            tail = before;
        }
        else
        {
            previous[after] = before;
        }
        next[slot] = NONE;
        previous[slot] = NONE;
        dags[slot] = null;
        bytesHeld -= bytes[slot];
        if (buffers[slot].capacity() > RETAINED_BYTES)
        {
            buffers[slot] = null;
            args[slot] = null;
        }
        freeSlots[freeCount++] = slot;
        size--;
        if (0 == size)
        {
            earliestUntilNs = Long.MAX_VALUE;
        }
    }

    /**
     * @param nowNs scheduler's nano clock.
     * @return true if some call may have waited past its time (the earliest time known has passed).
     */
    boolean anyDue(final long nowNs)
    {
        return size > 0 && nowNs - earliestUntilNs > 0;
    }

    /**
     * @param earliestUntilNs the earliest time a waiting call stops waiting, after a scan of them all.
     */
    void earliestUntilNs(final long earliestUntilNs)
    {
        this.earliestUntilNs = earliestUntilNs;
    }

    /**
     * @return the first call (the longest waiting), or {@link #NONE}.
     */
    int head()
    {
        return head;
    }

    /**
     * @param slot of a call.
     * @return the call after it, or {@link #NONE}.
     */
    int next(final int slot)
    {
        return next[slot];
    }

    /**
     * @return calls waiting.
     */
    int size()
    {
        return size;
    }

    /**
     * @return calls that may wait at once.
     */
    int capacity()
    {
        return capacity;
    }

    /**
     * @return bytes of arguments the waiting calls hold.
     */
    long bytesHeld()
    {
        return bytesHeld;
    }

    DagDefinition dag(final int slot)
    {
        return dags[slot];
    }

    SourceArgs args(final int slot)
    {
        return args[slot];
    }

    long correlationId(final int slot)
    {
        return correlationIds[slot];
    }

    long replyTo(final int slot)
    {
        return replyTos[slot];
    }

    long caller(final int slot)
    {
        return callers[slot];
    }

    long deadline(final int slot)
    {
        return deadlines[slot];
    }

    long untilNs(final int slot)
    {
        return untilNs[slot];
    }
}
