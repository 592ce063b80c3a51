package io.droplet.api;

/**
 * A user function: reads {@link Invocation#args()} and writes exactly one value to
 * {@link Invocation#result()}. An exception thrown here reaches the caller as EXECUTION_ERROR with the
 * exception's text, after the retries its {@link #retryPolicy()} allows; the executor keeps running.
 * <pre>
 *   DropletFunction increment = inv -> inv.result().writeLong(inv.args().readLong() + 1);
 * </pre>
 * A function runs on its executor's worker pool, so it may block (I/O, waiting) until its deadline, unless it is
 * declared a {@link ShortFunction}, which runs inline on the executor's agent thread.
 * <p>
 * <b>Note:</b> the workers of one executor, and several executors, may call the same instance at once: a
 * function with state must guard it (or be registered as a stateful class, called one at a time).
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

    /**
     * @return how often the function is run again when it fails inside; {@link RetryPolicy#NONE} by default.
     */
    default RetryPolicy retryPolicy()
    {
        return RetryPolicy.NONE;
    }
}
