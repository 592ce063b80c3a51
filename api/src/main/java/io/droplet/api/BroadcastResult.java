package io.droplet.api;

import java.util.List;
import java.util.Map;

/**
 * The answers of a BROADCAST call: each executor's result by its node id, and the typed errors of the
 * executors that failed.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param resultsByExecutor result of each executor that succeeded.
 * @param errors            of the executors that failed.
 */
public record BroadcastResult(Map<Long, Object> resultsByExecutor, List<DropletException> errors)
{
    /**
     * Copies the collections.
     */
    public BroadcastResult
    {
        resultsByExecutor = Map.copyOf(resultsByExecutor);
        errors = List.copyOf(errors);
    }
}
