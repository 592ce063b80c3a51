package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallFunctionDecoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.store.ring.KeySummary;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Well-formed but hostile requests get a typed answer at the scheduler's door, counted, and never reach what
 * would fail later: arguments that are not a valid value (the smallest frame found by fuzzing), periodic calls
 * too frequent or too many, DAGs with more edges than executors hold, classes that are not loadable functions.
 */
@Timeout(10)
class HostileRequestsTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long FAR = SchedulerRig.EPOCH_START + 60 * SECOND;
    /** CallFunction {@code adv-inc}, stream 5001, its arguments a LIST declaring 2^31-1 elements in no bytes. */
    private static final String SMALLEST_FRAME = "29001400031c01000100000000000000c2cf6a0000000000c2cf6a00000000000000a656" +
        "cfcfee3800000000000000000008000000070000006164762d696e630900000008ffffff7f00000000";

    @Test
    void argumentsNobodyValidatedAreAnsweredMalformedBeforePlacementReadsThem()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "adv-inc");
        // A cache's key summary makes placement walk the arguments for referenced keys (the walk that threw).
        rig.cacheHeartbeat(20, "host-a", new byte[KeySummary.BYTES]);
        rig.register("adv-inc", FunctionKind.LOCAL);
        final UnsafeBuffer frame = new UnsafeBuffer(HexFormat.of().parseHex(SMALLEST_FRAME));

        rig.adapter.onFrame(CallFunctionDecoder.TEMPLATE_ID, frame, 0, frame.capacity());

        assertEquals(1, rig.publisher.errors.size(), rig.publisher.errors.toString());
        final RecordingPublisher.Error error = rig.publisher.errors.get(0);
        assertEquals(ErrorCode.MALFORMED, error.code(), "not TIMEOUT: the caller hears at once what is wrong");
        assertEquals(0x6acfc2L, error.caller());
        assertTrue(error.detail().contains("CONTAINER_LENGTH_MISMATCH"), error.detail());
        assertTrue(rig.publisher.triggers.isEmpty(), "never placed");
        assertTrue(rig.errors.isEmpty(), "nothing thrown: " + rig.errors);
        assertEquals(1, rig.counters.callsMalformed.get());
        assertEquals(1, rig.counters.callsRefused.get());

        // The same frame again: the same answer and text (no position in it), counted again.
        rig.adapter.onFrame(CallFunctionDecoder.TEMPLATE_ID, frame, 0, frame.capacity());
        assertEquals(error.detail(), rig.publisher.errors.get(1).detail());
        assertEquals(2, rig.counters.callsMalformed.get());

        // A valid call still goes through.
        rig.callFunction(2, "adv-inc", FAR, new byte[]{ 2 });
        assertEquals(1, rig.publisher.triggers.size());
    }

    @Test
    void aDagCallWithOneBadSourceIsAnsweredMalformed()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.register("f", FunctionKind.LOCAL);
        rig.registry.putDag("d", DagDefinition.of("d", new String[]{ "f", "f", "f" }, new int[]{ 0, 1 }, new int[]{ 2, 2 }));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final CallDagEncoder encoder = new CallDagEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(5).sessionId(2).replyTo(99).deadline(FAR).mode(CallMode.BG).periodNs(0);
        final CallDagEncoder.SourceArgsEncoder sources = encoder.sourceArgsCount(2);
        sources.next().stage(0).putArgs(new byte[]{ 1 }, 0, 1);
        sources.next().stage(1).putArgs(new byte[]{ 5, -1, -1, -1, -1 }, 0, 5);
        encoder.dag("d");

        rig.adapter.onFrame(CallDagDecoder.TEMPLATE_ID, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());

        assertEquals(ErrorCode.MALFORMED, rig.publisher.errors.get(0).code());
        assertTrue(rig.publisher.errors.get(0).detail().contains("stage 1"), rig.publisher.errors.get(0).detail());
        assertTrue(rig.publisher.triggers.isEmpty(), "no source stage runs when one's arguments are bad");
        assertEquals(1, rig.counters.callsMalformed.get());
    }

    @Test
    void aPeriodUnderTheMinimumAndPeriodicCallsPastTheCallersCapAreRefused()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.periodicCalls.limits(MS, 2, Integer.MAX_VALUE, Long.MAX_VALUE, rig.counters);
        rig.heartbeat(10, "host-a", 0, "tick");
        rig.register("tick", FunctionKind.LOCAL);

        periodic(rig, 1, 99, 1);
        assertEquals(ErrorCode.INVALID_ARGUMENT, rig.publisher.errors.get(0).code(), "a run every nanosecond is refused");
        assertEquals(0, rig.periodicCalls.size());

        periodic(rig, 2, 99, MS);
        periodic(rig, 3, 99, 10 * MS);
        periodic(rig, 3, 99, 20 * MS);
        assertEquals(2, rig.periodicCalls.size(), "the same correlation again replaces, does not count twice");
        periodic(rig, 4, 99, 10 * MS);
        assertEquals(ErrorCode.NO_RESOURCES, rig.publisher.errors.get(1).code(), "past the caller's cap");
        periodic(rig, 5, 98, 10 * MS);
        assertEquals(3, rig.periodicCalls.size(), "the cap is per caller");
        assertEquals(2, rig.counters.periodicCallsRefused.get());
        assertEquals(3, rig.counters.periodicCalls.get());

        rig.calls.onCancel(2, 99);
        periodic(rig, 6, 99, 10 * MS);
        assertEquals(3, rig.periodicCalls.size(), "a cancelled call frees its place");
        assertEquals(2, rig.publisher.errors.size(), rig.publisher.errors.toString());

        // Given times closer than the minimum period are as frequent as a short period.
        final UnsafeBuffer name = SchedulerRig.utf8("tick");
        final long at = SchedulerRig.EPOCH_START + SECOND;
        rig.calls.onCallFunction(7, 98, 0, CallMode.PERIOD, 0, new long[]{ at, at + 1, at + 2 }, 3, name, 0, name.capacity(),
            new SourceArgs().wrap(new UnsafeBuffer(new byte[]{ 1 })).stage(0, 0, 1));
        assertEquals(ErrorCode.INVALID_ARGUMENT, rig.publisher.errors.get(2).code());
        assertEquals(3, rig.counters.periodicCallsRefused.get());
    }

    @Test
    void periodicCallsOfManyCallersStopAtTheNodesBytes()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        // Room for three calls of one argument byte each (257 bytes accounted per call).
        final long bytes = 3 * (PeriodicCalls.CALL_OVERHEAD + 1);
        rig.periodicCalls.limits(MS, 1, Integer.MAX_VALUE, bytes, rig.counters);
        rig.heartbeat(10, "host-a", 0, "tick");
        rig.register("tick", FunctionKind.LOCAL);

        for (int caller = 1; caller <= 4; caller++)
        {
            periodic(rig, 100 + caller, caller, 10 * MS);
        }
        assertEquals(3, rig.periodicCalls.size(), "each caller is under its cap, the node is not");
        assertEquals(bytes, rig.periodicCalls.heldBytes());
        assertEquals(1, rig.publisher.errors.size(), rig.publisher.errors.toString());
        assertEquals(ErrorCode.NO_RESOURCES, rig.publisher.errors.get(0).code());
        assertTrue(rig.publisher.errors.get(0).detail().contains(bytes + " bytes"), rig.publisher.errors.get(0).detail());
        assertEquals(1, rig.counters.periodicCallsRefused.get());

        periodic(rig, 101, 1, 20 * MS);
        assertEquals(bytes, rig.periodicCalls.heldBytes(), "the same call again replaces its bytes");
        rig.calls.onCancel(102, 2);
        periodic(rig, 104, 4, 10 * MS);
        assertEquals(3, rig.periodicCalls.size(), "a cancelled call frees its bytes");
        assertEquals(1, rig.publisher.errors.size(), rig.publisher.errors.toString());

        // And the node's cap of calls, whatever their bytes.
        rig.periodicCalls.limits(MS, 1, 3, Long.MAX_VALUE, rig.counters);
        periodic(rig, 105, 5, 10 * MS);
        assertEquals(ErrorCode.NO_RESOURCES, rig.publisher.errors.get(1).code(), "past the node's cap of calls");
        assertTrue(rig.publisher.errors.get(1).detail().contains("at most 3 calls"), rig.publisher.errors.get(1).detail());
        periodic(rig, 104, 4, 20 * MS);
        assertEquals(2, rig.publisher.errors.size(), "a call replaced is not a new one");
        assertEquals(3, rig.periodicCalls.size());
    }

    @Test
    void aDagWithMoreEdgesThanExecutorsHoldIsRefusedAtRegistration()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.register("f", FunctionKind.LOCAL);
        final String[] functions = new String[64];
        java.util.Arrays.fill(functions, "f");
        // Every edge of 64 stages in order: 2,016 edges, acyclic, one sink; an executor holds 256.
        final int[] from = new int[64 * 63 / 2];
        final int[] to = new int[from.length];
        int e = 0;
        for (int a = 0; a < 64; a++)
        {
            for (int b = a + 1; b < 64; b++)
            {
                from[e] = a;
                to[e++] = b;
            }
        }
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[16]);
        rig.registrations.onRegisterDag(7, 99, "complete", functions, from, to, frame, 0, 16);

        assertEquals(ErrorCode.INVALID_ARGUMENT, rig.publisher.errors.get(0).code());
        assertTrue(rig.publisher.errors.get(0).detail().contains("256"), rig.publisher.errors.get(0).detail());
        assertEquals(1, rig.counters.registrationsRefused.get());
        assertEquals(null, rig.registry.dag("complete"));

        rig.registrations.onRegisterDag(8, 99, "chain", new String[]{ "f", "f" }, new int[]{ 0, 0 }, new int[]{ 1, 1 },
            frame, 0, 16);
        assertTrue(rig.publisher.errors.get(1).detail().contains("duplicate edge"), rig.publisher.errors.get(1).detail());
    }

    @Test
    void aClassThatIsNotALoadableFunctionIsRefusedAtRegistration() throws IOException
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0);

        rig.register(1, "object", FunctionKind.JAVA, "java.lang.Object", new byte[0]);
        rig.register(2, "missing", FunctionKind.JAVA, "com.example.Missing", new byte[0]);
        rig.register(3, "garbage", FunctionKind.JAVA, "com.example.Fn", new byte[]{ 1, 2, 3, 4, 5, 6, 7, 8 });
        rig.register(4, "abstract", FunctionKind.STATEFUL_CLASS, io.droplet.api.StatefulFunction.class.getName(), new byte[0]);
        rig.register(5, "nameless", FunctionKind.KEYED_CLASS, "", new byte[0]);

        assertEquals(5, rig.publisher.errors.size(), rig.publisher.errors.toString());
        for (final RecordingPublisher.Error error : rig.publisher.errors)
        {
            assertEquals(ErrorCode.INVALID_ARGUMENT, error.code(), error.toString());
        }
        assertTrue(rig.publisher.errors.get(0).detail().contains("implements neither"), rig.publisher.errors.get(0).detail());
        assertTrue(rig.publisher.acks.isEmpty());
        assertTrue(rig.publisher.registrations.isEmpty(), "nothing shipped to executors");
        assertEquals(5, rig.counters.registrationsRefused.get());

        rig.register(6, "echo", FunctionKind.JAVA, EchoFunction.class.getName(), new byte[0]);
        rig.register(7, "shipped", FunctionKind.JAVA, EchoFunction.class.getName(), jarOf(EchoFunction.class));
        assertEquals(java.util.List.of(6L, 7L), rig.publisher.acks);

        // Where the scheduler does not share the executors' classes, a class it lacks is accepted unseen.
        final Registrations lenient = new Registrations(rig.registry, rig.membership, rig.publisher, rig.counters, false);
        final UnsafeBuffer frame = new UnsafeBuffer(
            SchedulerRig.registerFunctionFrame("elsewhere", FunctionKind.JAVA, "com.example.Missing", new byte[0]));
        final UnsafeBuffer name = SchedulerRig.utf8("elsewhere");
        lenient.onRegisterFunction(8, 99, FunctionKind.JAVA, name, 0, name.capacity(), frame, 0, frame.capacity());
        assertEquals(java.util.List.of(6L, 7L, 8L), rig.publisher.acks);
    }

    @Test
    void aProcessFunctionWhoseCommandCannotRunIsRefusedAtRegistration()
    {
        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0);

        rig.register(1, "not-json", FunctionKind.PROCESS, "[\"python3\", ", new byte[0]);
        rig.register(2, "empty", FunctionKind.PROCESS, "[]", new byte[0]);
        rig.register(3, "numbers", FunctionKind.PROCESS, "[1, 2]", new byte[0]);
        rig.register(4, "object", FunctionKind.PROCESS, "{\"cmd\": \"python3\"}", new byte[0]);

        assertEquals(4, rig.publisher.errors.size(), rig.publisher.errors.toString());
        for (final RecordingPublisher.Error error : rig.publisher.errors)
        {
            assertEquals(ErrorCode.INVALID_ARGUMENT, error.code(), error.toString());
            assertTrue(!error.detail().matches(".*\\d.*"), "no position in the reason: " + error.detail());
        }
        assertTrue(rig.publisher.registrations.isEmpty(), "nothing shipped to executors");
        assertEquals(4, rig.counters.registrationsRefused.get());

        rig.register(5, "cat", FunctionKind.PROCESS, "[\"cat\"]", new byte[0]);
        assertEquals(java.util.List.of(5L), rig.publisher.acks);
    }

    private static void periodic(final SchedulerRig rig, final long correlationId, final long caller, final long periodNs)
    {
        final UnsafeBuffer name = SchedulerRig.utf8("tick");
        rig.calls.onCallFunction(correlationId, caller, 0, CallMode.PERIOD, periodNs, new long[0], 0, name, 0, name.capacity(),
            new SourceArgs().wrap(new UnsafeBuffer(new byte[]{ 1 })).stage(0, 0, 1));
    }

    private static byte[] jarOf(final Class<?> type) throws IOException
    {
        final String path = type.getName().replace('.', '/') + ".class";
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes); InputStream in = type.getClassLoader().getResourceAsStream(path))
        {
            jar.putNextEntry(new JarEntry(path));
            in.transferTo(jar);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }
}
