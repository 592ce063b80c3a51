package io.droplet.executors;

import io.droplet.api.DropletException;
import io.droplet.api.RetryPolicy;
import io.droplet.api.ShortFunction;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.executors.RecordingSends.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A function's retry policy on its executor: a failure it retries runs the function again (fresh arguments,
 * the next attempt number), up to its attempts, on both lanes; any other failure, or the last, reaches the
 * caller. Retries are counted.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RetryTest
{
    private final StageFixture fixture = new StageFixture(null, new RecordingSends(), 4);
    private final List<Integer> attemptsSeen = new ArrayList<>();

    /** Fails until it has failed {@code failures} times, then returns its argument plus the attempt it saw. */
    private io.droplet.api.DropletFunction flaky(final int failures, final ErrorCode code)
    {
        final int[] failed = { 0 };
        return inv ->
        {
            attemptsSeen.add(inv.attempt());
            final long x = inv.args().readLong();
            if (failed[0]++ < failures)
            {
                throw code == ErrorCode.EXECUTION_ERROR ? new IllegalStateException("flaky") : new DropletException(code, "flaky");
            }
            inv.result().writeLong(x * 100 + inv.attempt());
        };
    }

    @Test
    void aShortFunctionThatFailsTwiceThenSucceedsReturnsOnItsThirdAttempt()
    {
        final io.droplet.api.DropletFunction flaky = flaky(2, ErrorCode.EXECUTION_ERROR);
        fixture.functions.install("flaky", RetryPolicy.attempts(3).applyTo(ShortFunction.of(flaky::apply)));
        fixture.stage("flaky");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(7).endList());

        assertEquals(702, fixture.sends.of(Kind.RESULT).get(0).longValue(), "its argument read afresh on attempt 2");
        assertEquals(List.of(0, 1, 2), attemptsSeen);
        assertEquals(2, fixture.counters.retries.get());
        assertTrue(fixture.sends.of(Kind.ERROR).isEmpty());
    }

    @Test
    void aPooledFunctionRetriesAfterItsBackoffAndItsLastFailureReachesTheCaller()
    {
        fixture.functions.install("flaky", RetryPolicy.attempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2))
            .applyTo(flaky(2, ErrorCode.EXECUTION_ERROR)));
        fixture.functions.install("hopeless", RetryPolicy.attempts(2).applyTo(flaky(5, ErrorCode.EXECUTION_ERROR)));
        fixture.stage("flaky").stage("hopeless");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(7).endList());
        assertTrue(fixture.pool.runQueued());
        fixture.lane.poll();
        assertEquals(702, fixture.sends.of(Kind.RESULT).get(0).longValue());
        assertEquals(2, fixture.counters.retries.get(), "counted when the run is handed back");

        attemptsSeen.clear();
        fixture.trigger(2, 1, 1, 0, writer -> writer.beginList(1).writeLong(7).endList());
        assertTrue(fixture.pool.runQueued());
        fixture.lane.poll();
        assertEquals(List.of(0, 1), attemptsSeen, "two attempts, no more");
        assertEquals(ErrorCode.EXECUTION_ERROR, fixture.sends.of(Kind.ERROR).get(0).code());
        assertEquals(3, fixture.counters.retries.get());
    }

    @Test
    void onlyTheFailuresItsPolicyNamesAreRetried()
    {
        fixture.functions.install("refused", RetryPolicy.attempts(5).on(ErrorCode.NO_RESOURCES)
            .applyTo(ShortFunction.of(flaky(1, ErrorCode.TIMEOUT)::apply)));
        fixture.functions.install("busy", RetryPolicy.attempts(5).on(ErrorCode.NO_RESOURCES)
            .applyTo(ShortFunction.of(flaky(1, ErrorCode.NO_RESOURCES)::apply)));
        fixture.stage("refused").stage("busy");
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(1).endList());
        assertEquals(1, fixture.sends.of(Kind.ERROR).size(), "TIMEOUT is not in its policy: no retry");
        fixture.trigger(2, 1, 1, 0, writer -> writer.beginList(1).writeLong(1).endList());
        assertEquals(101, fixture.sends.of(Kind.RESULT).get(0).longValue(), "NO_RESOURCES is: retried once");
        assertEquals(1, fixture.counters.retries.get());
    }

    @Test
    void backoffDoublesUpToItsCap()
    {
        final RetryPolicy policy = RetryPolicy.attempts(10).backoff(Duration.ofMillis(10), Duration.ofMillis(50));
        assertEquals(List.of(10L, 20L, 40L, 50L, 50L), List.of(policy.backoffNs(1) / 1_000_000, policy.backoffNs(2) / 1_000_000,
            policy.backoffNs(3) / 1_000_000, policy.backoffNs(4) / 1_000_000, policy.backoffNs(5) / 1_000_000));
        assertEquals(1, RetryPolicy.NONE.maxAttempts());
    }
}
