package io.droplet.client;

import io.droplet.transport.TransportCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

/**
 * Transport counters in memory, for unit tests that need no media driver.
 */
final class TestCounters
{
    private TestCounters()
    {
    }

    static TransportCounters create()
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[1024 * 1024]), new UnsafeBuffer(new byte[64 * 1024]));
        return new TransportCounters((typeId, label) -> manager.newCounter(label, typeId), "test");
    }
}
