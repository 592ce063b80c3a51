package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a fan-in may hold, and for how long: bounded in bytes per invocation and per executor, released at once
 * when its invocation fails, and not kept forever for an invocation without a deadline.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FanInBoundsTest
{
    private static final int INVOCATION_BYTES = 1000;
    private static final int TOTAL_BYTES = 2500;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private final StageFixture fixture = new StageFixture(null, new RecordingSends(), -1, 0, new ExecutorBounds()
        .fanInInvocationBytes(INVOCATION_BYTES).fanInTotalBytes(TOTAL_BYTES).fanInWaitNs(WAIT_NS));
    private final List<String> runs = new ArrayList<>();

    @BeforeEach
    void install()
    {
        fixture.functions.install("source", invocation -> invocation.result().writeString("unused"));
        fixture.functions.install("fail", invocation ->
        {
            throw new IllegalStateException("parent fails");
        });
        fixture.functions.install("join", invocation ->
        {
            runs.add("join " + invocation.argCount());
            invocation.result().writeNull();
        });
        // Stages 0 and 1 are sources, 2 fails, 3 joins 0, 1 and 2.
        fixture.stage("source").stage("source").stage("fail").stage("join").edge(0, 3).edge(1, 3).edge(2, 3);
    }

    private void arrive(final long invocation, final int from, final long deadline, final int bytes)
    {
        fixture.trigger(invocation, 3, from, deadline, writer -> writer.writeBytes(new byte[bytes], 0, bytes));
    }

    private List<Sent> errors()
    {
        return fixture.sends.of(Kind.ERROR);
    }

    @Test
    void aFailingParentReleasesWhatTheOtherParentsStoredAtOnce()
    {
        final long deadline = fixture.nowNs + TimeUnit.DAYS.toNanos(365 * 100);
        arrive(1, 0, deadline, 500);
        assertEquals(1, fixture.fanIns.waiting());
        assertTrue(fixture.fanIns.heldBytes() >= 500);

        // The failing parent runs here (a source trigger of stage 2): its error answer releases the fan-in.
        fixture.trigger(1, 2, 2, deadline, writer -> writer.beginList(0).endList());
        assertEquals(ErrorCode.EXECUTION_ERROR, errors().get(0).code());
        assertEquals(0, fixture.fanIns.waiting(), "released at the error, not at the deadline");
        assertEquals(0, fixture.fanIns.heldBytes());
        assertEquals(0, fixture.counters.fanInBytes.get());

        // The last parent's output comes later: dropped, nobody answered again, nothing held.
        arrive(1, 1, deadline, 500);
        assertEquals(0, fixture.fanIns.waiting());
        assertTrue(runs.isEmpty());
        assertEquals(1, errors().size());
        assertEquals(2, fixture.counters.fanInsReleased.get(), "the released fan-in and the dropped output");
    }

    @Test
    void outputsOfAnInvocationThatFailedBeforeTheyArriveAreNotKept()
    {
        fixture.trigger(4, 2, 2, 0, writer -> writer.beginList(0).endList());
        arrive(4, 0, 0, 100);
        arrive(4, 1, 0, 100);
        assertEquals(0, fixture.fanIns.waiting());
        assertEquals(0, fixture.fanIns.heldBytes());
        assertTrue(runs.isEmpty());
    }

    @Test
    void anInvocationPastItsBoundIsAnsweredPayloadTooLargeAndReleased()
    {
        arrive(2, 0, 0, 600);
        arrive(2, 1, 0, 600);

        assertEquals(1, errors().size());
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, errors().get(0).code());
        assertEquals(0, fixture.fanIns.waiting());
        assertEquals(0, fixture.fanIns.heldBytes());
        assertEquals(1, fixture.counters.fanInsRefused.get());
        arrive(2, 2, 0, 10);
        assertEquals(1, errors().size(), "a late parent of a refused invocation is dropped");
    }

    @Test
    void theExecutorPastItsBoundAnswersNoResourcesAndServesAgainOnceReleased()
    {
        arrive(10, 0, 0, 900);
        arrive(11, 0, 0, 900);
        assertEquals(2, fixture.fanIns.waiting());
        arrive(12, 0, 0, 900);

        assertEquals(ErrorCode.NO_RESOURCES, errors().get(0).code());
        assertEquals(12, errors().get(0).correlationId());
        assertEquals(2, fixture.fanIns.waiting(), "the refused invocation holds nothing");
        assertEquals(1, fixture.counters.fanInsRefused.get());
        assertTrue(fixture.fanIns.heldBytes() <= TOTAL_BYTES);

        // Invocation 10 completes, which frees its bytes: a new invocation fits again.
        arrive(10, 1, 0, 10);
        arrive(10, 2, 0, 10);
        assertEquals(List.of("join 3"), runs);
        arrive(13, 0, 0, 900);
        assertEquals(1, errors().size());
        assertEquals(2, fixture.fanIns.waiting());
    }

    @Test
    void anInvocationWithoutDeadlineWaitsAtMostTheBoundThenIsAnsweredTimeout()
    {
        arrive(20, 0, 0, 100);
        assertEquals(0, fixture.fanIns.expire(fixture.nowNs + WAIT_NS - 1, fixture.outputs));
        assertEquals(1, fixture.fanIns.waiting());

        assertEquals(1, fixture.fanIns.expire(fixture.nowNs + WAIT_NS + 1, fixture.outputs));
        assertEquals(0, fixture.fanIns.waiting());
        assertEquals(0, fixture.fanIns.heldBytes());
        assertEquals(ErrorCode.TIMEOUT, errors().get(0).code());
        assertEquals(20, errors().get(0).correlationId());
    }

    @Test
    void aCancelledInvocationReleasesItsFanIns()
    {
        arrive(30, 0, 0, 100);
        assertEquals(1, fixture.fanIns.release(30));
        assertEquals(0, fixture.fanIns.waiting());
        arrive(30, 1, 0, 100);
        assertEquals(0, fixture.fanIns.waiting());
        assertTrue(errors().isEmpty(), "a cancelled invocation's caller is not answered by the fan-in");
    }

    @Test
    void aParentThatIsNotOneOfTheStageParentsIsMalformedNotAnException()
    {
        final StageFixture duplicates = new StageFixture(null);
        duplicates.functions.install("source", invocation -> invocation.result().writeNull());
        duplicates.functions.install("join", invocation -> invocation.result().writeNull());
        duplicates.stage("source").stage("join");
        for (int i = 0; i < 100; i++)
        {
            duplicates.edge(0, 1);
        }
        duplicates.trigger(40, 1, 0, 0, writer -> writer.writeNull());

        assertEquals(ErrorCode.MALFORMED, duplicates.sends.of(Kind.ERROR).get(0).code());
        assertEquals(0, duplicates.fanIns.waiting());
    }

    @Test
    void aFailingStageTellsTheOtherExecutorsOfTheInvocationsFanInsOnceEach()
    {
        final StageFixture dag = new StageFixture(null);
        dag.functions.install("fail", invocation ->
        {
            throw new IllegalStateException("parent fails");
        });
        // Stage 0 fails here; fan-ins 3 and 4 run on executor 20, fan-in 5 here, stage 2 (one parent) on executor 30.
        dag.stage("fail").stage("source").stageOn(30, "one").stageOn(20, "join").stageOn(20, "join").stage("join")
            .edge(0, 2).edge(0, 3).edge(1, 3).edge(0, 4).edge(1, 4).edge(0, 5).edge(1, 5);
        dag.trigger(50, 0, 0, 0, writer -> writer.beginList(0).endList());

        final List<Sent> cancels = dag.sends.of(Kind.CANCEL_INVOCATION);
        assertEquals(1, cancels.size(), "executor 20 once; nobody for a stage with one parent or for this executor");
        assertEquals(20, cancels.get(0).destination());
        assertEquals(50, cancels.get(0).invocationId());
        assertEquals(ErrorCode.EXECUTION_ERROR, dag.sends.of(Kind.ERROR).get(0).code());
    }
}
