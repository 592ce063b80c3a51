package io.droplet.client;

import io.droplet.api.DropletException;

import java.util.function.Consumer;

/**
 * A PERIOD call: every run's outcome (its result, or its typed error as a {@link DropletException}) reaches
 * the consumer, until the call is cancelled or, for a call at given times, its last run answered. It has no
 * deadline of its own: each run's deadline is the scheduler's to keep. Once cancelled no outcome reaches the
 * consumer; the scheduler's Ack of the Cancel ends it.
 * <p>
 * <b>Note:</b> {@link #cancel()} may be called from any thread; the rest runs on the client's agent thread.
 */
final class PeriodicRuns extends PendingRequest
{
    private final FunctionCallMessage message;
    private final Consumer<Object> onOutcome;
    private int remainingRuns;
    private volatile boolean cancelled;

    /**
     * @param correlationId of the call.
     * @param scheduler     node it goes to.
     * @param deadlineNs    for sending it, on the client's nano clock.
     * @param message       the PERIOD CallFunction.
     * @param onOutcome     told each run's outcome.
     * @param runs          of a call at given times; 0 for a call every period.
     */
    PeriodicRuns(
        final long correlationId, final long scheduler, final long deadlineNs, final FunctionCallMessage message,
        final Consumer<Object> onOutcome, final int runs)
    {
        super(correlationId, scheduler, deadlineNs);
        this.message = message;
        this.onOutcome = onOutcome;
        this.remainingRuns = runs;
    }

    int send(final RequestPublisher publisher)
    {
        return message.send(publisher, correlationId);
    }

    boolean hasDeadline()
    {
        return false;
    }

    /**
     * Stops delivering outcomes (from any thread); the Cancel itself is sent as a {@link CancelRequest}.
     */
    void cancel()
    {
        cancelled = true;
    }

    /**
     * @return true once cancelled.
     */
    boolean isCancelled()
    {
        return cancelled;
    }

    boolean onResult(final long executor, final Object value)
    {
        return deliver(value);
    }

    boolean onError(final DropletException error)
    {
        return deliver(error);
    }

    boolean onAck()
    {
        // The scheduler acknowledged a Cancel: the periodic call is over.
        future.complete(null);
        return true;
    }

    private boolean deliver(final Object outcome)
    {
        if (!cancelled)
        {
            onOutcome.accept(outcome);
        }
        if (remainingRuns > 0 && --remainingRuns == 0)
        {
            future.complete(null);
            return true;
        }
        return false;
    }
}
