package io.droplet.node;

import io.aeron.CncFileDescriptor;
import io.droplet.api.DropletException;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.client.DropletClient;
import io.droplet.client.RemoteContext;
import io.droplet.node.cli.DropletCommand;
import io.droplet.node.functions.IncrementFunction;
import io.droplet.store.storage.LatticeStore;
import io.droplet.test.Await;
import io.droplet.test.JavaProcess;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.CounterDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node processes stop as a service manager needs them to: a {@code droplet node} whose duty cycle fails (an
 * {@code OutOfMemoryError} forced through the test-only hook, in a small heap) exits 70 within seconds with one
 * line naming the cause, and a node restarted on the same directories serves again (nothing recovered: the
 * failed node closed its store); SIGTERM stops {@code droplet node} and {@code droplet local} in order (exit 0,
 * no cache file or embedded driver directory left, the store marked clean so the next start recovers nothing).
 */
class NodeStopTest
{
    private static final String INJECT_PROP = "-Ddroplet.test.inject.failure.file=";

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aNodeWhoseDutyCycleFailsExitsAndARestartedNodeServesUntilSigterm() throws Exception
    {
        final String dir = watcher.aeronDirectory("fail-stop");
        final File logs = watcher.dataDirectory("fail-stop-logs");
        final File data = new File(logs, "data");
        final File cacheFile = new File(watcher.aeronDirectory("fail-stop-cache") + ".dat");
        final File trigger = new File(logs, "fail-now");
        final List<Process> processes = new ArrayList<>();
        try
        {
            processes.add(JavaProcess.start(DropletCommand.class, new File(logs, "driver.log"), "driver", "--dir", dir));
            Await.until(() -> new File(dir, "cnc.dat").exists(), Duration.ofSeconds(30), () -> "driver started");
            final File firstLog = new File(logs, "node-1.log");
            final Process first = startNode(firstLog, dir, data, cacheFile, trigger);
            processes.add(first);
            try (DropletClient droplet = connect(dir))
            {
                droplet.registerFunction("increment", IncrementFunction.class);
                awaitServing(droplet);
                droplet.put("survives", MaxLattice.of(41));
            }

            final long failedAtNs = System.nanoTime();
            Files.write(trigger.toPath(), "oom".getBytes(StandardCharsets.US_ASCII));
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the node exits after its duty cycle failed");
            System.out.printf("node exited %d ms after the injected OutOfMemoryError%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failedAtNs));
            assertEquals(70, first.exitValue());
            final String log = Files.readString(firstLog.toPath());
            assertTrue(log.contains("droplet node: fatal: java.lang.OutOfMemoryError"), log);
            assertFalse(cacheFile.exists(), "the failed node removed its cache file");

            Files.delete(trigger.toPath());
            final Process second = startNode(new File(logs, "node-2.log"), dir, data, cacheFile, trigger);
            processes.add(second);
            try (DropletClient droplet = connect(dir))
            {
                // The registry and the value live in the store the failed node closed: both are there again.
                awaitServing(droplet);
                assertEquals(MaxLattice.of(41), droplet.get("survives"));
                assertEquals(0, counter(dir, CounterDescriptor.STORE_RECOVERIES), "the failed node closed its store");
            }

            // SIGTERM: closed in order, exit 0.
            assertTrue(cacheFile.exists());
            second.destroy();
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "droplet node stops on SIGTERM");
            assertEquals(0, second.exitValue(), read(new File(logs, "node-2.log")));
            assertFalse(cacheFile.exists(), "the cache file is removed");
            assertTrue(new File(data, LatticeStore.CLEAN_MARKER_FILE).exists(), "the store is marked clean");
        }
        finally
        {
            stopAll(processes);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sigtermStopsDropletLocalInOrder() throws Exception
    {
        final String dir = watcher.aeronDirectory("local-stop");
        final File logs = watcher.dataDirectory("local-stop-logs");
        final File data = new File(logs, "data");
        for (int round = 1; round <= 2; round++)
        {
            final File log = new File(logs, "local-" + round + ".log");
            final Process local = JavaProcess.start(DropletCommand.class, log,
                "local", "--dir", dir, "--data", data.getPath());
            try
            {
                awaitRunning(local, log, "droplet local running");
                assertEquals(0, counter(dir, CounterDescriptor.STORE_RECOVERIES), "round " + round + ": nothing recovered");
                final File cacheFile = mappedCacheFile(local);
                assertTrue(cacheFile.exists());

                local.destroy();
                assertTrue(local.waitFor(30, TimeUnit.SECONDS), "droplet local stops on SIGTERM");
                assertEquals(0, local.exitValue(), Files.readString(log.toPath()));
                assertFalse(new File(dir).exists(), "the embedded driver's directory is removed");
                assertFalse(cacheFile.exists(), "the cache file is removed: " + cacheFile);
                assertTrue(new File(data, LatticeStore.CLEAN_MARKER_FILE).exists(), "the store is marked clean");
            }
            finally
            {
                stopAll(List.of(local));
            }
        }
    }

    private static Process startNode(
        final File log, final String dir, final File data, final File cacheFile, final File trigger) throws IOException
    {
        // A small heap: the node must stop, not linger, when it runs out.
        final List<String> jvmArgs = null == trigger ? List.of("-Xmx128m") : List.of("-Xmx128m", INJECT_PROP + trigger.getPath());
        return JavaProcess.start(DropletCommand.class, log, jvmArgs,
            "node", "--dir", dir, "--roles", "storage,cache,scheduler,executor", "--data", data.getPath(),
            "--cache-file", cacheFile.getPath());
    }

    private static void awaitRunning(final Process process, final File log, final String line)
    {
        Await.until(() -> !process.isAlive() || read(log).contains(line), Duration.ofSeconds(60), () -> line);
        assertTrue(process.isAlive(), read(log));
    }

    private static String read(final File log)
    {
        try
        {
            return Files.readString(log.toPath());
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    /**
     * @return the host cache file the process has mapped (its name is chosen inside the process).
     */
    private static File mappedCacheFile(final Process process) throws IOException
    {
        for (final String line : Files.readAllLines(new File("/proc/" + process.pid() + "/maps").toPath()))
        {
            final int at = line.indexOf('/');
            if (at > 0 && line.contains("droplet-cache-"))
            {
                return new File(line.substring(at).replace(" (deleted)", ""));
            }
        }
        throw new AssertionError("no cache file mapped by " + process.pid());
    }

    /**
     * @return the sum of the live counters of a type in the driver's CnC file, or -1 while there are none.
     */
    private static long counter(final String dir, final CounterDescriptor descriptor)
    {
        final File cncFile = new File(dir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.exists())
        {
            return -1;
        }
        final MappedByteBuffer cnc = IoUtil.mapExistingFile(cncFile, "cnc");
        try
        {
            final DirectBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
                CncFileDescriptor.createCountersValuesBuffer(cnc, metaData));
            final long[] sum = { -1 };
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == descriptor.typeId())
                {
                    sum[0] = Math.max(sum[0], 0) + counters.getCounterValue(counterId);
                }
            });
            return sum[0];
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }

    private static DropletClient connect(final String dir)
    {
        final DropletClient[] client = new DropletClient[1];
        Await.until(() ->
        {
            try
            {
                client[0] = DropletClient.connect(new RemoteContext()
                    .aeronDirectoryName(dir)
                    .storage(Droplet.STORAGE_NODE, Droplet.STORAGE_ENDPOINT)
                    .replicationFactor(1)
                    .callTimeoutNs(TimeUnit.SECONDS.toNanos(2)));
                return true;
            }
            catch (final DropletException ex)
            {
                return false;
            }
        }, Duration.ofSeconds(60), () -> "client connected to the scheduler");
        assertNotNull(client[0]);
        return client[0];
    }

    private static void awaitServing(final DropletClient droplet)
    {
        Await.until(() ->
        {
            try
            {
                return Long.valueOf(8).equals(droplet.call("increment", 7L));
            }
            catch (final DropletException ex)
            {
                return false;
            }
        }, Duration.ofSeconds(60), () -> "increment is served");
    }

    private static void stopAll(final List<Process> processes) throws InterruptedException
    {
        for (int i = processes.size() - 1; i >= 0; i--)
        {
            final Process process = processes.get(i);
            if (process.isAlive())
            {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS))
                {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
