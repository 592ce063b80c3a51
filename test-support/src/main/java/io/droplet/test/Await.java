package io.droplet.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, never a fixed sleep. The variants that take a
 * {@code dutyCycle} run it on every iteration, which is how invoker-profile tests drive their
 * agents while they wait.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
public final class Await
{
    private Await()
    {
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param condition to wait for.
     * @param timeout   after which the wait fails.
     * @param message   describing what was awaited, for the failure.
     * @throws AssertionError if the condition does not hold in time.
     */
    public static void until(final BooleanSupplier condition, final Duration timeout, final Supplier<String> message)
    {
        until(Await::pause, condition, timeout, message);
    }

    /**
     * Waits until {@code condition} holds, checking it every {@code poll} (for conditions that cost
     * something to check, such as reading another process's counters).
     *
     * @param condition to wait for.
     * @param timeout   after which the wait fails.
     * @param poll      between checks.
     * @param message   describing what was awaited, for the failure.
     * @throws AssertionError if the condition does not hold in time.
     */
    public static void until(
        final BooleanSupplier condition, final Duration timeout, final Duration poll, final Supplier<String> message)
    {
        final long pollNs = poll.toNanos();
        until(() -> java.util.concurrent.locks.LockSupport.parkNanos(pollNs), condition, timeout, message);
    }

    /**
     * Runs {@code dutyCycle} until {@code condition} holds.
     *
     * @param dutyCycle run on every iteration (e.g. agents' {@code doWork}).
     * @param condition to wait for.
     * @param timeout   after which the wait fails.
     * @param message   describing what was awaited, for the failure.
     * @throws AssertionError if the condition does not hold in time.
     */
    public static void until(
        final Runnable dutyCycle, final BooleanSupplier condition, final Duration timeout, final Supplier<String> message)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + message.get());
            }
            dutyCycle.run();
        }
    }

    private static void pause()
    {
        Thread.onSpinWait();
        Thread.yield();
    }
}
