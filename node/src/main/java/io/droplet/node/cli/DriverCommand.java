package io.droplet.node.cli;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.TransportConfiguration;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code droplet driver}: the host's standalone media driver, shared by every Droplet process on the
 * host. Runs {@code shared} with back-off idling by default, so it leaves the cores to the nodes;
 * {@code --threading dedicated} busy-spins its sender and receiver for hosts with cores to spare.
 * Stops on SIGINT or SIGTERM.
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
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(term)
            .ipcTermBufferLength(term);
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

        // The barrier's shutdown hook waits for close(): the driver closes first, then the barrier.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            MediaDriver driver = MediaDriver.launch(context))
        {
            System.out.println("droplet driver running: dir=" + driver.aeronDirectoryName() + " threading=" +
                profile.name().toLowerCase(java.util.Locale.ROOT));
            barrier.await();
            System.out.println("droplet driver stopping");
        }
        return 0;
    }
}
