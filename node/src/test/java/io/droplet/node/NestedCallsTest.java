package io.droplet.node;

import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Functions calling functions in a whole local node: a pooled function calls two others and combines their
 * results; {@code map} over 10,000 inputs from the client and from inside a function gives results in input
 * order; a short function that calls another is moved to the worker pool and still answers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NestedCallsTest
{
    private static final int INPUTS = 10_000;

    private final AtomicInteger shortCallerRuns = new AtomicInteger();
    private DropletClient droplet;

    @BeforeAll
    void start()
    {
        droplet = Droplet.local();
        droplet.registerFunction("increment", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
        droplet.registerFunction("square", ShortFunction.of(inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        }));
        // (x + 1) + x * x, from two calls made at once.
        droplet.registerFunction("combine", inv ->
        {
            final long x = inv.args().readLong();
            final var plusOne = inv.calls().call("increment", x);
            final var squared = inv.calls().call("square", x);
            inv.result().writeLong((Long)plusOne.get() + (Long)squared.get());
        });
        droplet.registerFunction("map-squares", inv ->
        {
            final long n = inv.args().readLong();
            final List<Long> inputs = new ArrayList<>();
            for (long i = 0; i < n; i++)
            {
                inputs.add(i);
            }
            final List<Object> squares = inv.calls().map("square", inputs).get();
            inv.result().beginList(squares.size());
            for (final Object square : squares)
            {
                inv.result().writeLong((Long)square);
            }
            inv.result().endList();
        });
        droplet.registerFunction("short-caller", ShortFunction.of(inv ->
        {
            shortCallerRuns.incrementAndGet();
            final long x = inv.args().readLong();
            inv.result().writeLong((Long)inv.calls().call("increment", x).get() * 10);
        }));
    }

    @AfterAll
    void stop()
    {
        droplet.close();
    }

    @Test
    void aFunctionCallsTwoOthersAndCombinesThem()
    {
        assertEquals(7L + 36L, droplet.call("combine", 6L));
        assertEquals(1L, droplet.call("combine", 0L));
    }

    @Test
    void mapFromTheClientGivesResultsInInputOrder()
    {
        final List<Long> inputs = new ArrayList<>();
        for (long i = 0; i < INPUTS; i++)
        {
            inputs.add(i);
        }
        final List<Object> squares = droplet.map("square", inputs);
        assertEquals(INPUTS, squares.size());
        for (int i = 0; i < INPUTS; i++)
        {
            assertEquals((long)i * i, squares.get(i), "result " + i);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void mapFromInsideAFunctionGivesResultsInInputOrder()
    {
        final List<Object> squares = (List<Object>)droplet.call("map-squares", (long)INPUTS);
        assertEquals(INPUTS, squares.size());
        for (int i = 0; i < INPUTS; i++)
        {
            assertEquals((long)i * i, squares.get(i), "result " + i);
        }
    }

    @Test
    void aShortFunctionThatCallsIsMovedToThePool()
    {
        assertEquals(60L, droplet.call("short-caller", 5L));
        assertEquals(70L, droplet.call("short-caller", 6L));
        // Its first inline run was abandoned when it asked to call; every run after is on the pool.
        assertEquals(3, shortCallerRuns.get());
    }
}
