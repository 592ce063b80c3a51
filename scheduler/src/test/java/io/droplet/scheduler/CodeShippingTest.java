package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registered functions reach executors: shipped code everywhere, a stateful class to one pinned
 * executor; BROADCAST runs on every executor that has the function.
 */
@Timeout(10)
class CodeShippingTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long FAR = SchedulerRig.EPOCH_START + 60 * SECOND;

    @Test
    void shippedCodeGoesToEveryExecutorToJoinersAndAgainToOneThatLacksIt()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0);
        rig.register("resize", FunctionKind.JAVA);
        assertEquals(List.of(1000L), rig.publisher.acks);
        assertEquals(1, rig.publisher.registrations.size());
        assertEquals(10, rig.publisher.registrations.get(0)[0]);
        assertTrue(rig.membership.executor(10).hasFunction("resize"), "assumed present before its heartbeat says so");

        rig.heartbeat(11, "host-b", 0);
        assertEquals(11, rig.publisher.registrations.get(rig.publisher.registrations.size() - 1)[0], "a joiner gets it");

        // 10 keeps heartbeating without it: after the replay interval it is sent again, once per interval.
        rig.publisher.clear();
        rig.advance(SECOND);
        rig.heartbeat(10, "host-a", 0);
        rig.heartbeat(11, "host-b", 0, "resize");
        assertTrue(rig.publisher.registrations.stream().allMatch(r -> r[0] == 10), "only the one lacking it");
        final int replays = rig.publisher.registrations.size();
        rig.advance(SECOND / 2);
        rig.heartbeat(10, "host-a", 0);
        assertEquals(replays, rig.publisher.registrations.size(), "not again within the interval");
        rig.advance(2 * SECOND);
        rig.heartbeat(10, "host-a", 0);
        assertEquals(replays + 1, rig.publisher.registrations.size());
        assertTrue(rig.counters.registrationReplays.get() >= 2);

        final org.agrona.concurrent.UnsafeBuffer name = SchedulerRig.utf8("resize");
        rig.registrations.onDeleteFunction(5, 99, name, 0, name.capacity());
        assertEquals(List.of("10:resize", "11:resize"), rig.publisher.deletes, "every executor unloads it");
    }

    @Test
    void aStatefulClassIsPinnedToOneExecutorAndMovesWhenItLeaves()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false, SECOND, 16);
        rig.register("counter", FunctionKind.STATEFUL_CLASS);
        assertEquals(ErrorCode.NO_RESOURCES, rig.publisher.errors.get(0).code(), "nowhere to pin it");

        rig.heartbeat(10, "host-a", 0);
        rig.heartbeat(11, "host-b", 0);
        rig.heartbeat(12, "host-c", 0);
        rig.publisher.clear();
        rig.register("counter", FunctionKind.STATEFUL_CLASS);
        assertEquals(1, rig.publisher.registrations.size(), "one instance: the registration goes to one executor");
        final long pinned = rig.publisher.registrations.get(0)[0];

        for (int call = 1; call <= 5; call++)
        {
            rig.callFunction(call, "counter", FAR, new byte[]{ 1 });
        }
        assertTrue(rig.publisher.triggers.stream().allMatch(t -> t.executor() == pinned), "every call goes to the pin");

        // The pinned executor falls silent: its calls are re-run, which pins the class again elsewhere.
        rig.publisher.clear();
        for (int i = 0; i < 20; i++)
        {
            rig.advance(SECOND / 10);
            for (long executor = 10; executor <= 12; executor++)
            {
                if (executor != pinned)
                {
                    rig.heartbeat(executor, "host-" + (char)('a' + executor - 10), 0);
                }
            }
            rig.membership.doWork(rig.clock.nanoTime());
        }
        assertEquals(1, rig.publisher.registrations.size(), "pinned again once");
        final long repinned = rig.publisher.registrations.get(0)[0];
        assertTrue(repinned != pinned);
        assertEquals(5, rig.publisher.triggers.size(), "the five calls are re-run");
        rig.callFunction(6, "counter", FAR, new byte[]{ 1 });
        assertEquals(1, rig.publisher.registrations.size(), "the new pin holds");
        assertTrue(rig.publisher.triggers.stream().allMatch(t -> t.executor() == repinned));

        final org.agrona.concurrent.UnsafeBuffer name = SchedulerRig.utf8("counter");
        rig.registrations.onDeleteFunction(7, 99, name, 0, name.capacity());
        assertEquals(List.of(repinned + ":counter"), rig.publisher.deletes, "only the pinned executor unloads it");
    }

    @Test
    void aBroadcastRunsOnEveryExecutorWithTheFunction()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.heartbeat(11, "host-b", 0);
        rig.heartbeat(12, "host-c", 0, "f");
        rig.register("f", FunctionKind.LOCAL);
        rig.heartbeat(11, "host-b", 0);

        rig.callFunction(1, "f", FAR, CallMode.BROADCAST, new byte[]{ 1 });

        assertEquals(1, rig.publisher.broadcastsStarted.size());
        assertEquals(2, rig.publisher.broadcastsStarted.get(0)[2], "the caller expects two answers");
        assertEquals(List.of(10L, 12L), rig.publisher.triggers.stream().map(RecordingPublisher.Trigger::executor).toList());
        assertTrue(rig.publisher.triggers.stream().allMatch(t -> t.correlationId() == 1));
    }
}
