package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls that find every executor full wait in the scheduler, bounded, and start in arrival order as soon as a
 * heartbeat or capacity report shows a free slot; at their deadline they are answered TIMEOUT; a full queue
 * answers NO_RESOURCES at once.
 */
@Timeout(10)
class WaitingCallsTest
{
    private static final long MS = 1_000_000L;
    private static final long FAR = SchedulerRig.EPOCH_START + 60_000 * MS;

    private static List<Long> correlationsTriggered(final SchedulerRig rig)
    {
        return rig.publisher.triggers.stream().map(RecordingPublisher.Trigger::correlationId).toList();
    }

    private static SchedulerRig rigWithOneExecutor(final int queueCapacity, final int workers)
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false, 1_000 * MS, 16, queueCapacity);
        rig.pooledHeartbeat(10, "host-a", workers, workers, "f");
        rig.register("f", FunctionKind.LOCAL);
        return rig;
    }

    @Test
    void waitingCallsStartInOrderWhenReportsShowFreeSlots()
    {
        final SchedulerRig rig = rigWithOneExecutor(16, 2);
        for (int call = 1; call <= 5; call++)
        {
            rig.callFunction(call, "f", FAR, new byte[]{ (byte)call });
        }
        assertEquals(List.of(1L, 2L), correlationsTriggered(rig));
        assertEquals(3, rig.counters.callsQueued.get());
        assertEquals(3, rig.counters.callsWaiting.get());

        rig.capacity(10, 2, 1);
        assertEquals(List.of(1L, 2L, 3L), correlationsTriggered(rig), "one slot freed: the longest waiting call starts");
        assertArrayEquals(new byte[]{ 3 }, rig.publisher.triggers.get(2).args(), "with the arguments it came with");

        rig.pooledHeartbeat(10, "host-a", 2, 2, "f");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), correlationsTriggered(rig), "a heartbeat with free slots starts the rest");
        assertEquals(0, rig.waiting.size());
        assertEquals(0, rig.counters.callsWaiting.get());
        assertEquals(FAR, rig.publisher.triggers.get(4).deadline(), "the caller's deadline travels with the trigger");
        assertTrue(rig.publisher.errors.isEmpty());
    }

    @Test
    void aCallThatCanUseTheFreedSlotStartsEvenBehindOnesThatCannot()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.pooledHeartbeat(10, "host-a", 1, 0, "f");
        rig.pooledHeartbeat(11, "host-b", 1, 0, "g");
        rig.register("f", FunctionKind.LOCAL);
        rig.register("g", FunctionKind.LOCAL);
        // A LOCAL registration is assumed on every executor: fresh heartbeats say who really has what.
        rig.pooledHeartbeat(10, "host-a", 1, 0, "f");
        rig.pooledHeartbeat(11, "host-b", 1, 0, "g");

        rig.callFunction(1, "f", FAR, new byte[]{ 1 });
        rig.callFunction(2, "g", FAR, new byte[]{ 2 });
        rig.capacity(11, 1, 1);

        assertEquals(List.of(2L), correlationsTriggered(rig), "g's executor freed a slot; f's call waits on");
        assertEquals(11, rig.publisher.triggers.get(0).executor());
        assertEquals(1, rig.waiting.size());
    }

    @Test
    void aWaitingCallIsAnsweredTimeoutAtItsDeadline()
    {
        final SchedulerRig rig = rigWithOneExecutor(16, 1);
        rig.callFunction(1, "f", FAR, new byte[]{ 1 });
        final long deadline = SchedulerRig.EPOCH_START + 100 * MS;
        rig.callFunction(2, "f", deadline, new byte[]{ 2 });
        rig.callFunction(3, "f", 0, new byte[]{ 3 });
        assertEquals(2, rig.waiting.size());

        rig.advance(100 * MS);
        assertEquals(0, rig.launcher.doWork(rig.clock.nanoTime()), "at the deadline, not yet past it");
        rig.advance(1);
        assertEquals(1, rig.launcher.doWork(rig.clock.nanoTime()));
        assertEquals(1, rig.publisher.errors.size());
        assertEquals(ErrorCode.TIMEOUT, rig.publisher.errors.get(0).code());
        assertEquals(2, rig.publisher.errors.get(0).correlationId());
        assertEquals(1, rig.counters.queuedCallsTimedOut.get());

        rig.advance(SchedulerRig.QUEUE_TIMEOUT_NS);
        assertEquals(1, rig.launcher.doWork(rig.clock.nanoTime()), "a call without a deadline waits no longer than the bound");
        assertEquals(3, rig.publisher.errors.get(1).correlationId());
        assertEquals(ErrorCode.TIMEOUT, rig.publisher.errors.get(1).code());

        rig.capacity(10, 1, 1);
        assertEquals(List.of(1L), correlationsTriggered(rig), "a timed-out call never starts");
        assertEquals(0, rig.waiting.size());
        assertEquals(0, rig.counters.callsWaiting.get());
    }

    @Test
    void aCallPastItsDeadlineWhenASlotFreesIsAnsweredTimeoutNotStarted()
    {
        final SchedulerRig rig = rigWithOneExecutor(16, 1);
        rig.callFunction(1, "f", FAR, new byte[]{ 1 });
        rig.callFunction(2, "f", SchedulerRig.EPOCH_START + 10 * MS, new byte[]{ 2 });
        rig.callFunction(3, "f", FAR, new byte[]{ 3 });

        rig.advance(20 * MS);
        rig.capacity(10, 1, 1);

        assertEquals(List.of(1L, 3L), correlationsTriggered(rig));
        assertEquals(ErrorCode.TIMEOUT, rig.publisher.errors.get(0).code());
        assertEquals(2, rig.publisher.errors.get(0).correlationId());
    }

    @Test
    void aFullQueueAnswersNoResourcesAtOnce()
    {
        final SchedulerRig rig = rigWithOneExecutor(2, 1);
        for (int call = 1; call <= 4; call++)
        {
            rig.callFunction(call, "f", FAR, new byte[]{ (byte)call });
        }

        assertEquals(List.of(1L), correlationsTriggered(rig));
        assertEquals(2, rig.waiting.size());
        assertEquals(1, rig.publisher.errors.size());
        assertEquals(ErrorCode.NO_RESOURCES, rig.publisher.errors.get(0).code());
        assertEquals(4, rig.publisher.errors.get(0).correlationId());
        assertEquals(1, rig.counters.callsQueueFull.get());
        assertEquals(2, rig.counters.callsQueued.get());
    }

    @Test
    void aQueueFullOfBytesAnswersNoResourcesToo()
    {
        final WaitingCalls calls = new WaitingCalls(8, 100);
        final DagDefinition f = DagDefinition.single("f");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[200]);
        final SourceArgs sixty = new SourceArgs().wrap(buffer).stage(0, 0, 60);

        final int first = calls.add(f, sixty, 1, 99, 99, 0, 0);
        assertTrue(first != WaitingCalls.NONE);
        assertEquals(WaitingCalls.NONE, calls.add(f, sixty, 2, 99, 99, 0, 0), "120 bytes would exceed 100");
        calls.remove(first);
        assertEquals(0, calls.bytesHeld());
        assertTrue(calls.add(f, sixty, 3, 99, 99, 0, 0) != WaitingCalls.NONE);
    }

    @Test
    void aWaitingDagCallKeepsEachSourcesArguments()
    {
        final SchedulerRig rig = rigWithOneExecutor(16, 1);
        rig.callFunction(1, "f", FAR, new byte[]{ 1 });
        rig.registry.putDag("d", DagDefinition.of("d", new String[]{ "f", "f", "f" }, new int[]{ 0, 1 }, new int[]{ 2, 2 }));
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[]{ 0, 0, 7, 7, 8, 8, 8 });
        final UnsafeBuffer name = SchedulerRig.utf8("d");
        rig.calls.onCallDag(2, 99, FAR, CallMode.FG, name, 0, name.capacity(),
            new SourceArgs().wrap(frame).stage(0, 2, 2).stage(1, 4, 3));
        frame.setMemory(0, frame.capacity(), (byte)0);

        rig.capacity(10, 1, 1);

        assertEquals(3, rig.publisher.triggers.size());
        assertArrayEquals(new byte[]{ 7, 7 }, rig.publisher.triggers.get(1).args(), "copied when it began to wait");
        assertArrayEquals(new byte[]{ 8, 8, 8 }, rig.publisher.triggers.get(2).args());
    }

    @Test
    void aWaitingCallCanBeCancelledByItsCallerOnly()
    {
        final SchedulerRig rig = rigWithOneExecutor(16, 1);
        rig.callFunction(1, "f", FAR, new byte[]{ 1 });
        rig.callFunction(2, "f", FAR, new byte[]{ 2 });

        assertEquals(InvocationLauncher.NOT_FOUND, rig.launcher.cancel(2, 77), "another caller's call stays");
        assertEquals(InvocationLauncher.CANCELLED, rig.launcher.cancel(2, 99), "a Cancel of a waiting call takes it out");
        assertEquals(1, rig.counters.invocationsCancelled.get());
        rig.capacity(10, 1, 1);
        assertEquals(List.of(1L), correlationsTriggered(rig));
        assertEquals(0, rig.waiting.size());
    }

    @Test
    void aReportOfAnEarlierIncarnationIsIgnored()
    {
        final SchedulerRig rig = rigWithOneExecutor(16, 1);
        rig.callFunction(1, "f", FAR, new byte[]{ 1 });
        rig.callFunction(2, "f", FAR, new byte[]{ 2 });

        rig.membership.onCapacity(10, 6, 1, 1);
        assertEquals(List.of(1L), correlationsTriggered(rig));
        rig.membership.onCapacity(10, 7, 1, 1);
        assertEquals(List.of(1L, 2L), correlationsTriggered(rig));
    }
}
