package io.droplet.api;

/**
 * A user function: reads {@link Invocation#args()} and writes exactly one value to
 * {@link Invocation#result()}. An exception thrown here reaches the caller as EXECUTION_ERROR with the
 * exception's text; the executor keeps running.
 * <pre>
 *   DropletFunction increment = inv -> inv.result().writeLong(inv.args().readLong() + 1);
 * </pre>
 * <b>Note:</b> an executor calls a function from its own thread only, but several executors may call
 * the same instance: a function with state must guard it (or be registered as a stateful class).
 */
@FunctionalInterface
public interface DropletFunction
{
    /**
     * Runs the function once.
     *
     * @param invocation its arguments, result and context, valid only during the call.
     * @throws Exception reported to the caller as EXECUTION_ERROR.
     */
    void apply(Invocation invocation) throws Exception;
}
