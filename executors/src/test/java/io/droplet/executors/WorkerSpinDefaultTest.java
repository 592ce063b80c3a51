package io.droplet.executors;

import io.droplet.transport.ThreadingProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An idle pool worker spins for the next run only where the deployment chose busy-spinning threads, unless
 * configured: on a host without a free core a spinning worker takes the core the agent and other processes need.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WorkerSpinDefaultTest
{
    @Test
    void spinsOnlyInTheDedicatedProfileUnlessConfigured()
    {
        assertEquals(0, ExecutorConfiguration.workerSpinNs(ThreadingProfile.SHARED, null));
        assertEquals(0, ExecutorConfiguration.workerSpinNs(ThreadingProfile.INVOKER, null));
        assertEquals(TimeUnit.MICROSECONDS.toNanos(50), ExecutorConfiguration.workerSpinNs(ThreadingProfile.DEDICATED, null));
        assertEquals(TimeUnit.MICROSECONDS.toNanos(20), ExecutorConfiguration.workerSpinNs(ThreadingProfile.SHARED, "20us"));
        assertEquals(0, ExecutorConfiguration.workerSpinNs(ThreadingProfile.DEDICATED, "0"));
    }
}
