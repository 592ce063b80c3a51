package io.droplet.scheduler;

import io.droplet.codecs.value.ValueWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyed placement: a key goes to one executor whatever the order executors are listed in, keys spread over the
 * executors, an executor without the function is passed over, and when an executor leaves only its keys move.
 */
@Timeout(10)
class KeyedPlacementTest
{
    private final KeyedPlacement placement = new KeyedPlacement();
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[256]);
    private final ValueWriter writer = new ValueWriter();

    private static ExecutorView executor(final long id, final String... functions)
    {
        final ExecutorView view = new ExecutorView(id, "host");
        view.onHeartbeat(0, Set.of(functions), Set.of(), 0, 16, 16);
        return view;
    }

    private long place(final String key, final List<ExecutorView> live)
    {
        final int length = writer.wrap(args, 0, args.capacity()).beginList(2).writeString(key).writeLong(1).endList().encodedLength();
        return placement.place("counter", args, 0, length, live);
    }

    @Test
    void aKeyHasOneExecutorWhateverTheOrderAndKeysSpread()
    {
        placement.register("counter");
        assertTrue(placement.isKeyed("counter"));
        assertFalse(placement.isKeyed("other"));
        final List<ExecutorView> live = List.of(executor(10, "counter"), executor(11, "counter"), executor(12, "counter"));
        final List<ExecutorView> reversed = new ArrayList<>(live);
        java.util.Collections.reverse(reversed);
        final Set<Long> used = new HashSet<>();
        for (int k = 0; k < 100; k++)
        {
            final long chosen = place("key-" + k, live);
            assertEquals(chosen, place("key-" + k, reversed), "key-" + k);
            assertEquals(chosen, place("key-" + k, live), "again");
            used.add(chosen);
        }
        assertEquals(Set.of(10L, 11L, 12L), used, "100 keys use every executor");
    }

    @Test
    void onlyTheLeavingExecutorsKeysMove()
    {
        placement.register("counter");
        final ExecutorView leaving = executor(10, "counter");
        final List<ExecutorView> live = List.of(leaving, executor(11, "counter"), executor(12, "counter"));
        final List<ExecutorView> after = List.of(live.get(1), live.get(2));
        final Map<String, Long> before = new HashMap<>();
        for (int k = 0; k < 100; k++)
        {
            before.put("key-" + k, place("key-" + k, live));
        }
        for (final Map.Entry<String, Long> entry : before.entrySet())
        {
            final long now = place(entry.getKey(), after);
            if (entry.getValue() == 10L)
            {
                assertNotEquals(10L, now);
            }
            else
            {
                assertEquals(entry.getValue(), now, entry.getKey() + " stays where it was");
            }
        }
    }

    @Test
    void anExecutorWithoutTheFunctionOrACallWithoutAKeyIsPassedOver()
    {
        placement.register("counter");
        final List<ExecutorView> live = List.of(executor(10), executor(11, "counter"));
        for (int k = 0; k < 20; k++)
        {
            assertEquals(11L, place("key-" + k, live));
        }
        final int empty = writer.wrap(args, 0, args.capacity()).beginList(0).endList().encodedLength();
        assertEquals(0, placement.place("counter", args, 0, empty, live), "no key: not placed");
        assertEquals(0, place("key-0", List.of(executor(10))), "no executor has it");
        placement.forget("counter");
        assertFalse(placement.isKeyed("counter"));
    }
}
