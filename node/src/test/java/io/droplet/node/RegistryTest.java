package io.droplet.node;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.client.RemoteContext;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.node.functions.IncrementFunction;
import io.droplet.node.functions.SquareFunction;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ThreadingProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry lives in the lattice KVS: with two schedulers, what a client registers through one is
 * callable, listable and deletable through the other at once (read-your-writes), and a deletion made
 * through one reaches the other's cache.
 */
class RegistryTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anySchedulerServesWhatAnotherRegistered()
    {
        final String dir = watcher.aeronDirectory("registry");
        try (DropletClient first = Droplet.local(new LocalContext()
                .aeronDirectoryName(dir)
                .threading(ThreadingProfile.SHARED)
                .schedulers(2)
                .executors(2));
            DropletClient second = DropletClient.connect(new RemoteContext()
                .aeronDirectoryName(dir)
                .clientNode(2001)
                .clientEndpoint(new Endpoint("127.0.0.1", 0, 5201))
                .scheduler(Droplet.schedulerNode(1), Droplet.schedulerEndpoint(1))
                .callTimeoutNs(TimeUnit.SECONDS.toNanos(5))))
        {
            first.registerFunction("increment", IncrementFunction.class);
            first.registerFunction("square", SquareFunction.class);
            first.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));

            // The second scheduler has never seen these registrations: it reads them from the KVS.
            assertEquals(36L, second.callDag("pipeline", 5L));
            assertEquals(16L, second.call("square", 4L));
            assertTrue(second.listFunctions().containsAll(List.of("increment", "square")), "listed through the other scheduler");
            final DropletException exists = assertThrows(DropletException.class, () ->
                second.registerDag("pipeline", List.of("increment"), List.of()));
            assertEquals(ErrorCode.DAG_ALREADY_EXISTS, exists.code());

            // A deletion through the second reaches the first, which had the DAG cached.
            second.deleteDag("pipeline");
            Await.until(() -> codeOf(() -> first.callDag("pipeline", 1L)) == ErrorCode.NO_SUCH_DAG,
                Duration.ofSeconds(10), () -> "the first scheduler saw the deletion");
            second.deleteFunction("square");
            Await.until(() -> codeOf(() -> first.call("square", 2L)) == ErrorCode.FUNCTION_NOT_FOUND,
                Duration.ofSeconds(10), () -> "the first scheduler saw the function's deletion");
            assertTrue(!first.listFunctions().contains("square"));

            // Registered again through the second, callable through the first.
            second.registerFunction("square", SquareFunction.class);
            second.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
            assertEquals(49L, first.callDag("pipeline", 6L));
            final DropletException unknown = assertThrows(DropletException.class, () -> second.call("nothing-here", 1L));
            assertEquals(ErrorCode.FUNCTION_NOT_FOUND, unknown.code());
        }
    }

    private static ErrorCode codeOf(final Runnable call)
    {
        try
        {
            call.run();
            return ErrorCode.NONE;
        }
        catch (final DropletException ex)
        {
            return ex.code();
        }
    }
}
