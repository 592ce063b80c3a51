package io.droplet.client;

import java.util.concurrent.CompletableFuture;

/**
 * How a {@link DropletClient} waits for a future: by spinning then parking ({@link Waiters}), or by
 * driving an in-process node's duty cycle (the invoker profile).
 * <p>
 * <b>Note:</b> called by whichever thread waits; an implementation says whether it may be shared.
 */
@FunctionalInterface
public interface Waiter
{
    /**
     * Returns when the future is done or the deadline passed.
     *
     * @param future     to wait for.
     * @param deadlineNs on {@link System#nanoTime()}.
     */
    void await(CompletableFuture<?> future, long deadlineNs);
}
