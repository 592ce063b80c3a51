package io.droplet.transport;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.status.HeartbeatTimestamp;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An invoker-profile transport on a host driver with a short client liveness timeout, whose duty cycle
 * is held (a function keeping the node's thread) for several times that timeout: with the conductor
 * standby the driver keeps the client and the client carries on after the hold; without it the driver
 * reaps the client. A driver lost during a hold is left to the owner's next invocation to close.
 */
class ConductorStandbyTest
{
    private static final long LIVENESS_NS = TimeUnit.SECONDS.toNanos(2);

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private MediaDriver driver;
    private Aeron observer;

    @BeforeEach
    void launchDriver()
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(watcher.aeronDirectory("standby"))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .clientLivenessTimeoutNs(LIVENESS_NS)
            .timerIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            // The least IPC term: the client pre-touches a new publication's log inside its conductor's duty cycle,
            // where neither the owner nor the standby can service it. Aeron's default log (3 x 64 MB) took 3 to 13 s to
            // touch on a loaded machine, past this driver's 2 s liveness timeout, which is the client's service
            // interval too: the client closed itself right after adding the publication and was never known to the
            // driver. Nothing here needs a larger log.
            .ipcTermBufferLength(64 * 1024));
        observer = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @AfterEach
    void closeDriver()
    {
        CloseHelper.closeAll(observer, driver);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void heldDutyCycleKeepsItsClientWithTheStandby()
    {
        try (Transport transport = launch(TimeUnit.SECONDS.toNanos(10)))
        {
            final long clientId = transport.aeron().clientId();
            // The driver learns of a client from its first command.
            transport.aeron().addPublication("aeron:ipc", 1001);
            Await.until(transport::invoke, () -> isKnownToDriver(clientId), Duration.ofSeconds(10),
                () -> "client known; " + clientState(transport));

            // The hold: nothing calls invoke() for three liveness timeouts, and the standby stood in during it. Held
            // by the clock, not by a count of stand-ins: a starved standby (two builds and a soak test on top of a CPU
            // hog) stood in 108 times in 30 s instead of 120 in 6 s. The wait parks between checks: a spinning test
            // thread takes the core the standby needs.
            final long holdStart = System.nanoTime();
            final long standInsBefore = transport.conductorStandIns();
            Await.until(() -> System.nanoTime() - holdStart > 3 * LIVENESS_NS && transport.conductorStandIns() - standInsBefore >= 3,
                Duration.ofSeconds(30), Duration.ofMillis(10), () -> "a hold of three liveness timeouts with stand-ins: " +
                (transport.conductorStandIns() - standInsBefore) + " stand-ins");

            assertTrue(isKnownToDriver(clientId), "the driver kept the client through the hold");
            transport.invoke();
            assertFalse(transport.aeron().isClosed(), "the client carries on after the hold");
            transport.aeron().addPublication("aeron:ipc", 1002).close();
            assertEquals(List.of(), errors);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void heldDutyCycleLosesItsClientWithoutTheStandby()
    {
        try (Transport transport = launch(0))
        {
            final long clientId = transport.aeron().clientId();
            // The driver learns of a client from its first command.
            transport.aeron().addPublication("aeron:ipc", 1001);
            Await.until(transport::invoke, () -> isKnownToDriver(clientId), Duration.ofSeconds(10),
                () -> "client known; " + clientState(transport));

            Await.until(() -> !isKnownToDriver(clientId), Duration.ofSeconds(30), () -> "the driver reaps the held client");

            Await.until(transport::invoke, () -> transport.aeron().isClosed(), Duration.ofSeconds(30),
                () -> "the client closes itself once serviced again");
            assertEquals(0, transport.conductorStandIns());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void driverLostDuringAHoldIsClosedByTheOwner()
    {
        try (Transport transport = launch(TimeUnit.SECONDS.toNanos(30)))
        {
            transport.invoke();
            CloseHelper.closeAll(observer, driver);
            observer = null;
            driver = null;

            Await.until(() -> !errors.isEmpty(), Duration.ofSeconds(30), () -> "the standby finds the driver lost");
            assertFalse(transport.aeron().isClosed(), "the standby leaves closing the client to the owner");

            transport.invoke();
            assertTrue(transport.aeron().isClosed(), "the owner's invocation closes the client");
            assertNotEquals(0, transport.conductorStandIns());
        }
    }

    private Transport launch(final long standbyNs)
    {
        return Transport.launch(new TransportContext()
            .embeddedDriver(false)
            .aeronDirectoryName(driver.aeronDirectoryName())
            .threadingProfile(ThreadingProfile.INVOKER)
            .driverTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .conductorStandbyNs(standbyNs)
            .errorHandler(errors::add)
            .name("standby-test"));
    }

    /**
     * @return what became of the client, for a failed wait: once the driver reaped it or it closed itself (the
     * errors say which), it is never known again.
     */
    private String clientState(final Transport transport)
    {
        return "client " + (transport.aeron().isClosed() ? "closed" : "open") + ", errors " + errors;
    }

    private boolean isKnownToDriver(final long clientId)
    {
        final CountersReader counters = observer.countersReader();
        return CountersReader.NULL_COUNTER_ID !=
            HeartbeatTimestamp.findCounterIdByRegistrationId(counters, HeartbeatTimestamp.HEARTBEAT_TYPE_ID, clientId);
    }
}
