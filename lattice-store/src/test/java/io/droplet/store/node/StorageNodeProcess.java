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
 * A storage node in a process of its own, for tests that kill it: one embedded driver (invoker
 * profile) and one storage node, driven by the main thread until the process dies.
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
        final File dataDir = new File(args[0]);
        final int port = Integer.parseInt(args[1]);
        final long nodeId = Long.parseLong(args[2]);
        final Endpoint self = new Endpoint("127.0.0.1", port, 3001);

        final Transport transport = Transport.launch(new TransportContext()
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
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
        while (!Thread.currentThread().isInterrupted())
        {
            transport.invoke();
            node.doWork();
        }
    }
}
