package io.droplet.node;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.client.RemoteContext;
import io.droplet.node.cli.DropletCommand;
import io.droplet.node.functions.IncrementFunction;
import io.droplet.node.functions.SquareFunction;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.test.Await;
import io.droplet.test.JavaProcess;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code droplet local} in a process of its own serves a client in this JVM: functions registered by
 * class, a DAG, and the lattice KVS.
 */
class LocalCommandTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aClientInAnotherProcessUsesALocalNode() throws Exception
    {
        final String dir = watcher.aeronDirectory("local-command");
        final Process local = JavaProcess.start(DropletCommand.class,
            new File(watcher.dataDirectory("local-command-log"), "local.log"), "local", "--dir", dir);
        try
        {
            Await.until(() -> new File(dir, "cnc.dat").exists() || !local.isAlive(), Duration.ofSeconds(30), () -> "node started");
            assertTrue(local.isAlive());
            final DropletClient[] holder = new DropletClient[1];
            Await.until(() ->
            {
                try
                {
                    holder[0] = DropletClient.connect(new RemoteContext()
                        .aeronDirectoryName(dir)
                        .storage(Droplet.STORAGE_NODE, Droplet.STORAGE_ENDPOINT)
                        .replicationFactor(1)
                        .callTimeoutNs(TimeUnit.SECONDS.toNanos(2)));
                    return true;
                }
                catch (final RuntimeException ex)
                {
                    return false;
                }
            }, Duration.ofSeconds(60), () -> "client connected");
            try (DropletClient droplet = holder[0])
            {
                droplet.registerFunction("increment", IncrementFunction.class);
                droplet.registerFunction("square", SquareFunction.class);
                droplet.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                assertEquals(16L, droplet.callDag("pipeline", 3L));
                droplet.put("high-score", MaxLattice.of(99));
                assertEquals(MaxLattice.of(99), droplet.get("high-score"));
            }
        }
        finally
        {
            local.destroy();
            assertTrue(local.waitFor(30, TimeUnit.SECONDS), "droplet local stops on SIGTERM");
        }
    }
}
