package io.droplet.scheduler;

import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pooled stages go where a slot is free (after locality), never where none is; functions that run inline
 * take no slot and are placed as before.
 */
@Timeout(10)
class FreeSlotPlacementTest
{
    private static final long FAR = SchedulerRig.EPOCH_START + 60_000_000_000L;

    private static byte[] args(final String reference)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ValueWriter writer = new ValueWriter().wrap(buffer, 0, buffer.capacity());
        writer.beginList(1);
        if (null == reference)
        {
            writer.writeLong(7);
        }
        else
        {
            writer.writeReference(reference);
        }
        writer.endList();
        final byte[] bytes = new byte[writer.encodedLength()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    private static List<Long> executorsTriggered(final SchedulerRig rig)
    {
        return rig.publisher.triggers.stream().map(RecordingPublisher.Trigger::executor).toList();
    }

    @Test
    void pooledCallsGoToTheMostFreeSlotsAndNeverToAFullExecutor()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.pooledHeartbeat(10, "host-a", 4, 1, "f");
        rig.pooledHeartbeat(11, "host-b", 4, 3, "f");
        rig.register("f", FunctionKind.LOCAL);

        for (int call = 1; call <= 4; call++)
        {
            rig.callFunction(call, "f", FAR, args(null));
        }

        // 11 has 3 free, then 2; then both have 1 and the less loaded (10) wins; then 10 is full and 11 takes it.
        assertEquals(List.of(11L, 11L, 10L, 11L), executorsTriggered(rig));
        assertEquals(0, rig.membership.executor(10).freeSlots());
        assertEquals(0, rig.membership.executor(11).freeSlots());

        rig.callFunction(5, "f", FAR, args(null));
        assertEquals(4, rig.publisher.triggers.size(), "every slot taken: the fifth call waits, placed nowhere");
        assertEquals(1, rig.waiting.size());
        assertTrue(rig.publisher.errors.isEmpty());
    }

    @Test
    void localityComesFirstAmongExecutorsWithAFreeSlot()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.pooledHeartbeat(10, "host-a", 8, 1, "f");
        rig.pooledHeartbeat(11, "host-b", 8, 8, "f");
        final byte[] summary = new byte[KeySummary.BYTES];
        final byte[] key = "orders/17".getBytes(StandardCharsets.UTF_8);
        KeySummary.add(summary, HashRing.hash(new UnsafeBuffer(key), 0, key.length));
        rig.cacheHeartbeat(20, "host-a", summary);
        rig.register("f", FunctionKind.LOCAL);

        rig.callFunction(1, "f", FAR, args("orders/17"));
        rig.callFunction(2, "f", FAR, args("orders/17"));

