package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueType;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class InvocationLauncherTest
{
    private static final long FAR = SchedulerRig.EPOCH_START + 60_000_000_000L;

    private static byte[] listOf(final String reference)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ValueWriter writer = new ValueWriter().wrap(buffer, 0, buffer.capacity());
        writer.beginList(2).writeLong(42);
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

    @Test
    void placesOnTheLeastLoadedExecutorWithTheFunction()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 3, "f");
        rig.heartbeat(11, "host-b", 0, "f");
        rig.heartbeat(12, "host-c", 0);
        rig.register("f", io.droplet.codecs.sbe.FunctionKind.LOCAL);
        // A LOCAL function is assumed present everywhere: make executor 12 lack it again by a fresh heartbeat.
        rig.heartbeat(12, "host-c", 0);

        for (int call = 1; call <= 3; call++)
        {
            rig.callFunction(call, "f", FAR, listOf(null));
        }

        assertEquals(3, rig.publisher.triggers.size());
        for (final RecordingPublisher.Trigger trigger : rig.publisher.triggers)
        {
            assertEquals(11, trigger.executor(), "the idle executor with f takes calls until its load reaches the other's");
            assertEquals(0, trigger.attempt());
        }
        rig.callFunction(4, "f", FAR, listOf(null));
        rig.callFunction(5, "f", FAR, listOf(null));
        assertTrue(rig.publisher.triggers.stream().skip(3).anyMatch(t -> t.executor() == 10),
            "once loads are equal the busy one gets work too");
        assertTrue(rig.publisher.triggers.stream().noneMatch(t -> t.executor() == 12), "never the one without f");
        assertEquals(5, rig.counters.invocationsStarted.get());
    }

    @Test
    void placesOnTheHostWhoseCacheHoldsTheReferencedKeys()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.heartbeat(11, "host-b", 9, "f");
        final byte[] summary = new byte[KeySummary.BYTES];
        final byte[] key = "orders/17".getBytes(StandardCharsets.UTF_8);
        KeySummary.add(summary, HashRing.hash(new UnsafeBuffer(key), 0, key.length));
        rig.cacheHeartbeat(20, "host-b", summary);
        rig.register("f", io.droplet.codecs.sbe.FunctionKind.LOCAL);

        for (int call = 1; call <= 4; call++)
        {
            rig.callFunction(call, "f", FAR, listOf("orders/17"));
        }
        rig.callFunction(5, "f", FAR, listOf(null));

        for (int i = 0; i < 4; i++)
        {
            assertEquals(11, rig.publisher.triggers.get(i).executor(), "the busy host caching the key wins over load");
        }
        assertEquals(10, rig.publisher.triggers.get(4).executor(), "no reference: the least loaded again");
    }

    @Test
    void triggersEachSourceStageWithTheWholeSchedule()
    {
        final SchedulerRig rig = new SchedulerRig((function, executors) -> function.equals("a") ? 10 : 11, false);
        rig.heartbeat(10, "host-a", 0, "a");
        rig.heartbeat(11, "host-b", 0, "b", "c");
        final DagDefinition dag = DagDefinition.of("d", new String[]{ "a", "b", "c" }, new int[]{ 0, 1 }, new int[]{ 2, 2 });
        final byte[] args = listOf(null);
        final SourceArgs sourceArgs = new SourceArgs().wrap(new UnsafeBuffer(args)).stage(0, 0, args.length);

        assertTrue(rig.launcher.start(dag, sourceArgs, 5, 99, 99, FAR, 0));

        assertEquals(2, rig.publisher.triggers.size(), "stages 0 and 1 are sources; 2 is not");
        final RecordingPublisher.Trigger first = rig.publisher.triggers.get(0);
        final RecordingPublisher.Trigger second = rig.publisher.triggers.get(1);
        assertEquals(0, first.stage());
        assertEquals(10, first.executor());
        assertArrayEquals(new long[]{ 10, 11, 11 }, first.schedule());
        assertArrayEquals(args, first.args());
        assertEquals(1, second.stage());
        assertEquals(11, second.executor());
        assertEquals(ValueType.LIST.tag(), second.args()[0], "a source without arguments gets an empty list");
        assertEquals(first.invocationId(), second.invocationId());
    }

    @Test
    void refusesWithoutExecutorsOrPastTheDeadline()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        final DagDefinition f = DagDefinition.single("f");
        final byte[] args = listOf(null);
        final SourceArgs sourceArgs = new SourceArgs().wrap(new UnsafeBuffer(args)).stage(0, 0, args.length);

        assertFalse(rig.launcher.start(f, sourceArgs, 1, 99, 99, FAR, 0));
        rig.heartbeat(10, "host-a", 0, "f");
        assertFalse(rig.launcher.start(f, sourceArgs, 2, 99, 99, SchedulerRig.EPOCH_START - 1, 0));

        assertEquals(2, rig.publisher.errors.size());
        assertEquals(ErrorCode.NO_RESOURCES, rig.publisher.errors.get(0).code());
        assertEquals(ErrorCode.TIMEOUT, rig.publisher.errors.get(1).code());
        assertEquals(2, rig.counters.callsRefused.get());
        assertTrue(rig.publisher.triggers.isEmpty());
    }
}
