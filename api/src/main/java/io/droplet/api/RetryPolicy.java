package io.droplet.api;

import io.droplet.codecs.sbe.ErrorCode;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * How often a function is run again when it fails inside (it throws), before its failure reaches the caller:
 * the most attempts (the first run included), the backoff before each retry (doubling from an initial delay
 * up to a cap, and never past the invocation's deadline), and which failures are retried: a function that
 * throws a {@link DropletException} fails with its code (say NO_RESOURCES or TIMEOUT from a call it made),
 * any other exception with EXECUTION_ERROR. Retries are the executor's, apart from the scheduler's re-runs of
 * invocations whose executor died; {@link Invocation#attempt()} counts both.
 * <p>
 * A function declares its policy ({@link DropletFunction#retryPolicy()}, overridden by a class, or
 * {@link #applyTo} for a lambda), as Ray's {@code max_retries} is declared with its function. A retry runs on
 * the same executor with fresh arguments and result; what a failed attempt wrote to the KVS stays written
 * (lattice merges make the retry's writes harmless). A function declared short retries at once, without
 * backoff: its executor's agent never waits.
 * <pre>
 *   droplet.registerFunction("fetch", RetryPolicy.attempts(3).backoff(Duration.ofMillis(10), Duration.ofSeconds(1))
 *       .applyTo(inv -&gt; inv.result().writeString(http.get(inv.args().readString()))));
 * </pre>
 * <b>Note:</b> immutable and thread-safe.
 */
public final class RetryPolicy
{
    /** Run once; a failure reaches the caller. */
    public static final RetryPolicy NONE = new RetryPolicy(1, 0, 0, EnumSet.of(ErrorCode.EXECUTION_ERROR));

    private final int maxAttempts;
    private final long initialBackoffNs;
    private final long maxBackoffNs;
    private final EnumSet<ErrorCode> retryOn;

    private RetryPolicy(final int maxAttempts, final long initialBackoffNs, final long maxBackoffNs, final EnumSet<ErrorCode> retryOn)
    {
        if (maxAttempts < 1 || initialBackoffNs < 0 || maxBackoffNs < initialBackoffNs)
        {
            throw new IllegalArgumentException("attempts must be at least 1 and backoffs from 0 up to their cap");
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoffNs = initialBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
        this.retryOn = retryOn;
    }

    /**
     * @param maxAttempts runs at most, the first included (1: no retry).
     * @return a policy retrying EXECUTION_ERROR with no backoff; refine it with {@link #backoff} and {@link #on}.
     */
    public static RetryPolicy attempts(final int maxAttempts)
    {
        return new RetryPolicy(maxAttempts, 0, 0, EnumSet.of(ErrorCode.EXECUTION_ERROR));
    }

    /**
     * @param initial wait before the first retry; each next one waits twice as long.
     * @param max     longest wait.
     * @return a copy with this backoff.
     */
    public RetryPolicy backoff(final Duration initial, final Duration max)
    {
        return new RetryPolicy(maxAttempts, initial.toNanos(), max.toNanos(), retryOn);
    }

    /**
     * @param codes the failures retried (any other reaches the caller at once).
     * @return a copy retrying these.
     */
    public RetryPolicy on(final ErrorCode... codes)
    {
        final EnumSet<ErrorCode> set = EnumSet.noneOf(ErrorCode.class);
        set.addAll(Arrays.asList(codes));
        return new RetryPolicy(maxAttempts, initialBackoffNs, maxBackoffNs, set);
    }

    /**
     * @param function to run under this policy.
     * @return the function with this policy (short if the function was).
     */
    public DropletFunction applyTo(final DropletFunction function)
    {
        final RetryPolicy policy = this;
        if (function instanceof ShortFunction)
        {
            return new ShortFunction()
            {
                public void apply(final Invocation invocation) throws Exception
                {
                    function.apply(invocation);
                }

                public RetryPolicy retryPolicy()
                {
                    return policy;
                }
            };
        }
        return new DropletFunction()
        {
            public void apply(final Invocation invocation) throws Exception
            {
                function.apply(invocation);
            }

            public RetryPolicy retryPolicy()
            {
                return policy;
            }
        };
    }

    /**
     * @return runs at most, the first included.
     */
    public int maxAttempts()
    {
        return maxAttempts;
    }

    /**
     * @param retry 1 for the first retry, 2 for the second...
     * @return nanoseconds to wait before it.
     */
    public long backoffNs(final int retry)
    {
        long backoff = initialBackoffNs;
        for (int i = 1; i < retry && backoff < maxBackoffNs; i++)
        {
            backoff *= 2;
        }
        return Math.min(backoff, maxBackoffNs);
    }

    /**
     * @param code of a failure inside the function.
     * @return true if it is retried.
     */
    public boolean retries(final ErrorCode code)
    {
        return retryOn.contains(code);
    }

    /**
     * @return the failures retried.
     */
    public Set<ErrorCode> retryOn()
    {
        return EnumSet.copyOf(retryOn);
    }

    /**
     * @param failure thrown by a function.
     * @return the code it fails with: a {@link DropletException}'s own, EXECUTION_ERROR for anything else.
     */
    public static ErrorCode codeOf(final Throwable failure)
    {
        return failure instanceof DropletException ? ((DropletException)failure).code() : ErrorCode.EXECUTION_ERROR;
    }

    public String toString()
    {
        return "RetryPolicy{attempts=" + maxAttempts + ", backoff=" + initialBackoffNs + "ns..." + maxBackoffNs + "ns, on=" +
            retryOn + "}";
    }
}
