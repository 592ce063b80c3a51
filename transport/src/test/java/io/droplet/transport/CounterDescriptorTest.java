package io.droplet.transport;

import io.droplet.codecs.FrameRejection;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counter descriptor: stable, unique type ids in Droplet's block, and the labels tests and operators read.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CounterDescriptorTest
{
    @Test
    void typeIdsAreUniqueAndFoundAgain()
    {
        final Set<Integer> ids = new HashSet<>();
        for (final CounterDescriptor descriptor : CounterDescriptor.values())
        {
            assertTrue(ids.add(descriptor.typeId()), descriptor.name());
            assertTrue(CounterDescriptor.isDroplet(descriptor.typeId()));
            assertSame(descriptor, CounterDescriptor.get(descriptor.typeId()));
        }
        assertNull(CounterDescriptor.get(7119));
        assertNull(CounterDescriptor.get(0));
        assertFalse(CounterDescriptor.isDroplet(7200));
    }

    @Test
    void typeIdsAndLabelsAreThoseOperatorsRead()
    {
        // Fixed values: soak tests and dashboards sum counters by these ids and labels.
        assertEquals(7100, CounterDescriptor.MESSAGES_SENT.typeId());
        assertEquals(7104, CounterDescriptor.SENDS_FAILED.typeId());
        assertEquals(7113, CounterDescriptor.REINTRODUCTIONS.typeId());
        assertEquals(7120, CounterDescriptor.FRAMES_REJECTED_BY_REASON.typeId());
        assertEquals(7140, CounterDescriptor.STORE_GETS.typeId());
        assertEquals(7160, CounterDescriptor.EXECUTOR_STAGES_RUN.typeId());
        assertEquals(7172, CounterDescriptor.SCHEDULER_LIVE_EXECUTORS.typeId());
        assertEquals(7174, CounterDescriptor.SCHEDULER_RERUNS.typeId());
        assertEquals("droplet scheduler-1: live executors", CounterDescriptor.SCHEDULER_LIVE_EXECUTORS.label("scheduler-1"));
        assertEquals("droplet storage: store entries dropped as corrupt", CounterDescriptor.STORE_DROPPED_CORRUPT.label("storage"));
    }

    @Test
    void transportCountersTakeTheirIdsAndLabelsFromTheDescriptor()
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[1024 * 1024]), new UnsafeBuffer(new byte[64 * 1024]));
        final List<String> allocated = new ArrayList<>();
        final TransportCounters counters = new TransportCounters((typeId, label) ->
        {
            allocated.add(typeId + " " + label);
            return manager.newCounter(label, typeId);
        }, "responder");

        assertEquals("7100 droplet responder: messages sent", allocated.get(0));
        assertEquals("7106 droplet responder: frames received", allocated.get(6));
        assertEquals("7114 droplet responder: client sessions authenticated", allocated.get(14));
        assertTrue(allocated.contains("7120 droplet responder: frames rejected: authentication failed"), allocated.toString());
        counters.rejected(FrameRejection.UNAUTHENTICATED);
        assertEquals(1, counters.rejectedCount(FrameRejection.UNAUTHENTICATED));
        assertEquals(1, counters.framesRejected.get());
        assertEquals(TransportCounters.TYPE_ID_BASE, CounterDescriptor.MESSAGES_SENT.typeId());
        counters.close();
    }
}
