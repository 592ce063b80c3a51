package io.droplet.scheduler;

import java.util.List;

/**
 * Chooses the executor of each stage of an invocation. The default,
 * {@link #leastLoaded()}, prefers executors that announced the function, then the least loaded,
 * spreading ties; a locality-aware policy (the host whose cache holds most referenced keys) plugs in
 * here.
 * <p>
 * <b>Note:</b> called on the scheduler's thread only.
 */
@FunctionalInterface
public interface PlacementPolicy
{
    /**
     * @param function  of the stage.
     * @param executors live executors, in a stable order.
     * @return the chosen executor's node id, or 0 if none can run it.
     */
    long place(String function, List<ExecutorView> executors);

    /**
     * @return the default policy: announced function first, then least load, ties spread round-robin.
     */
    static PlacementPolicy leastLoaded()
    {
        final long[] turn = new long[1];
        return (function, executors) ->
        {
            ExecutorView best = null;
            boolean bestHas = false;
            final int size = executors.size();
            final int start = size == 0 ? 0 : (int)(turn[0]++ % size);
            for (int i = 0; i < size; i++)
            {
                final ExecutorView candidate = executors.get((start + i) % size);
                final boolean has = candidate.hasFunction(function);
                if (null == best || (has && !bestHas) || (has == bestHas && candidate.load() < best.load()))
                {
                    best = candidate;
                    bestHas = has;
                }
            }
            return null == best ? 0 : best.nodeId();
        };
    }
}
