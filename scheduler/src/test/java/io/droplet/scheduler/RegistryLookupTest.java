package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.api.lattice.Lattice;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registry misses wait as explicit pending lookups, and are answered once the KVS answers.
 */
@Timeout(10)
class RegistryLookupTest
{
    private static final long FAR = SchedulerRig.EPOCH_START + 60_000_000_000L;
    private static final String F_KEY = RegistryStore.FUNCTION_PREFIX + "f";

    private final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), true);

    @Test
    void aCallThatMissesWaitsAndRunsOnceTheKvsAnswers()
    {
        rig.heartbeat(10, "host-a", 0, "f");
        final byte[] args = { 1, 2, 3 };
        final UnsafeBuffer frame = new UnsafeBuffer(args);
        final UnsafeBuffer name = SchedulerRig.utf8("f");
        rig.calls.onCallFunction(7, 99, FAR, CallMode.FG, 0, new long[0], 0, name, 0, 1,
            new SourceArgs().wrap(frame).stage(0, 0, args.length));

        assertTrue(rig.publisher.triggers.isEmpty(), "nothing runs before the function is known");
        assertTrue(rig.publisher.errors.isEmpty(), "and nothing is refused");
        assertEquals(1, rig.registry.pendingLookups());
        assertEquals(List.of(F_KEY), rig.storage.reads.peekFirst().keys());
        assertEquals(1, rig.counters.registryLookups.get());

        frame.putByte(0, (byte)42); // the inbound frame is gone: the pending call kept its own copy
        rig.storage.answerRead(ErrorCode.NONE,
            Map.of(F_KEY, SchedulerRig.entry(SchedulerRig.registerFunctionFrame("f", FunctionKind.LOCAL))));

        assertEquals(0, rig.registry.pendingLookups());
        assertEquals(1, rig.publisher.triggers.size());
        assertEquals(7, rig.publisher.triggers.get(0).correlationId());
        assertArrayEquals(new byte[]{ 1, 2, 3 }, rig.publisher.triggers.get(0).args());
        assertNotNull(rig.registry.function("f"), "the entry is cached");
        assertEquals(List.of(F_KEY), rig.storage.subscribed, "and followed");

        rig.callFunction(8, "f", FAR, new byte[]{ 4 });
        assertEquals(2, rig.publisher.triggers.size(), "the next call hits at once");
        assertTrue(rig.storage.reads.isEmpty());
    }

    @Test
    void aDagCallReadsTheDagThenItsFunctions()
    {
        rig.heartbeat(10, "host-a", 0, "f", "g");
        final byte[] args = { 5 };
        final UnsafeBuffer name = SchedulerRig.utf8("d");
        rig.calls.onCallDag(9, 99, FAR, CallMode.FG, name, 0, 1,
            new SourceArgs().wrap(new UnsafeBuffer(args)).allStages(0, 1));

        rig.storage.answerRead(ErrorCode.NONE, Map.of(RegistryStore.DAG_PREFIX + "d", SchedulerRig.entry(
            SchedulerRig.registerDagFrame("d", new String[]{ "f", "g" }, new int[]{ 0 }, new int[]{ 1 }))));
        assertTrue(rig.publisher.triggers.isEmpty(), "the DAG's functions are read first");
        assertEquals(List.of(F_KEY, RegistryStore.FUNCTION_PREFIX + "g"), rig.storage.reads.peekFirst().keys());
        assertEquals(1, rig.registry.pendingLookups());

        rig.storage.answerRead(ErrorCode.NONE, Map.of(
            F_KEY, SchedulerRig.entry(SchedulerRig.registerFunctionFrame("f", FunctionKind.LOCAL)),
            RegistryStore.FUNCTION_PREFIX + "g", SchedulerRig.entry(SchedulerRig.registerFunctionFrame("g", FunctionKind.LOCAL))));

        assertEquals(0, rig.registry.pendingLookups());
        assertEquals(1, rig.publisher.triggers.size(), "one source stage");
        assertEquals(9, rig.publisher.triggers.get(0).correlationId());
        assertArrayEquals(new long[]{ 10, 10 }, rig.publisher.triggers.get(0).schedule());
    }

    @Test
    void aMissTheKvsDoesNotHaveIsRefusedAndAFailedReadSaysWhy()
    {
        rig.heartbeat(10, "host-a", 0, "f");
        rig.callFunction(1, "f", FAR, new byte[]{ 1 });
        rig.storage.answerRead(ErrorCode.NONE, Map.<String, Lattice>of());
        rig.callFunction(2, "f", FAR, CallMode.BROADCAST, new byte[]{ 1 });
        rig.storage.answerRead(ErrorCode.TIMEOUT, Map.<String, Lattice>of());

        assertEquals(2, rig.publisher.errors.size());
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, rig.publisher.errors.get(0).code());
        assertEquals(ErrorCode.TIMEOUT, rig.publisher.errors.get(1).code());
        assertEquals(1, rig.publisher.broadcastsStarted.size(), "a refused broadcast first says: zero answers");
        assertEquals(0, rig.publisher.broadcastsStarted.get(0)[2]);
        assertEquals(2, rig.counters.callsRefused.get());
        assertEquals(0, rig.registry.pendingLookups());
    }

    @Test
    void aDeleteThatMissesWaitsThenStoresTheDeletionAndAcknowledges()
    {
        final UnsafeBuffer name = SchedulerRig.utf8("f");
        rig.registrations.onDeleteFunction(11, 99, name, 0, 1);
        assertTrue(rig.storage.writes.isEmpty(), "nothing is deleted before the entry is read");

        rig.storage.answerRead(ErrorCode.NONE,
            Map.of(F_KEY, SchedulerRig.entry(SchedulerRig.registerFunctionFrame("f", FunctionKind.JAVA))));
        assertEquals(1, rig.storage.writes.size());
        assertEquals(F_KEY, rig.storage.writes.peekFirst().key());
        assertEquals(0, rig.storage.writes.peekFirst().frame().length, "an empty value marks a deletion");
        assertTrue(rig.publisher.acks.isEmpty(), "acknowledged only once the KVS holds it");

        rig.storage.acknowledgeWrite();
        assertEquals(List.of(11L), rig.publisher.acks);
        assertEquals(null, rig.registry.function("f"));
    }

    @Test
    void aDagRegistrationReadsTheNameAndItsFunctionsBeforeDeciding()
    {
        final byte[] frame = SchedulerRig.registerDagFrame("d", new String[]{ "f" }, new int[0], new int[0]);
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        rig.registrations.onRegisterDag(12, 99, "d", new String[]{ "f" }, new int[0], new int[0], buffer, 0, frame.length);
        assertEquals(List.of(F_KEY, RegistryStore.DAG_PREFIX + "d"), rig.storage.reads.peekFirst().keys());

        rig.storage.answerRead(ErrorCode.NONE,
            Map.of(F_KEY, SchedulerRig.entry(SchedulerRig.registerFunctionFrame("f", FunctionKind.LOCAL))));
        rig.storage.acknowledgeWrite();

        assertEquals(List.of(12L), rig.publisher.acks);
        assertNotNull(rig.registry.dag("d"));
        assertTrue(rig.publisher.errors.isEmpty(), rig.publisher.errors.toString());
    }
}
