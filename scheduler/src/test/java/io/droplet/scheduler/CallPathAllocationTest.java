package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call that hits in the registry is placed, logged and triggered without allocating.
 */
@Timeout(30)
class CallPathAllocationTest
{
    private static final int CALLS = 20_000;
    private static final int MAX_ROUNDS = 12;

    @Test
    void aFunctionCallAndADagCallAllocateNothingInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "f", "g");
        rig.heartbeat(11, "host-b", 0, "f", "g");
        rig.register("f", FunctionKind.LOCAL);
        rig.register("g", FunctionKind.LOCAL);
        rig.registry.putDag("d", DagDefinition.of("d", new String[]{ "f", "g" }, new int[]{ 0 }, new int[]{ 1 }));
        rig.publisher.recordTriggers = false;

        final UnsafeBuffer frame = new UnsafeBuffer(new byte[]{ 'f', 'd', 9, 8, 7 });
        final SourceArgs args = new SourceArgs();
        final long[] noTimes = new long[0];
        final long deadline = SchedulerRig.EPOCH_START + 3_600_000_000_000L;
        final long thread = Thread.currentThread().getId();

        // Steady state is what is measured: the least a round allocates once the first two warmed up. A path that
        // allocates per call allocates in every round; a JIT that is slow to compile on a busy machine does not.
        long allocated = Long.MAX_VALUE;
        int rounds = 0;
        for (int round = 0; round < MAX_ROUNDS && allocated >= 4096; round++)
        {
            rounds++;
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS; i++)
            {
                rig.calls.onCallFunction(i, 99, deadline, CallMode.FG, 0, noTimes, 0, frame, 0, 1,
                    args.wrap(frame).stage(0, 2, 3));
                rig.calls.onCallDag(i, 99, deadline, CallMode.FG, frame, 1, 1, args.wrap(frame).allStages(2, 3));
            }
            if (round >= 2)
            {
                allocated = Math.min(allocated, threads.getThreadAllocatedBytes(thread) - before);
            }
        }

        assertEquals(rounds * 2L * CALLS, rig.publisher.triggerCount);
        assertTrue(rig.publisher.errors.isEmpty());
        // A few bytes of slack for the JVM itself; a per-call allocation would be hundreds of kilobytes a round.
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over " + 2 * CALLS + " calls");
    }

    @Test
    void callsThatWaitForAFreeSlotAndStartOnAReportAllocateNothingInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        final int workers = 4;
        rig.pooledHeartbeat(10, "host-a", workers, workers, "p");
        rig.register("p", FunctionKind.LOCAL);
        rig.publisher.recordTriggers = false;

        final UnsafeBuffer frame = new UnsafeBuffer(new byte[]{ 'p', 0, 9, 8, 7 });
        final SourceArgs args = new SourceArgs();
        final long[] noTimes = new long[0];
        final long deadline = SchedulerRig.EPOCH_START + 3_600_000_000_000L;
        final long thread = Thread.currentThread().getId();

        long allocated = Long.MAX_VALUE;
        int rounds = 0;
        for (int round = 0; round < MAX_ROUNDS && allocated >= 4096; round++)
        {
            rounds++;
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS; i += 2 * workers)
            {
                // Twice as many calls as slots: half start, half wait; the report starts those, the next frees the pool.
                for (int c = 0; c < 2 * workers; c++)
                {
                    rig.calls.onCallFunction(i + c, 99, deadline, CallMode.FG, 0, noTimes, 0, frame, 0, 1,
                        args.wrap(frame).stage(0, 2, 3));
                }
                rig.capacity(10, workers, workers);
                rig.capacity(10, workers, workers);
            }
            if (round >= 2)
            {
                allocated = Math.min(allocated, threads.getThreadAllocatedBytes(thread) - before);
            }
        }

        assertEquals((long)rounds * CALLS, rig.publisher.triggerCount);
        assertEquals((long)rounds * CALLS / 2, rig.counters.callsQueued.get());
        assertEquals(0, rig.waiting.size());
        assertTrue(rig.publisher.errors.isEmpty(), rig.publisher.errors.toString());
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over " + CALLS + " calls, half of them waiting");
    }

    @Test
    void decodingAndRoutingAFrameAllocatesNothingInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        final SchedulerRig rig = new SchedulerRig(PlacementPolicy.leastLoaded(), false);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.register("f", FunctionKind.LOCAL);
        rig.registry.putDag("d", DagDefinition.of("d", new String[]{ "f", "f" }, new int[]{ 0 }, new int[]{ 1 }));
        rig.publisher.recordTriggers = false;
        final ClientRequestAdapter adapter = new ClientRequestAdapter(
            new ClientRequests(rig.calls, rig.registrations, rig.membership, rig.publisher, rig.counters), new MembershipAdapter(rig.membership));

        final long deadline = SchedulerRig.EPOCH_START + 3_600_000_000_000L;
        final UnsafeBuffer callDag = new UnsafeBuffer(new byte[256]);
        final io.droplet.codecs.sbe.CallDagEncoder dagEncoder = new io.droplet.codecs.sbe.CallDagEncoder()
            .wrapAndApplyHeader(callDag, 0, new io.droplet.codecs.sbe.MessageHeaderEncoder())
            .correlationId(1).sessionId(2).replyTo(99).deadline(deadline).mode(CallMode.FG).periodNs(0);
        dagEncoder.sourceArgsCount(1).next().stage(ClientRequestAdapter.ALL_SOURCES).putArgs(new byte[]{ 3, 7, 0, 0, 0, 0, 0, 0, 0 }, 0, 9);
        dagEncoder.dag("d");
        final int callDagLength = 8 + dagEncoder.encodedLength();
        final UnsafeBuffer callFunction = new UnsafeBuffer(new byte[256]);
        final io.droplet.codecs.sbe.CallFunctionEncoder functionEncoder = new io.droplet.codecs.sbe.CallFunctionEncoder()
            .wrapAndApplyHeader(callFunction, 0, new io.droplet.codecs.sbe.MessageHeaderEncoder())
            .correlationId(1).sessionId(2).replyTo(99).deadline(deadline).mode(CallMode.FG).periodNs(0);
        functionEncoder.timesCount(0);
        functionEncoder.function("f").putArgs(new byte[]{ 2 }, 0, 1);
        final int callFunctionLength = 8 + functionEncoder.encodedLength();
        final long thread = Thread.currentThread().getId();

        long allocated = Long.MAX_VALUE;
        int rounds = 0;
        for (int round = 0; round < MAX_ROUNDS && allocated >= 4096; round++)
        {
            rounds++;
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS; i++)
            {
                adapter.onFrame(io.droplet.codecs.sbe.CallDagDecoder.TEMPLATE_ID, callDag, 0, callDagLength);
                adapter.onFrame(io.droplet.codecs.sbe.CallFunctionDecoder.TEMPLATE_ID, callFunction, 0, callFunctionLength);
            }
            if (round >= 2)
            {
                allocated = Math.min(allocated, threads.getThreadAllocatedBytes(thread) - before);
            }
        }

        assertEquals(rounds * 2L * CALLS, rig.publisher.triggerCount);
        assertTrue(rig.publisher.errors.isEmpty(), rig.publisher.errors.toString());
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over " + 2 * CALLS + " frames");
    }
}
