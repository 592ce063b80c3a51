package io.droplet.transport;

import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An embedded driver in the invoker profile and its client share one duty cycle; a hold of that thread longer
 * than Aeron's default liveness timeouts (10 s: a store opening on a busy machine took 12-20 s) leaves the
 * transport working. Before, the client's next command failed with "service interval exceeded" and the
 * transport was dead.
 */
class EmbeddedInvokerHoldTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aHoldPastAeronsDefaultTimeoutsLeavesTheTransportWorking()
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (Transport transport = Transport.launch(new TransportContext()
            .aeronDirectoryName(watcher.aeronDirectory("hold"))
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
            .errorHandler(errors::add)
            .name("hold")))
        {
            transport.aeron().addCounter(1001, "before the hold");
            Await.until(transport::invoke, () -> true, Duration.ofSeconds(1), () -> "one duty cycle");

            // The thread is held (nothing drives the driver or the client) for longer than Aeron's 10 s defaults.
            final long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            Await.until(() -> System.nanoTime() - holdUntil > 0, Duration.ofSeconds(30), () -> "the hold's end");

            // A synchronous command right after the hold, before any duty cycle: where the service interval is checked.
            transport.aeron().addCounter(1001, "after the hold");
            for (int i = 0; i < 100; i++)
            {
                transport.invoke();
            }
            assertTrue(errors.isEmpty(), () -> "errors after the hold: " + errors);
            assertTrue(!transport.aeron().isClosed(), "the client is open");
        }
    }
}
