package io.droplet.store.node;

import io.droplet.store.storage.LatticeStore;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;

import java.io.File;

/**
 * A storage node in a process of its own, for tests that kill it: one embedded driver (shared
 * profile) and one storage node, driven by the main thread until the process dies; exits 1 if it cannot start.
 * Arguments: data directory, UDP port, node id.
 */
public final class StorageNodeProcess
{
    private StorageNodeProcess()
    {
    }

    /**
     * @param args data directory, port, node id.
     */
    public static void main(final String[] args)
    {
        try
        {
            run(args);
        }
        catch (final Throwable ex)
        {
            // Aeron's threads are not daemons: without an exit a child that failed would live on, and its parent
            // would wait for a READY that never comes.
            ex.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }

    private static void run(final String[] args)
    {
        final File dataDir = new File(args[0]);
        final int port = Integer.parseInt(args[1]);
        final long nodeId = Long.parseLong(args[2]);
        final Endpoint self = new Endpoint("127.0.0.1", port, 3001);

        // The shared profile: the Aeron client's conductor has a thread of its own, so opening (or recovering) the
        // store, seconds on a busy machine, does not starve it. In the invoker profile nothing drove it meanwhile,
        // and past 10 s its service interval was exceeded: the child died before READY.
        final Transport transport = Transport.launch(new TransportContext()
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.SHARED)
            .localHost("127.0.0.1")
            .name("storage-" + nodeId));
        final StoreCounters counters = new StoreCounters(transport.aeron()::addCounter, "storage-" + nodeId);
        final LatticeStore store = LatticeStore.open(new StoreContext()
            .dataDirectory(dataDir)
            .entries(200_000)
            .averageKeySize(16)
            .averageValueSize(16)
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
            .counters(counters));
        final NodeChannels channels = new NodeChannels(transport, nodeId, self, "storage-" + nodeId);
        final StorageNode node = new StorageNode(new StorageNodeContext()
            .channels(channels)
            .store(store)
            .counters(counters)
            .replicationFactor(1)
            .peer(nodeId, self));

        System.out.println("READY recovered=" + store.wasRecovered());
        System.out.flush();
        // Back off when idle: the test's own process and a busy machine share the cores with this loop.
        final org.agrona.concurrent.IdleStrategy idle = new org.agrona.concurrent.BackoffIdleStrategy(100, 10, 1_000, 100_000);
        while (!Thread.currentThread().isInterrupted())
        {
            idle.idle(transport.invoke() + node.doWork());
        }
    }
}