        assertEquals(List.of(10L, 11L), executorsTriggered(rig),
            "the host caching the key wins over more free slots while it has one; full, the call goes elsewhere");
    }

    @Test
    void shortFunctionsTakeNoSlotAndNeverWait()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        // Every worker busy, but "micro" is declared short: it runs inline on the executor's agent.
        final org.agrona.concurrent.UnsafeBuffer endpoint = SchedulerRig.utf8("host-a:0/5010");
        rig.membership.onHeartbeat(10, io.droplet.codecs.sbe.Role.EXECUTOR.value(), 0, 2, 0, 7,
            new java.util.HashSet<>(List.of("micro", "f")), java.util.Set.of("micro"), endpoint, 0, endpoint.capacity(),
            endpoint, 0, 0);
        rig.register("micro", FunctionKind.LOCAL);
        rig.register("f", FunctionKind.LOCAL);

        for (int call = 1; call <= 100; call++)
        {
            rig.callFunction(call, "micro", FAR, args(null));
        }
        rig.registry.putDag("d", DagDefinition.of("d", new String[]{ "micro", "micro" }, new int[]{ 0 }, new int[]{ 1 }));
        final UnsafeBuffer name = SchedulerRig.utf8("d");
        final byte[] bytes = args(null);
        rig.calls.onCallDag(101, 99, FAR, io.droplet.codecs.sbe.CallMode.FG, name, 0, name.capacity(),
            new SourceArgs().wrap(new UnsafeBuffer(bytes)).allStages(0, bytes.length));

        assertEquals(101, rig.publisher.triggers.size());
        assertEquals(0, rig.waiting.size());
        assertTrue(rig.publisher.errors.isEmpty());
        assertEquals(0, rig.counters.callsQueued.get());

        rig.callFunction(102, "f", FAR, args(null));
        assertEquals(1, rig.waiting.size(), "a pooled function on the same executor waits for a slot");
    }

    @Test
    void aDagIsJudgedOnTheSlotsFreeBeforeItSoAnIdleExecutorTakesItWhole()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.pooledHeartbeat(10, "host-a", 1, 1, "f", "g");
        // Two pooled sources and a pooled sink on an executor of one worker: its queue holds the rest.
        final DagDefinition dag = DagDefinition.of("d", new String[]{ "f", "f", "g" }, new int[]{ 0, 1 }, new int[]{ 2, 2 });
        final byte[] bytes = args(null);
        final SourceArgs sources = new SourceArgs().wrap(new UnsafeBuffer(bytes)).allStages(0, bytes.length);

        assertTrue(rig.launcher.start(dag, sources, 1, 99, 99, FAR, 0));
        assertEquals(2, rig.publisher.triggers.size(), "both sources triggered");
        assertEquals(0, rig.membership.executor(10).freeSlots());

        assertTrue(rig.launcher.start(dag, sources, 2, 99, 99, FAR, 0));
        assertEquals(2, rig.publisher.triggers.size(), "the next waits");
        assertEquals(1, rig.waiting.size());
    }

    @Test
    void aStageIsRolledBackWhenALaterStageFindsNoSlot()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "micro");
        rig.pooledHeartbeat(11, "host-b", 1, 0, "f");
        final DagDefinition dag = DagDefinition.of("d", new String[]{ "micro", "f" }, new int[]{ 0 }, new int[]{ 1 });
        final byte[] bytes = args(null);
        final long loadBefore = rig.membership.executor(10).load();

        assertTrue(rig.launcher.start(dag, new SourceArgs().wrap(new UnsafeBuffer(bytes)).allStages(0, bytes.length),
            1, 99, 99, FAR, 0));

        assertTrue(rig.publisher.triggers.isEmpty());
        assertEquals(1, rig.waiting.size());
        assertEquals(loadBefore, rig.membership.executor(10).load(), "the first stage's placement was taken back");
    }

    @Test
    void aPluggedInPolicyCannotOverfill()
    {
        final SchedulerRig rig = new SchedulerRig((function, executors) -> 10, false);
        rig.pooledHeartbeat(10, "host-a", 2, 0, "f");
        rig.pooledHeartbeat(11, "host-b", 2, 2, "f");
        rig.register("f", FunctionKind.LOCAL);

        rig.callFunction(1, "f", FAR, args(null));

        assertTrue(rig.publisher.triggers.isEmpty(), "the policy chose a full executor: the call waits instead");
        assertEquals(1, rig.waiting.size());
    }

    @Test
    void aReRunGoesToAFullExecutorRatherThanWait()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false, 1_000_000_000L, 16);
        rig.pooledHeartbeat(10, "host-a", 1, 1, "f");
        rig.register("f", FunctionKind.LOCAL);
        rig.callFunction(1, "f", FAR, args(null));
        rig.pooledHeartbeat(11, "host-b", 1, 0, "f");

        rig.advance(2_000_000_000L);
        rig.pooledHeartbeat(11, "host-b", 1, 0, "f");
        rig.membership.doWork(rig.clock.nanoTime());

        assertEquals(1, rig.counters.executorsExpired.get());
        assertEquals(2, rig.publisher.triggers.size());
        assertEquals(11, rig.publisher.triggers.get(1).executor(), "re-run on the full survivor: its own queue holds it");
        assertEquals(1, rig.publisher.triggers.get(1).attempt());
        assertEquals(0, rig.waiting.size());
    }

    @Test
    void aFunctionNobodyAnnouncedIsPooledAndAnAssumedOneKeepsItsKnownLane()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "micro");
        rig.register("micro", FunctionKind.LOCAL);
        rig.register("fresh", FunctionKind.LOCAL);

        final ExecutorView executor = rig.membership.executor(10);
        assertTrue(executor.runsInline("micro"), "a registration does not make an announced short function pooled");
        assertTrue(executor.hasFunction("fresh"));
        assertTrue(!executor.runsInline("fresh"), "until the executor says otherwise, a new function takes a slot");
    }
}
