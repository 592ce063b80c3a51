package io.droplet.api;

/**
 * A function declared short: it runs in microseconds and never blocks (no I/O, no locks held by others,
 * no waiting), so the executor runs it inline on its agent thread, the microsecond path. Every other
 * function runs on the executor's worker pool, where it may take as long as its deadline allows while
 * the agent keeps answering triggers, heartbeats and the host cache. Declare only what is truly short:
 * a short function that blocks stalls every role composed on the agent's thread.
 * <pre>
 *   droplet.registerFunction("increment", ShortFunction.of(inv -&gt; inv.result().writeLong(inv.args().readLong() + 1)));
 *   final class Increment implements ShortFunction { ... }
 * </pre>
 * <b>Note:</b> as {@link DropletFunction}: called by one executor thread at a time per executor, while
 * several executors may call the same instance.
 */
@FunctionalInterface
public interface ShortFunction extends DropletFunction
{
    /**
     * Declares a lambda short without a cast.
     *
     * @param function that runs in microseconds and never blocks.
     * @return the same function.
     */
    static ShortFunction of(final ShortFunction function)
    {
        return function;
    }
}
