package io.droplet.executors;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The schedule a {@code Trigger} carries: for each stage the executor that runs it and its function's
 * name, and the DAG's edges. The names are views into a buffer (the receive buffer while a trigger is
 * handled, or a {@link TriggerCopy}'s own buffer once it is kept), so filling one copies no name.
 * <p>
 * <b>Note:</b> not thread-safe; reused by one executor agent.
 */
final class StageSchedule
{
    /** Most stages in one DAG. */
    static final int MAX_STAGES = 64;
    /** Most edges in one DAG. */
    static final int MAX_EDGES = 256;

    private final long[] executors = new long[MAX_STAGES];
    private final int[] functionOffsets = new int[MAX_STAGES];
    private final int[] functionLengths = new int[MAX_STAGES];
    private final int[] edgeFrom = new int[MAX_EDGES];
    private final int[] edgeTo = new int[MAX_EDGES];
    /** Per stage, a bit per parent stage with an edge to it: a duplicate edge would make a fan-in wait for too many. */
    private final long[] parentBits = new long[MAX_STAGES];
    /** parentBits[0, touched) may be non-zero: a reset clears only those (it runs once per trigger). */
    private int touched;
    private DirectBuffer names;
    private int stages;
    private int edges;

    /**
     * Empties the schedule.
     *
     * @param names the buffer the function names of the stages to come are in.
     */
    void reset(final DirectBuffer names)
    {
        this.names = names;
        stages = 0;
        edges = 0;
        java.util.Arrays.fill(parentBits, 0, touched, 0L);
        touched = 0;
    }

    /**
     * @return false if the schedule is full ({@link #MAX_STAGES}).
     */
    boolean addStage(final long executor, final int functionOffset, final int functionLength)
    {
        if (stages == MAX_STAGES)
        {
            return false;
        }
        executors[stages] = executor;
        functionOffsets[stages] = functionOffset;
        functionLengths[stages] = functionLength;
        stages++;
        return true;
    }

    /**
     * @param from parent stage, below {@link #MAX_STAGES}.
     * @param to   child stage, below {@link #MAX_STAGES}.
     * @return true if the schedule has an edge from {@code from} to {@code to} already.
     */
    boolean hasEdge(final int from, final int to)
    {
        return (parentBits[to] & (1L << from)) != 0;
    }

    /**
     * @return false if the schedule is full ({@link #MAX_EDGES}).
     */
    boolean addEdge(final int from, final int to)
    {
        if (edges == MAX_EDGES)
        {
            return false;
        }
        if (from >= 0 && from < MAX_STAGES && to >= 0 && to < MAX_STAGES)
        {
            parentBits[to] |= 1L << from;
            touched = Math.max(touched, to + 1);
        }
        edgeFrom[edges] = from;
        edgeTo[edges] = to;
        edges++;
        return true;
    }

    int stages()
    {
        return stages;
    }

    int edges()
    {
        return edges;
    }

    long executor(final int stage)
    {
        return executors[stage];
    }

    DirectBuffer names()
    {
        return names;
    }

    int functionOffset(final int stage)
    {
        return functionOffsets[stage];
    }

    int functionLength(final int stage)
    {
        return functionLengths[stage];
    }

    int edgeFrom(final int edge)
    {
        return edgeFrom[edge];
    }

    int edgeTo(final int edge)
    {
        return edgeTo[edge];
    }

    /**
     * @return how many edges end at {@code stage}.
     */
    int parents(final int stage)
    {
        int parents = 0;
        for (int e = 0; e < edges; e++)
        {
            if (edgeTo[e] == stage)
            {
                parents++;
            }
        }
        return parents;
    }

    /**
     * The place of a parent's output among a fan-in stage's arguments: parents in stage order.
     *
     * @return how many parents of {@code stage} come before {@code parent}.
     */
    int slot(final int stage, final int parent)
    {
        int slot = 0;
        for (int e = 0; e < edges; e++)
        {
            if (edgeTo[e] == stage && edgeFrom[e] < parent)
            {
                slot++;
            }
        }
        return slot;
    }

    /**
     * Copies this schedule into another, its names into {@code buffer} one after another.
     *
     * @return the offset after the last name written.
     */
    int copyTo(final StageSchedule copy, final MutableDirectBuffer buffer, final int offset)
    {
        copy.reset(buffer);
        int position = offset;
        for (int s = 0; s < stages; s++)
        {
            buffer.putBytes(position, names, functionOffsets[s], functionLengths[s]);
            copy.addStage(executors[s], position, functionLengths[s]);
            position += functionLengths[s];
        }
        for (int e = 0; e < edges; e++)
        {
            copy.addEdge(edgeFrom[e], edgeTo[e]);
        }
        return position;
    }

    /**
     * @return bytes the names take, for sizing a copy.
     */
    int namesLength()
    {
        int length = 0;
        for (int s = 0; s < stages; s++)
        {
            length += functionLengths[s];
        }
        return length;
    }
}
