package io.droplet.executors;

import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invocations an executor answered (a sink's result or any typed error) reach every scheduler it
 * heartbeats to, batched: when the oldest has waited the linger, or at once when a batch is full. A stage
 * whose output goes on to a child stage has not answered anybody.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CompletionsTest
{
    @Test
    void answeredInvocationsAreToldOnceTheLingerHasPassed()
    {
        final RecordingSends sends = new RecordingSends();
        final Heartbeats heartbeats = new Heartbeats(sends, new LocalFunctions(), 100, 0);
        heartbeats.addScheduler(1);
        heartbeats.addScheduler(2);
        final Completions completions = new Completions(sends, heartbeats, 1_000);

        assertEquals(0, completions.poll(5_000), "nothing to tell");
        completions.onCompleted(41);
        completions.onCompleted(42);
        assertEquals(0, completions.poll(10_000), "the linger starts at the first poll after the first id");
        assertEquals(0, completions.poll(10_999));
        assertTrue(sends.of(Kind.COMPLETED).isEmpty());
        assertEquals(2, completions.poll(11_000), "one message to each scheduler");

        final List<Sent> told = sends.of(Kind.COMPLETED);
        assertEquals(List.of(1L, 1L, 2L, 2L), told.stream().map(Sent::destination).toList());
        assertEquals(List.of(41L, 42L, 41L, 42L), told.stream().map(Sent::invocationId).toList());
        assertEquals(0, completions.pending());
        assertEquals(0, completions.poll(50_000), "told once");
        assertEquals(4, sends.of(Kind.COMPLETED).size());
    }

    @Test
    void aFullBatchGoesAtOnce()
    {
        final RecordingSends sends = new RecordingSends();
        final Heartbeats heartbeats = new Heartbeats(sends, new LocalFunctions(), 100, 0);
        heartbeats.addScheduler(1);
        final Completions completions = new Completions(sends, heartbeats, Long.MAX_VALUE / 4);
        for (int i = 1; i <= Completions.BATCH + 1; i++)
        {
            completions.onCompleted(i);
        }
        assertEquals(Completions.BATCH, sends.of(Kind.COMPLETED).size(), "the full batch went without a poll");
        assertEquals(1, completions.pending());
    }

    @Test
    void sinksAndFailuresAreAnsweredAndIntermediateStagesAreNot()
    {
        final StageFixture fixture = new StageFixture(null);
        fixture.functions.install("increment", invocation -> invocation.result().writeLong(invocation.args().readLong() + 1));
        fixture.functions.install("fail", invocation ->
        {
            throw new IllegalStateException("boom");
        });
        fixture.stage("increment").stage("increment").stage("fail").edge(0, 1);
        fixture.trigger(7, 0, 0, 0, writer -> writer.beginList(1).writeLong(1).endList());
        assertEquals(0, fixture.completions.pending(), "stage 0 sent its output on to stage 1: nobody answered");
        fixture.trigger(7, 1, 0, 0, writer -> writer.writeLong(2));
        fixture.trigger(8, 2, 2, 0, writer -> writer.beginList(1).writeLong(1).endList());
        fixture.trigger(9, 5, 0, 0, writer -> writer.writeLong(1));

        assertEquals(3, fixture.completions.pending(), "the sink's result, the failure and the malformed trigger");
        fixture.completions.poll(0);
        fixture.completions.poll(0);
        final List<Sent> told = fixture.sends.of(Kind.COMPLETED);
        assertEquals(List.of(7L, 8L, 9L), told.stream().map(Sent::invocationId).toList());
        assertTrue(told.stream().allMatch(sent -> sent.destination() == StageFixture.SCHEDULER));
        assertEquals(1, fixture.sends.of(Kind.RESULT).size());
        assertEquals(2, fixture.sends.of(Kind.ERROR).size());
    }
}
