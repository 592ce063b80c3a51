package io.droplet.executors;

import io.droplet.api.FunctionState;
import io.droplet.codecs.value.ValueWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The KVS from inside a function on the worker pool. Reads answer from the host cache directly (it is
 * safe for concurrent readers) within the function's namespace. Writes, and the fetches that misses
 * ask for, touch the agent's publisher and {@link OutputCommit}, which have one writer: they are logged
 * here, in order, and the agent {@link #replay replays} them through its {@link StageState} when the run
 * is handed back, before it sends the run's output, so output commit holds exactly as for a short
 * function: the output waits for the writes' acknowledgements.
 * <p>
 * Log entry: {@code kind:int32, keyLength:int32, key, valueLength:int32, value} (native order; it never
 * leaves the process).
 * <p>
 * <b>Note:</b> written by the worker running the run, replayed by the agent after the hand-back.
 */
final class PooledState implements FunctionState
{
    private static final int PUT_VALUE = 1;
    private static final int MERGE = 2;
    private static final int FETCH = 3;

    private final StageNamespace namespace;
    private final ExpandableArrayBuffer log = new ExpandableArrayBuffer(256);
    private final ExpandableArrayBuffer value = new ExpandableArrayBuffer(256);
    private final int maxValueLength;
    private final HostCache cache;
    private int logLength;
    private int refused;

    /**
     * @param namespace        of the run's function.
     * @param cache            the host cache, or null if the executor has none (reads miss, writes are dropped).
     * @param maxMessageLength of the transport: no cached value is larger.
     */
    PooledState(final StageNamespace namespace, final HostCache cache, final int maxMessageLength)
    {
        this.namespace = namespace;
        this.cache = cache;
        this.maxValueLength = maxMessageLength;
    }

    /**
     * Empties the log for the next run (agent's thread, before the run is submitted).
     */
    void reset()
    {
        logLength = 0;
        refused = 0;
    }

    public boolean read(final DirectBuffer key, final int offset, final int length, final ValueWriter out)
    {
        if (null == cache)
        {
            return false;
        }
        if (!namespace.permits(key, offset, length))
        {
            refused++;
            return false;
        }
        int valueLength = cache.get(key, offset, length, value, 0);
        while (valueLength == HostCache.TOO_LARGE && value.capacity() < maxValueLength)
        {
            // Grown on demand: a run's buffer stays small unless its function reads large values.
            value.checkLimit(Math.min(maxValueLength, 2 * value.capacity()));
            valueLength = cache.get(key, offset, length, value, 0);
        }
        if (valueLength >= 0)
        {
            ReferenceView.write(value, 0, valueLength, out);
            return true;
        }
        append(FETCH, key, offset, length, key, offset, 0);
        return false;
    }

    public void putValue(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        append(PUT_VALUE, key, keyOffset, keyLength, value, valueOffset, valueLength);
    }

    public void merge(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
    {
        append(MERGE, key, keyOffset, keyLength, lattice, latticeOffset, latticeLength);
    }

    /**
     * Sends what the run logged, in order, as if the function had done it on the agent (the agent's
     * thread, with the run's namespace entered and its stage begun in {@link OutputCommit}).
     *
     * @param agentState the agent's state, which checks namespaces, stamps, sends and notes each write.
     * @param counters   of the executor: reads refused by namespace are counted here.
     */
    void replay(final StageState agentState, final ExecutorCounters counters)
    {
        if (refused > 0)
        {
            counters.keysRefused.getAndAddRelease(refused);
        }
        int position = 0;
        while (position < logLength)
        {
            final int kind = log.getInt(position);
            final int keyLength = log.getInt(position + 4);
            final int keyOffset = position + 8;
            final int valueLength = log.getInt(keyOffset + keyLength);
            final int valueOffset = keyOffset + keyLength + 4;
            switch (kind)
            {
                case PUT_VALUE:
                    agentState.putValue(log, keyOffset, keyLength, log, valueOffset, valueLength);
                    break;
                case MERGE:
                    agentState.merge(log, keyOffset, keyLength, log, valueOffset, valueLength);
                    break;
                default:
                    agentState.fetch(log, keyOffset, keyLength);
                    break;
            }
            position = valueOffset + valueLength;
        }
    }

    private void append(
        final int kind, final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        log.putInt(logLength, kind);
        log.putInt(logLength + 4, keyLength);
        log.putBytes(logLength + 8, key, keyOffset, keyLength);
        log.putInt(logLength + 8 + keyLength, valueLength);
        log.putBytes(logLength + 12 + keyLength, value, valueOffset, valueLength);
        logLength += 12 + keyLength + valueLength;
    }
}
