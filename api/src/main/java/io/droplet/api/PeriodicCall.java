package io.droplet.api;

/**
 * A PERIOD call in progress: the function runs every period and each result (or typed error, as a
 * {@link DropletException}) reaches the consumer given at the call, until {@link #cancel()}.
 * <p>
 * <b>Note:</b> thread-safe.
 */
public interface PeriodicCall
{
    /**
     * Stops the runs; no result reaches the consumer after this returns.
     */
    void cancel();
}
