package io.droplet.node.cli;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.droplet.transport.FailStop;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.TransportConfiguration;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code droplet driver}: the host's standalone media driver, shared by every Droplet process on the
 * host. Runs {@code shared} with back-off idling by default, so it leaves the cores to the nodes;
 * {@code --threading dedicated} busy-spins its sender and receiver for hosts with cores to spare.
 * Stops on SIGINT or SIGTERM.
 * <p>
 * The client liveness timeout is short (3 s; Aeron's default is 10 s): a process killed and started again
 * on this host gets its endpoint back, but the driver keeps the dead process's subscriptions until it reaps
 * that client, and until then every peer's publication to the endpoint is limited by the dead subscriber's
 * position (the receiver window over UDP, the term window over IPC): after a little traffic the peers' sends
 * to the new process are back-pressured and dropped. The timeout bounds that gap. Droplet's own processes
 * keep heart-beating while a function holds their duty cycle (see the transport's conductor standby), so a
 * short timeout does not reap live ones.
 */
@Command(name = "driver", mixinStandardHelpOptions = true,
    description = "Run the host's standalone media driver until SIGINT/SIGTERM.")
public final class DriverCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Aeron directory, e.g. /dev/shm/droplet.")
    private String dir;

    @Option(names = "--threading", description = "shared (default) or dedicated.")
    private String threading = "shared";

    @Option(names = "--term-length", description = "Publication term length (default: ${DEFAULT-VALUE}).")
    private String termLength = "16m";

    @Option(names = "--client-liveness-timeout", description = "How long a client may go without a heartbeat before "
        + "the driver reaps it and frees its subscriptions; bounds how long a killed process's endpoint stays held "
        + "after it restarts (default: ${DEFAULT-VALUE}, or -Daeron.client.liveness.timeout; at least 1s, below the "
        + "publication unblock timeout).")
    private String clientLivenessTimeout = System.getProperty(io.aeron.driver.Configuration.CLIENT_LIVENESS_TIMEOUT_PROP_NAME, "3s");

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final ThreadingProfile profile = TransportConfiguration.parseThreading(threading);
        if (profile == ThreadingProfile.INVOKER)
        {
            throw new IllegalArgumentException("a standalone driver runs its own threads: shared or dedicated");
        }
        final int term = (int)org.agrona.SystemUtil.parseSize("--term-length", termLength);
        final long livenessNs = org.agrona.SystemUtil.parseDuration("--client-liveness-timeout", clientLivenessTimeout);
        // Clients heartbeat every 500 ms (Aeron's keepalive interval): a timeout of a few intervals tolerates a late one.
        if (livenessNs < java.util.concurrent.TimeUnit.SECONDS.toNanos(1))
        {
            throw new IllegalArgumentException("--client-liveness-timeout must be at least 1s: " + clientLivenessTimeout);
        }
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(term)
            .ipcTermBufferLength(term)
            .clientLivenessTimeoutNs(livenessNs);
        if (profile == ThreadingProfile.SHARED)
        {
            context.threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 1_000_000));
        }
        else
        {
            context.threadingMode(ThreadingMode.DEDICATED)
                .senderIdleStrategy(new BusySpinIdleStrategy())
                .receiverIdleStrategy(new BusySpinIdleStrategy());
        }

        // An Error ends a driver thread (Agrona rethrows it): a driver without its conductor is a zombie every
        // process of the host waits on, so it is a failure of this process (exit 70, one line on standard error).
        final ProcessStop stop = ProcessStop.install("droplet driver");
        final FailStop failStop = new FailStop(stop::agentFailed);
        context
            .conductorThreadFactory(failStop.threadFactory("driver-conductor"))
            .senderThreadFactory(failStop.threadFactory("driver-sender"))
            .receiverThreadFactory(failStop.threadFactory("driver-receiver"))
            .sharedNetworkThreadFactory(failStop.threadFactory("driver-shared-network"))
            .sharedThreadFactory(failStop.threadFactory("driver-shared"));
        final int exitStatus;
        // SIGTERM wakes the main thread, which closes the driver (removing its directory) before the process exits.
        try (MediaDriver driver = MediaDriver.launch(context))
        {
            System.out.println("droplet driver running: dir=" + driver.aeronDirectoryName() + " threading=" +
                profile.name().toLowerCase(java.util.Locale.ROOT) + " client-liveness-timeout=" +
                java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(livenessNs) + "ms");
            System.out.flush();
            stop.await();
            System.out.println("droplet driver stopping");
        }
        finally
        {
            exitStatus = stop.closed();
        }
        return exitStatus;
    }
}
