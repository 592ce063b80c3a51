package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller cancels its call in flight: each executor a stage was placed on is told once, the caller is
 * answered CANCELLED, and the invocation is never re-run. Another caller cannot cancel it; a call no longer
 * in flight is acknowledged, as a Cancel of a periodic call that ended is.
 */
@Timeout(10)
class CancelCallTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long CALLER = 99;

    @Test
    void aDagInFlightIsCancelledOnEachOfItsExecutorsAndNeverReRun()
    {
        final long[] target = { 10 };
        final SchedulerRig rig = new SchedulerRig((function, executors) -> executors.isEmpty() ? 0 : target[0], false, SECOND, 16);
        rig.heartbeat(10, "host-a", 0, "f", "g");
        rig.heartbeat(11, "host-b", 0, "f", "g");
        rig.register("f", FunctionKind.LOCAL);
        rig.register("g", FunctionKind.LOCAL);
        final byte[] frame = SchedulerRig.registerDagFrame("d", new String[]{ "f", "g", "f" }, new int[]{ 0, 1 }, new int[]{ 1, 2 });
        rig.registrations.onRegisterDag(12, CALLER, "d", new String[]{ "f", "g", "f" }, new int[]{ 0, 1 }, new int[]{ 1, 2 },
            new UnsafeBuffer(frame), 0, frame.length);
        // Every stage placed on executor 10: it is told once, however many of the invocation's stages it has.
        final UnsafeBuffer name = SchedulerRig.utf8("d");
        final UnsafeBuffer args = new UnsafeBuffer(new byte[]{ 1 });
        rig.calls.onCallDag(5, CALLER, SchedulerRig.EPOCH_START + 60 * SECOND, CallMode.FG, name, 0, name.capacity(),
            new SourceArgs().wrap(args).stage(0, 0, 1));
        final long invocationId = rig.publisher.triggers.get(0).invocationId();

        rig.calls.onCancel(5, 1234);
        assertEquals(List.of(), rig.publisher.cancels, "another caller cancels nothing");
        assertEquals(ErrorCode.INVALID_ARGUMENT, rig.publisher.errors.get(0).code());

        rig.calls.onCancel(5, CALLER);
        assertEquals(List.of("10:" + invocationId + ":5"), rig.publisher.cancels, "each executor told once");
        assertEquals(ErrorCode.CANCELLED, rig.publisher.errors.get(1).code());
        assertEquals(5, rig.publisher.errors.get(1).correlationId());
        assertEquals(1, rig.counters.invocationsCancelled.get());

        // Its executor dies: the cancelled invocation is not re-run.
        final int before = rig.publisher.triggers.size();
        for (int i = 0; i < 20; i++)
        {
            rig.advance(SECOND / 10);
            rig.heartbeat(11, "host-b", 0, "f", "g");
            rig.membership.doWork(rig.clock.nanoTime());
        }
        assertEquals(1, rig.counters.executorsExpired.get());
        assertEquals(before, rig.publisher.triggers.size(), "nothing re-run");

        // A Cancel of a call no longer in flight is acknowledged, nothing sent.
        rig.publisher.acks.clear();
        rig.calls.onCancel(5, CALLER);
        assertEquals(List.of(5L), rig.publisher.acks);
        assertEquals(1, rig.publisher.cancels.size());
    }

    @Test
    void aCancelOfAPeriodicCallStopsTheCallNotOneRun()
    {
        final SchedulerRig rig = new SchedulerRig((function, executors) -> executors.isEmpty() ? 0 : 10, false, SECOND, 16);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.register("f", FunctionKind.LOCAL);
        final UnsafeBuffer name = SchedulerRig.utf8("f");
        final UnsafeBuffer args = new UnsafeBuffer(new byte[]{ 1 });
        rig.calls.onCallFunction(8, CALLER, 0, CallMode.PERIOD, SECOND / 10, new long[0], 0, name, 0, name.capacity(),
            new SourceArgs().wrap(args).stage(0, 0, 1));
        rig.advance(SECOND / 5);
        rig.periodicCalls.poll(rig.clock.nanoTime());
        assertTrue(rig.publisher.triggers.size() > 0, "a run started");

        rig.publisher.acks.clear();
        rig.calls.onCancel(8, CALLER);
        assertEquals(List.of(8L), rig.publisher.acks, "the periodic call is stopped and acknowledged");
        assertEquals(List.of(), rig.publisher.cancels);
        assertTrue(rig.publisher.errors.isEmpty(), rig.publisher.errors.toString());
    }
}
