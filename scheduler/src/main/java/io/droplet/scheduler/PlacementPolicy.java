package io.droplet.scheduler;

import java.util.List;

/**
 * Chooses the executor of each stage of an invocation. The default,
 * {@link #leastLoaded()}, prefers executors that announced the function, then the host whose cache holds
 * most referenced keys, then the most free slots, then the least loaded, spreading ties. The scheduler hands
 * a policy only executors that can take the stage now (for a pooled stage, those with a free slot: see
 * {@link ExecutorView#freeSlots()}), and never places a pooled stage where none is free whatever a policy
 * returns: the call waits instead.
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
     * cache holds most of the invocation's referenced keys (Cloudburst's locality), then the most free slots
     * for a pooled function (a function that runs inline takes none: for it every executor has room), then
     * the least load, ties spread round-robin.
     */
    static PlacementPolicy leastLoaded()
    {
        return new PlacementPolicy()
        {
            /** Free slots not looked at yet. */
            private static final int UNKNOWN_ROOM = -1;

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
                // Free slots are looked at only to break a tie of the criteria before them: a lone executor, or
                // one that alone has the function or the keys, is chosen without asking its lane.
                int bestRoom = UNKNOWN_ROOM;
                final int size = executors.size();
                final int start = size == 0 ? 0 : (int)(turn++ % size);
                for (int i = 0; i < size; i++)
                {
                    final ExecutorView candidate = executors.get((start + i) % size);
                    final boolean has = candidate.hasFunction(function);
                    final int keys = locality.keysCachedOn(candidate.host());
                    int room = UNKNOWN_ROOM;
                    final boolean better;
                    if (null == best || has != bestHas)
                    {
                        better = null == best || has;
                    }
                    else if (keys != bestKeys)
                    {
                        better = keys > bestKeys;
                    }
                    else
                    {
                        if (bestRoom == UNKNOWN_ROOM)
                        {
                            bestRoom = room(best, function);
                        }
                        room = room(candidate, function);
                        better = room != bestRoom ? room > bestRoom : candidate.load() < best.load();
                    }
                    if (better)
                    {
                        best = candidate;
                        bestHas = has;
                        bestKeys = keys;
                        bestRoom = room;
                    }
                }
                return null == best ? 0 : best.nodeId();
            }

            /**
             * @return the stages of {@code function} an executor can take now: its free slots, or unbounded if it
             * runs the function inline.
             */
            private int room(final ExecutorView executor, final String function)
            {
                return executor.runsInline(function) ? Integer.MAX_VALUE : executor.freeSlots();
            }
        };
    }
}
