package io.droplet.node;

import io.droplet.api.Connection;
import io.droplet.api.DropletException;
import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's first finding through the public API: DAG calls with a far deadline whose fan-in stage has a failing
 * parent used to leave the other parent's output waiting in the executor until the deadline (a 200 KB argument a
 * call, 1,000 calls: +220 MB retained). The failure now releases it at once, so the retained heap stays flat.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FanInReleaseTest
{
    private static final int CALLS = Integer.getInteger("droplet.test.fanin.calls", 100);
    private static final int ARGUMENT_BYTES = 200 * 1000;
    /** Half of what the calls' outputs held when they were kept to the deadline: CALLS x 200 KB, 20 MB by default. */
    private static final long RETAINED_BOUND = CALLS * (long)ARGUMENT_BYTES / 2;

    private DropletClient droplet;

    @BeforeEach
    void start()
    {
        droplet = Droplet.local();
        droplet.registerFunction("pass", ShortFunction.of(inv ->
        {
            final int start = inv.args().position();
            inv.args().skip();
            inv.result().writeEncoded(inv.args().buffer(), start, inv.args().position() - start);
        }));
        droplet.registerFunction("boom", ShortFunction.of(inv ->
        {
            throw new IllegalStateException("boom");
        }));
        droplet.registerFunction("join", ShortFunction.of(inv -> inv.result().writeNull()));
        droplet.registerDag("fan-in-fails", List.of("pass", "boom", "join"),
            List.of(Connection.of("pass", "join"), Connection.of("boom", "join")));
    }

    @AfterEach
    void stop()
    {
        droplet.close();
    }

    private static long retainedHeap()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aFailingParentLeavesNothingRetained()
    {
        final byte[] argument = new byte[ARGUMENT_BYTES];
        final Duration farDeadline = Duration.ofDays(365L * 100);
        // Warm up: class loading and pools settle before the measurement starts.
        for (int i = 0; i < 20; i++)
        {
            assertThrows(DropletException.class, () -> droplet.callDagWithin("fan-in-fails", farDeadline, argument));
        }
        final long before = retainedHeap();
        final long startNs = System.nanoTime();
        for (int i = 0; i < CALLS; i++)
        {
            final DropletException failure = assertThrows(DropletException.class,
                () -> droplet.callDagWithin("fan-in-fails", farDeadline, argument));
            assertEquals(ErrorCode.EXECUTION_ERROR, failure.code());
        }
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final long after = retainedHeap();
        System.out.println("FAN-IN " + CALLS + " DAG calls (200 KB argument, 100-year deadline, failing parent) in " + elapsedMs +
            " ms: retained heap " + before / (1024 * 1024) + " -> " + after / (1024 * 1024) + " MB");
        assertTrue(after - before < RETAINED_BOUND, "retained heap grew by " + (after - before) + " bytes");
    }
}
