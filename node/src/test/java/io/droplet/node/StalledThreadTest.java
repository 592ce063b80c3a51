package io.droplet.node;

import io.aeron.Aeron;
import io.droplet.client.DropletClient;
import io.droplet.node.functions.ShortIncrementFunction;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.ThreadingProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stall of the one thread a node's roles share (a busy machine that does not schedule it, a GC pause) is
 * not the death of the executor on it: the executor could not heartbeat, but neither could the scheduler
 * look. In the invoker profile the caller's thread is the node's, so not calling for longer than the executor
 * timeout (1 s) is such a stall, made on purpose. Before the schedulers ran last in the duty cycle, the first
 * call after it found the scheduler expiring the executor before the executor's overdue heartbeat went out.
 */
class StalledThreadTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aStallOfTheSharedThreadIsNotAnExecutorsDeath() throws Exception
    {
        final String dir = watcher.aeronDirectory("stall");
        try (DropletClient droplet = Droplet.local(new LocalContext().threading(ThreadingProfile.INVOKER).aeronDirectoryName(dir));
            Aeron counters = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir)))
        {
            droplet.registerFunction("micro", ShortIncrementFunction.class);
            assertEquals(2L, droplet.call("micro", 1L));

            // The stall itself: nobody drives the node (this thread only polls the clock) until 1.5 s, past the
            // executor timeout, have passed.
            final long stalledAt = System.nanoTime();
            Await.until(() -> System.nanoTime() - stalledAt >= TimeUnit.MILLISECONDS.toNanos(1_500), Duration.ofSeconds(30),
                () -> "1.5 s of stall");

            assertEquals(3L, droplet.call("micro", 2L));
            final long[] expired = {0};
            counters.countersReader().forEach((value, typeId, label) -> expired[0] += label.endsWith(": executors expired") ? value : 0);
            assertEquals(0, expired[0], "executors expired");
        }
    }
}
