package io.droplet.scheduler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A registered DAG: functions by stage index and edges between stages, validated once at registration
 * (at most {@link #MAX_STAGES} stages and {@link #MAX_EDGES} edges, as executors hold; edges in range, no
 * self-loops or duplicates, acyclic, exactly one sink) and kept with its names
 * pre-encoded so calls build triggers without allocating.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public final class DagDefinition
{
    /** Most stages of a DAG: what a trigger's schedule holds. */
    public static final int MAX_STAGES = 64;
    /**
     * Most edges of a DAG: what an executor keeps of a trigger's schedule (its {@code StageSchedule}), so a DAG
     * with more would register and then fail every call.
     */
    public static final int MAX_EDGES = 256;

    private final String name;
    private final String[] functions;
    private final byte[][] functionBytes;
    private final int[] edgeFrom;
    private final int[] edgeTo;
    private final int[] sources;
    private final int sink;

    private DagDefinition(final String name, final String[] functions, final int[] edgeFrom, final int[] edgeTo,
        final int[] sources, final int sink)
    {
        this.name = name;
        this.functions = functions;
        this.functionBytes = new byte[functions.length][];
        for (int i = 0; i < functions.length; i++)
        {
            functionBytes[i] = functions[i].getBytes(StandardCharsets.UTF_8);
        }
        this.edgeFrom = edgeFrom;
        this.edgeTo = edgeTo;
        this.sources = sources;
        this.sink = sink;
    }

    /**
     * Validates and builds a DAG.
     *
     * @param name      of the DAG.
     * @param functions by stage index.
     * @param edgeFrom  parent stage of each edge.
     * @param edgeTo    child stage of each edge.
     * @return the DAG.
     * @throws IllegalArgumentException saying what is wrong with it.
     */
    public static DagDefinition of(final String name, final String[] functions, final int[] edgeFrom, final int[] edgeTo)
    {
        final int stages = functions.length;
        if (stages == 0)
        {
            throw new IllegalArgumentException("a DAG needs at least one function");
        }
        if (stages > MAX_STAGES)
        {
            throw new IllegalArgumentException("a DAG has at most " + MAX_STAGES + " stages: " + stages);
        }
        if (edgeFrom.length != edgeTo.length)
        {
            throw new IllegalArgumentException("edges must have a parent and a child");
        }
        if (edgeFrom.length > MAX_EDGES)
        {
            throw new IllegalArgumentException("a DAG has at most " + MAX_EDGES + " edges: " + edgeFrom.length);
        }
        final int[] inDegree = new int[stages];
        final int[] outDegree = new int[stages];
        final boolean[][] seen = new boolean[stages][stages];
        for (int e = 0; e < edgeFrom.length; e++)
        {
            final int from = edgeFrom[e];
            final int to = edgeTo[e];
            if (from < 0 || from >= stages || to < 0 || to >= stages)
            {
                throw new IllegalArgumentException("edge " + from + " -> " + to + " names a stage that does not exist");
            }
            if (from == to)
            {
                throw new IllegalArgumentException("stage " + from + " (" + functions[from] + ") cannot feed itself");
            }
            if (seen[from][to])
            {
                throw new IllegalArgumentException("duplicate edge " + functions[from] + " -> " + functions[to]);
            }
            seen[from][to] = true;
            inDegree[to]++;
            outDegree[from]++;
        }

        // Kahn's algorithm: every stage must be reached, or there is a cycle.
        final int[] remaining = inDegree.clone();
        final ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int s = 0; s < stages; s++)
        {
            if (remaining[s] == 0)
            {
                ready.add(s);
            }
        }
        int ordered = 0;
        while (!ready.isEmpty())
        {
            final int stage = ready.poll();
            ordered++;
            for (int e = 0; e < edgeFrom.length; e++)
            {
                if (edgeFrom[e] == stage && --remaining[edgeTo[e]] == 0)
                {
                    ready.add(edgeTo[e]);
                }
            }
        }
        if (ordered != stages)
        {
            throw new IllegalArgumentException("the connections form a cycle");
        }

        final List<Integer> sinks = new ArrayList<>();
        final List<Integer> sourceList = new ArrayList<>();
        for (int s = 0; s < stages; s++)
        {
            if (outDegree[s] == 0)
            {
                sinks.add(s);
            }
            if (inDegree[s] == 0)
            {
                sourceList.add(s);
            }
        }
        if (sinks.size() != 1)
        {
            throw new IllegalArgumentException("a DAG has exactly one sink; this one has " + sinks.size());
        }
        return new DagDefinition(name, functions.clone(), edgeFrom.clone(), edgeTo.clone(),
            sourceList.stream().mapToInt(Integer::intValue).toArray(), sinks.get(0));
    }

    /**
     * A one-stage DAG for a plain function call.
     *
     * @param function to call.
     * @return the DAG.
     */
    public static DagDefinition single(final String function)
    {
        return new DagDefinition(function, new String[]{ function }, new int[0], new int[0], new int[]{ 0 }, 0);
    }

    /**
     * @return the DAG's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return stages.
     */
    public int stageCount()
    {
        return functions.length;
    }

    /**
     * @param stage index.
     * @return the stage's function.
     */
    public String function(final int stage)
    {
        return functions[stage];
    }

    /**
     * @param stage index.
     * @return the stage's function name as UTF-8 (do not modify).
     */
    public byte[] functionBytes(final int stage)
    {
        return functionBytes[stage];
    }

    /**
     * @return edges.
     */
    public int edgeCount()
    {
        return edgeFrom.length;
    }

    /**
     * @param edge index.
     * @return its parent stage.
     */
    public int edgeFrom(final int edge)
    {
        return edgeFrom[edge];
    }

    /**
     * @param edge index.
     * @return its child stage.
     */
    public int edgeTo(final int edge)
    {
        return edgeTo[edge];
    }

    /**
     * @return the source stages (no parents), ascending (a copy).
     */
    public int[] sources()
    {
        return sources.clone();
    }

    /**
     * @param stage index.
     * @return true if the stage has no parents.
     */
    public boolean isSource(final int stage)
    {
        return Arrays.binarySearch(sources, stage) >= 0;
    }

    /**
     * @return the sink stage.
     */
    public int sink()
    {
        return sink;
    }
}
