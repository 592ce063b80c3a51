package io.droplet.soak;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.client.RemoteContext;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Square;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DRIVER-RESTART: the host's media driver process is killed with SIGKILL while a client runs DAG calls
 * against node processes. The client and the nodes notice within the driver timeout (2 s here) and say
 * so; every call in flight ends with a result or a typed error; while the driver is gone calls fail at
 * once with NOT_CONNECTED; when a new driver starts in the same directory, nodes and client reconnect by
 * themselves and calls succeed again (the registry comes back from the store).
 */
class DriverRestartTest
{
    private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everythingReconnectsAfterTheDriverRestarts() throws Exception
    {
        final List<String> timeout = List.of("-Ddroplet.driver.timeout=" + DRIVER_TIMEOUT.toMillis() + "ms");
        try (Deployment deployment = new Deployment(watcher, "driver-restart"))
        {
            deployment.driver(List.of());
            deployment.node("core", timeout, "--roles", "storage,scheduler", "--data",
                new File(deployment.logs(), "storage-data").getPath());
            deployment.node("executor", timeout, "--roles", "executor");
            final DropletClient[] holder = { Deployment.connect(() -> new RemoteContext()
                .aeronDirectoryName(deployment.dir())
                .storage(20, Deployment.STORAGE)
                .replicationFactor(1)
                .driverTimeoutNs(DRIVER_TIMEOUT.toNanos())
                .callTimeoutNs(TimeUnit.SECONDS.toNanos(5)), Duration.ofSeconds(60)) };
            try (DropletClient client = holder[0])
            {
                client.registerFunction("increment", Increment.class);
                client.registerFunction("square", Square.class);
                client.registerDag("dag", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                Await.until(() -> served(client), Duration.ofSeconds(60), () -> "served");
                final LatencyProbe before = LatencyProbe.warmThenRun("DAG call", i -> client.callDag("dag", i), i -> (i + 1) * (i + 1));

                final List<CompletableFuture<Object>> calls = new ArrayList<>();
                final List<Long> expected = new ArrayList<>();
                long x = 0;
                final long loadUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() - loadUntil < 0)
                {
                    calls.add(client.callDagAsync("dag", x));
                    expected.add((x + 1) * (x + 1));
                    x++;
                    if (calls.size() % 16 == 0)
                    {
                        calls.get(calls.size() - 16).handle((v, t) -> null).get(10, TimeUnit.SECONDS);
                    }
                }
                // Calls in flight at the moment the driver dies.
                for (int i = 0; i < 32; i++, x++)
                {
                    calls.add(client.callDagAsync("dag", x));
                    expected.add((x + 1) * (x + 1));
                }
                final long killedAt = System.nanoTime();
                deployment.kill("driver");

                Await.until(() -> !client.isLinked(), Duration.ofSeconds(30), () -> "the client noticed the driver was lost");
                final double noticedAfter = (System.nanoTime() - killedAt) / 1e9;
                final DropletException refused = org.junit.jupiter.api.Assertions.assertThrows(DropletException.class,
                    () -> client.callDag("dag", 1L));
                assertEquals(ErrorCode.NOT_CONNECTED, refused.code(), "calls fail at once while the driver is gone");

                int results = 0;
                final Map<ErrorCode, Integer> errors = new EnumMap<>(ErrorCode.class);
                int unexpected = 0;
                for (int i = 0; i < calls.size(); i++)
                {
                    try
                    {
                        final Object value = calls.get(i).get(30, TimeUnit.SECONDS);
                        if (expected.get(i).equals(value))
                        {
                            results++;
                        }
                        else
                        {
                            unexpected++;
                        }
                    }
                    catch (final java.util.concurrent.ExecutionException | CompletionException ex)
                    {
                        if (ex.getCause() instanceof DropletException)
                        {
                            errors.merge(((DropletException)ex.getCause()).code(), 1, Integer::sum);
                        }
                        else
                        {
                            unexpected++;
                        }
                    }
                }

                final long restartedAt = System.nanoTime();
                deployment.restart("driver");
                Await.until(() -> served(client), Duration.ofSeconds(90), () -> "served again after the driver restarted");
                final double servedAfter = (System.nanoTime() - restartedAt) / 1e9;
                final LatencyProbe after = LatencyProbe.run("DAG call after the restart", i -> client.callDag("dag", i),
                    i -> (i + 1) * (i + 1));
                final String coreLog = java.nio.file.Files.readString(new File(deployment.logs(), "core.log").toPath());
                System.out.printf("DRIVER-RESTART calls %d: results %d, errors %s, unexpected %d; client noticed the loss after " +
                    "%.1f s (driver timeout %d s); served again %.1f s after the new driver started; %s%n", calls.size(), results,
                    errors, unexpected, noticedAfter, DRIVER_TIMEOUT.toSeconds(), servedAfter, LatencyProbe.compare(before, after));
                assertEquals(0, unexpected, "unexpected");
                assertEquals(0, after.errorCount(), "calls succeed after the restart: " + LatencyProbe.compare(before, after));
                assertEquals(calls.size(), results + errors.values().stream().mapToInt(Integer::intValue).sum(), "none lost");
                assertTrue(errors.keySet().stream().allMatch(code -> code == ErrorCode.NOT_CONNECTED || code == ErrorCode.TIMEOUT),
                    "typed: " + errors);
                assertTrue(noticedAfter < DRIVER_TIMEOUT.toSeconds() + 3, "noticed within the driver timeout: " + noticedAfter);
                assertTrue(coreLog.contains("media driver") && coreLog.contains("was lost"), "the node reported the loss");
                assertFalse(!client.isLinked());
            }
        }
    }

    private static boolean served(final DropletClient client)
    {
        try
        {
            return Long.valueOf(16).equals(client.callDag("dag", 3L));
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }
}
