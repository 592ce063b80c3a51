package io.droplet.node.cli;

import io.droplet.client.DropletClient;
import io.droplet.node.Droplet;
import io.droplet.node.LocalContext;
import io.droplet.transport.TransportConfiguration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code droplet local}: every role in this process (embedded media driver, scheduler, executors,
 * storage node) until SIGINT or SIGTERM, then closed in order and exit 0; if a duty cycle fails (an
 * {@code OutOfMemoryError}, say) the node is closed and the process exits 70 with one line on standard error
 * (exit statuses: {@link ProcessStop}). Clients in other processes on the host connect through the
 * driver's directory with {@code DropletClient.connect(new RemoteContext().aeronDirectoryName(dir)
 * .storage(20, Endpoint.parse("127.0.0.1:0/5020")))} and register functions by class.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Run every role (embedded driver, scheduler, executors, storage) in this process until SIGINT/SIGTERM.")
public final class LocalCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Directory of the embedded media driver, e.g. /dev/shm/droplet.")
    private String dir;

    @Option(names = "--data", description = "Storage directory (default: a temporary one, removed at exit).")
    private File data;

    @Option(names = "--executors", description = "Executors (default: ${DEFAULT-VALUE}).")
    private int executors = 1;

    @Option(names = "--threading", description = "shared (default), dedicated, or invoker.")
    private String threading = "shared";

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final ProcessStop stop = ProcessStop.install("droplet local");
        final DropletClient node;
        try
        {
            node = Droplet.local(new LocalContext()
                .aeronDirectoryName(dir)
                .dataDirectory(data)
                .executors(executors)
                .threading(TransportConfiguration.parseThreading(threading))
                // Arms the watchdog and wakes the main thread, whose close waits for the one the failure started.
                .nodeFailureHandler(stop::agentFailed));
        }
        catch (final RuntimeException ex)
        {
            stop.closed();
            throw ex;
        }
        System.out.println("droplet local running: dir=" + dir + " scheduler=" + Droplet.SCHEDULER_NODE + "@" +
            Droplet.SCHEDULER_ENDPOINT + " storage=" + Droplet.STORAGE_NODE + "@" + Droplet.STORAGE_ENDPOINT);
        System.out.flush();
        stop.await();
        System.out.println("droplet local stopping");
        System.out.flush();
        // In order, before the process may exit: the roles stop, the store closes and leaves its clean-shutdown
        // marker, the cache file and the embedded driver's directory are removed (and a temporary data directory).
        node.close();
        System.out.println("droplet local stopped");
        System.out.flush();
        return stop.closed();
    }
}
