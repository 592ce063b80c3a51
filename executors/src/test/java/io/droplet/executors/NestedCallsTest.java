package io.droplet.executors;

import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.Values;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's side of calls running functions make: each goes to the first scheduler with a correlation id of the
 * nested-call space, and ends with its answer, or TIMEOUT at its deadline.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NestedCallsTest
{
    private final RecordingSends sends = new RecordingSends();
    private final Heartbeats heartbeats = new Heartbeats(sends, new LocalFunctions(), 100, 0);
    private final org.agrona.concurrent.status.CountersManager countersManager = new org.agrona.concurrent.status.CountersManager(
        new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(16 * 1024)));
    private final ExecutorCounters counters = new ExecutorCounters(
        (typeId, label) -> countersManager.newCounter(label, typeId), "test");
    private long epochNow = 1_000;
    private final NestedCalls nested = new NestedCalls(sends, heartbeats, () -> epochNow, Runnable::run, counters, 4, 10, 2);

    private static NestedCall call(final String function, final long deadline)
    {
        return new NestedCall(false, function.getBytes(StandardCharsets.UTF_8), Values.toBytes(List.of(1L)), deadline);
    }

    @Test
    void aCallGoesToTheSchedulerAndEndsWithItsAnswer()
    {
        heartbeats.addScheduler(3);
        final NestedCall ok = call("f", 5_000);
        final NestedCall failing = call("g", 5_000);
        assertTrue(nested.offer(ok));
        assertTrue(nested.offer(failing));
        assertEquals(2, nested.poll(0));

        final List<Sent> calls = sends.of(Kind.CALL);
        assertEquals(2, calls.size());
        assertEquals(3, calls.get(0).destination());
        assertEquals("f", calls.get(0).key());
        assertTrue(NestedCalls.owns(calls.get(0).correlationId()));
        assertFalse(NestedCalls.owns(calls.get(0).correlationId() & ~NestedCalls.CORRELATION_BIT), "a cache answer's id");

        final byte[] value = Values.toBytes(42L);
        nested.onResult(calls.get(0).correlationId(), new UnsafeBuffer(value), 0, value.length);
        assertEquals(42L, ok.future.join());
        nested.onError(calls.get(1).correlationId(), ErrorCode.FUNCTION_NOT_FOUND);
        final CompletionException failure = assertThrows(CompletionException.class, failing.future::join);
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, ((DropletException)failure.getCause()).code());
        assertEquals(0, nested.inFlight());
        assertEquals(2, counters.nestedCalls.get());
    }

    @Test
    void noMoreThanItsWindowIsOutAtOnce()
    {
        heartbeats.addScheduler(3);
        final NestedCall first = call("f", 5_000);
        nested.offer(first);
        nested.offer(call("f", 5_000));
        nested.offer(call("f", 5_000));
        nested.poll(0);
        assertEquals(2, sends.of(Kind.CALL).size(), "two out, the third waits");
        final byte[] value = Values.toBytes(1L);
        nested.onResult(sends.of(Kind.CALL).get(0).correlationId(), new UnsafeBuffer(value), 0, value.length);
        nested.poll(0);
        assertEquals(3, sends.of(Kind.CALL).size(), "an answer makes room");
        assertEquals(1L, first.future.join());
    }

    @Test
    void aCallUnansweredPastItsDeadlineEndsWithTimeoutAndOneWithoutASchedulerAtOnce()
    {
        final NestedCall lonely = call("f", 5_000);
        nested.offer(lonely);
        nested.poll(0);
        assertEquals(ErrorCode.NOT_CONNECTED, ((DropletException)assertThrows(CompletionException.class, lonely.future::join)
            .getCause()).code());

        heartbeats.addScheduler(3);
        final NestedCall late = call("f", 5_000);
        nested.offer(late);
        nested.poll(20);
        assertFalse(late.future.isDone());
        epochNow = 5_001;
        nested.poll(40);
        assertEquals(ErrorCode.TIMEOUT, ((DropletException)assertThrows(CompletionException.class, late.future::join)
            .getCause()).code());
        assertEquals(0, nested.inFlight());
    }
}
