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
    /** How many of an invocation's referenced keys each host's cache (probably) holds. */
    @FunctionalInterface
    interface Locality
    {
        /** No references, or nothing known: every host is as good as another. */
        Locality NONE = host -> 0;

        /**
         * @param host an executor's host.
         * @return referenced keys its cache probably holds.
         */
        int keysCachedOn(String host);
    }

    /**
     * @param function  of the stage.
     * @param executors live executors, in a stable order.
     * @return the chosen executor's node id, or 0 if none can run it.
     */
    long place(String function, List<ExecutorView> executors);

    /**
     * Places with knowledge of where the invocation's referenced keys are cached; by default ignores it.
     *
     * @param function  of the stage.
     * @param executors live executors, in a stable order.
     * @param locality  of the invocation's referenced keys.
     * @return the chosen executor's node id, or 0 if none can run it.
     */
    default long place(final String function, final List<ExecutorView> executors, final Locality locality)
    {
        return place(function, executors);
    }

    /**
     * @return the default policy: an executor that announced the function first, then the host whose
     * cache holds most of the invocation's referenced keys (Cloudburst's locality), then the least load,
     * ties spread round-robin.
     */
    static PlacementPolicy leastLoaded()
    {
        return new PlacementPolicy()
        {
            private long turn;

            public long place(final String function, final List<ExecutorView> executors)
            {
                return place(function, executors, Locality.NONE);
            }

            public long place(final String function, final List<ExecutorView> executors, final Locality locality)
            {
                ExecutorView best = null;
                boolean bestHas = false;
                int bestKeys = -1;
                final int size = executors.size();
                final int start = size == 0 ? 0 : (int)(turn++ % size);
                for (int i = 0; i < size; i++)
                {
                    final ExecutorView candidate = executors.get((start + i) % size);
                    final boolean has = candidate.hasFunction(function);
                    final int keys = locality.keysCachedOn(candidate.host());
                    final boolean better = null == best ||
                        (has && !bestHas) ||
                        (has == bestHas && keys > bestKeys) ||
                        (has == bestHas && keys == bestKeys && candidate.load() < best.load());
                    if (better)
                    {
                        best = candidate;
                        bestHas = has;
                        bestKeys = keys;
                    }
                }
                return null == best ? 0 : best.nodeId();
            }
        };
    }
}
