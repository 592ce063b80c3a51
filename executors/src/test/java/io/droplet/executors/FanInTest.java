package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueReader;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stage with several parents runs once, after all of them have arrived, with their outputs in stage
 * order; its partial state is released at the invocation's deadline.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FanInTest
{
    private final StageFixture fixture = new StageFixture(null);
    private final List<List<String>> runs = new ArrayList<>();

    @BeforeEach
    void install()
    {
        fixture.functions.install("source", invocation -> invocation.result().writeString("unused"));
        fixture.functions.install("join", invocation ->
        {
            final List<String> args = new ArrayList<>();
            for (int i = 0; i < invocation.argCount(); i++)
            {
                args.add(invocation.args().readString());
            }
            runs.add(args);
            invocation.result().writeString(String.join(",", args));
        });
    }

    private void arrive(final long invocation, final int target, final int from, final long deadline, final String output)
    {
        fixture.trigger(invocation, target, from, deadline, writer -> writer.writeString(output));
    }

    @Test
    void twoParentsRunTheStageOnceAfterBothArriveInStageOrder()
    {
        fixture.stage("source").stage("source").stage("join").edge(0, 2).edge(1, 2);

        arrive(7, 2, 1, 0, "from-1");
        assertTrue(runs.isEmpty(), "waits for the other parent");
        assertTrue(fixture.sends.sent.isEmpty(), "nothing is sent while waiting");
        assertEquals(1, fixture.fanIns.waiting());

        arrive(7, 2, 0, 0, "from-0");
        assertEquals(List.of(List.of("from-0", "from-1")), runs, "stage order, not arrival order");
        assertEquals(0, fixture.fanIns.waiting());
        final List<Sent> results = fixture.sends.of(Kind.RESULT);
        assertEquals(1, results.size());
        assertEquals(StageFixture.CALLER, results.get(0).destination());
        assertEquals("from-0,from-1", results.get(0).stringValue());
    }

    @Test
    void threeParentsArrivingOutOfOrder()
    {
        fixture.stage("source").stage("source").stage("source").stage("join").edge(2, 3).edge(0, 3).edge(1, 3);

        arrive(9, 3, 2, 0, "c");
        arrive(9, 3, 0, 0, "a");
        assertTrue(runs.isEmpty());
        arrive(9, 3, 1, 0, "b");

        assertEquals(List.of(List.of("a", "b", "c")), runs);
        assertEquals(1, fixture.sends.of(Kind.RESULT).size());
        assertEquals(1, fixture.counters.stagesRun.get());
    }

    @Test
    void aParentArrivingTwiceDoesNotCompleteTheStage()
    {
        fixture.stage("source").stage("source").stage("join").edge(0, 2).edge(1, 2);

        arrive(3, 2, 0, 0, "first");
        arrive(3, 2, 0, 0, "again");
        assertTrue(runs.isEmpty());

        arrive(3, 2, 1, 0, "other");
        assertEquals(List.of(List.of("again", "other")), runs, "the latest output of a parent counts");
    }

    @Test
    void invocationsAreKeptApart()
    {
        fixture.stage("source").stage("source").stage("join").edge(0, 2).edge(1, 2);

        arrive(1, 2, 0, 0, "1a");
        arrive(2, 2, 1, 0, "2b");
        assertTrue(runs.isEmpty());
        assertEquals(2, fixture.fanIns.waiting());
        arrive(2, 2, 0, 0, "2a");
        arrive(1, 2, 1, 0, "1b");

        assertEquals(List.of(List.of("2a", "2b"), List.of("1a", "1b")), runs);
    }

    @Test
    void expiryReleasesPartialOutputs()
    {
        fixture.stage("source").stage("source").stage("join").edge(0, 2).edge(1, 2);
        final long deadline = fixture.nowNs + TimeUnit.MILLISECONDS.toNanos(100);

        arrive(5, 2, 0, deadline, "early");
        assertEquals(0, fixture.fanIns.expire(deadline, fixture.outputs), "not before its deadline");
        assertEquals(1, fixture.fanIns.waiting());

        assertEquals(1, fixture.fanIns.expire(deadline + 1, fixture.outputs));
        assertEquals(0, fixture.fanIns.waiting());

        // The other parent, late: its output starts a new wait rather than completing the released one.
        arrive(5, 2, 1, 0, "late");
        assertTrue(runs.isEmpty());
        assertEquals(1, fixture.fanIns.waiting());
    }

    @Test
    void aParentArrivingAfterTheDeadlineIsAnsweredWithTimeout()
    {
        fixture.stage("source").stage("source").stage("join").edge(0, 2).edge(1, 2);
        final long deadline = fixture.nowNs + 10;
        fixture.nowNs = deadline + 1;

        arrive(5, 2, 0, deadline, "late");

        final List<Sent> errors = fixture.sends.of(Kind.ERROR);
        assertEquals(1, errors.size());
        assertEquals(ErrorCode.TIMEOUT, errors.get(0).code());
        assertEquals(0, fixture.fanIns.waiting());
    }

    @Test
    void outputsAreWrittenAsOneListInSlotOrder()
    {
        final FanIns fanIns = new StageFixture(null).fanIns;
        final ExpandableArrayBuffer args = new ExpandableArrayBuffer(256);
        final UnsafeBuffer output = new UnsafeBuffer(new byte[16]);
        output.putByte(0, (byte)'b');
        assertEquals(FanIns.WAITING, fanIns.collect(1, StageFixture.CALLER, 1, 3, 1, 2, 0, output, 0, 1, args));
        output.putByte(0, (byte)'a');
        final int length = fanIns.collect(1, StageFixture.CALLER, 1, 3, 0, 2, 0, output, 0, 1, args);
        assertEquals(9 + 2, length, "LIST header, then the two outputs");
        final ValueReader reader = new ValueReader().wrap(args, 0, length);
        assertEquals(2, reader.enterList());
        assertEquals('a', args.getByte(9));
        assertEquals('b', args.getByte(10));
    }

    @Test
    void outputsTooLargeForTheArgumentsAreRefused()
    {
        final FanIns fanIns = new StageFixture(null).fanIns;
        final UnsafeBuffer small = new UnsafeBuffer(new byte[12]);
        final UnsafeBuffer output = new UnsafeBuffer(new byte[8]);
        fanIns.collect(1, StageFixture.CALLER, 1, 3, 0, 2, 0, output, 0, 8, small);
        assertEquals(FanIns.TOO_LARGE, fanIns.collect(1, StageFixture.CALLER, 1, 3, 1, 2, 0, output, 0, 8, small));
        assertEquals(0, fanIns.waiting());
    }
}
