package io.droplet.node;

import io.droplet.api.DropletException;
import io.droplet.api.RetryPolicy;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Retries in a whole local node: a function that fails twice, then succeeds, with three attempts allowed,
 * returns its value, having seen attempts 0, 1 and 2; with two allowed its caller gets EXECUTION_ERROR.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetriedFunctionsTest
{
    private final List<Integer> attempts = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private DropletClient droplet;

    @BeforeAll
    void start()
    {
        droplet = Droplet.local();
    }

    @BeforeEach
    void reset()
    {
        attempts.clear();
        failures.set(0);
    }

    @AfterAll
    void stop()
    {
        droplet.close();
    }

    private void registerFlaky(final String name, final int maxAttempts)
    {
        droplet.registerFunction(name, RetryPolicy.attempts(maxAttempts).backoff(Duration.ofMillis(5), Duration.ofMillis(20))
            .applyTo(inv ->
            {
                attempts.add(inv.attempt());
                final long x = inv.args().readLong();
                if (failures.getAndIncrement() % 3 < 2)
                {
                    throw new IllegalStateException("not yet");
                }
                inv.result().writeLong(x + 1);
            }));
    }

    @Test
    void aFunctionThatFailsTwiceThenSucceedsReturnsItsValue()
    {
        registerFlaky("flaky", 3);
        assertEquals(42L, droplet.call("flaky", 41L));
        assertEquals(List.of(0, 1, 2), attempts, "the function saw each attempt");
    }

    @Test
    void withTooFewAttemptsTheLastFailureReachesTheCaller()
    {
        registerFlaky("flaky-twice", 2);
        final DropletException failure = assertThrows(DropletException.class, () -> droplet.call("flaky-twice", 41L));
        assertEquals(ErrorCode.EXECUTION_ERROR, failure.code());
        assertEquals(List.of(0, 1), attempts);
    }
}
