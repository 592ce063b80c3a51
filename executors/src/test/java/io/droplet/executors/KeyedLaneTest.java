package io.droplet.executors;

import io.droplet.api.Invocation;
import io.droplet.api.KeyedFunction;
import io.droplet.api.KeyedState;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyed functions on the pooled lane: a key's calls run one at a time in arrival order, other keys' in parallel,
 * each key's state kept by its activation, and the activations bounded. The pool has no threads here: the test
 * runs queued runs itself ({@link WorkerPool#runQueued}), so "on the pool at once" is exactly what is queued.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class KeyedLaneTest
{
    /** What each call saw: key, argument, state before. Written by the test's thread only (no workers). */
    static final List<String> CALLS = new ArrayList<>();

    /** Adds its argument to its key's state; fails on a negative one. */
    public static final class Adder implements KeyedFunction
    {
        public void apply(final Invocation invocation, final KeyedState state)
        {
            final long before = state.isEmpty() ? 0 : state.read().readLong();
            final long delta = invocation.args().readLong();
            CALLS.add(state.key() + ":" + delta + ":" + before);
            state.write().writeLong(before + delta);
            if (delta < 0)
            {
                throw new IllegalArgumentException("negative");
            }
            invocation.result().writeLong(before + delta);
        }
    }

    private final StageFixture fixture = new StageFixture(null, new RecordingSends(), 16);

    KeyedLaneTest() throws Exception
    {
        CALLS.clear();
        fixture.functions.install("adder", new KeyedClass(Adder.class));
        fixture.stage("adder");
    }

    @Test
    void aKeysCallsRunOneAtATimeInArrivalOrderAndOtherKeysInParallel()
    {
        call(1, "a", 1);
        call(2, "a", 2);
        call(3, "b", 10);
        call(4, "a", 3);
        assertTrue(fixture.pool.runQueued(), "a's first call");
        assertTrue(fixture.pool.runQueued(), "b's call, beside a's");
        assertFalse(fixture.pool.runQueued(), "a's later calls wait until its first is back");
        assertEquals(2, fixture.lane.poll());
        assertTrue(fixture.pool.runQueued(), "a's second call, once its first is back");
        assertFalse(fixture.pool.runQueued());
        fixture.lane.poll();
        assertTrue(fixture.pool.runQueued());
        fixture.lane.poll();
        assertFalse(fixture.pool.runQueued());

        assertEquals(List.of("a:1:0", "b:10:0", "a:2:1", "a:3:3"), CALLS, "in arrival order, each seeing the last state");
        final List<Sent> results = fixture.sends.of(Kind.RESULT);
        assertEquals(4, results.size());
        assertEquals(List.of(1L, 10L, 3L, 6L), results.stream().map(Sent::longValue).toList());
        assertEquals(0, fixture.lane.busy(), "every run free again");
    }

    @Test
    void aFailedCallLeavesTheStateAsItWas()
    {
        call(1, "a", 5);
        call(2, "a", -1);
        call(3, "a", 1);
        drain();
        assertEquals(List.of("a:5:0", "a:-1:5", "a:1:5"), CALLS, "the failed call's write was discarded");
        assertEquals(ErrorCode.EXECUTION_ERROR, fixture.sends.of(Kind.ERROR).get(0).code());
        assertEquals(6, fixture.sends.of(Kind.RESULT).get(1).longValue());
    }

    @Test
    void aWaitingCallPastItsDeadlineNeverRuns()
    {
        final long deadline = fixture.nowNs + 1_000;
        call(1, "a", 1);
        fixture.trigger(2, 0, 0, deadline, writer -> writer.beginList(2).writeString("a").writeLong(100).endList());
        assertTrue(fixture.pool.runQueued());
        fixture.nowNs = deadline + 1;
        fixture.lane.poll();
        assertFalse(fixture.pool.runQueued(), "the waiting call was dropped, not run");
        assertEquals(List.of("a:1:0"), CALLS);
        assertEquals(1, fixture.counters.runsCancelled.get());
        assertEquals(0, fixture.lane.busy());
    }

    @Test
    void aCallWithoutItsKeyIsRefused()
    {
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeLong(7).endList());
        assertEquals(ErrorCode.INVALID_ARGUMENT, fixture.sends.of(Kind.ERROR).get(0).code());
        assertFalse(fixture.pool.runQueued());
    }

    @Test
    void activationsAreBoundedEvictingTheLeastRecentlyUsedIdleOne() throws Exception
    {
        final KeyedActivations activations = new KeyedActivations(2, null, null, 0,
            fixture.counters.keyedActivations, fixture.counters.keyedEvictions);
        final KeyedClass type = new KeyedClass(Adder.class);
        final Activation a = activations.activate(type, "a", "adder@a");
        final Activation b = activations.activate(type, "b", "adder@b");
        assertSame(a, activations.activate(type, "a", "adder@a"), "one activation per key");
        assertTrue(activations.admit(a, null));
        assertTrue(activations.admit(b, null));
        assertNull(activations.activate(type, "c", "adder@c"), "every one busy: refused");

        assertNull(activations.next(b, 1), "b idle");
        assertNull(activations.next(a, 2), "a idle, used last");
        final Activation c = activations.activate(type, "c", "adder@c");
        assertNotNull(c);
        assertEquals(1, fixture.counters.keyedEvictions.get());
        assertSame(a, activations.activate(type, "a", "adder@a"), "b was the least recently used: a stayed");
        assertNotSame(b, activations.activate(type, "b", "adder@b"), "b comes back as a new activation");
        assertEquals(2, activations.size());
        assertEquals(2, fixture.counters.keyedActivations.get());
    }

    private void call(final long id, final String key, final long delta)
    {
        fixture.trigger(id, 0, 0, 0, writer -> writer.beginList(2).writeString(key).writeLong(delta).endList());
    }

    private void drain()
    {
        while (fixture.pool.runQueued())
        {
            fixture.lane.poll();
        }
    }
}
