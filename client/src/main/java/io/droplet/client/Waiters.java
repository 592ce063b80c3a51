package io.droplet.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a blocking call waits for its answer when a node thread produces it.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
public final class Waiters
{
    private static final long SPIN_NS = TimeUnit.MICROSECONDS.toNanos(200);

    private Waiters()
    {
    }

    /**
     * Spins briefly (an answer usually arrives within microseconds; parking and unparking a thread
     * costs tens of them), then parks until the deadline.
     *
     * @param future     to wait for.
     * @param deadlineNs on {@link System#nanoTime()}.
     */
    public static void spinThenPark(final CompletableFuture<?> future, final long deadlineNs)
    {
        final long spinUntil = System.nanoTime() + SPIN_NS;
        while (!future.isDone() && System.nanoTime() - spinUntil < 0)
        {
            Thread.onSpinWait();
        }
        if (!future.isDone())
        {
            try
            {
                future.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final Exception ignore)
            {
                // Done exceptionally or timed out: the caller inspects the future.
            }
        }
    }
}
