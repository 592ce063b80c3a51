package io.droplet.node;

import io.droplet.api.DropletException;
import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.ThreadingProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An in-process node whose duty cycle fails does not end the JVM it is a guest in: it closes (its embedded
 * driver's directory removed, its store marked clean), its client fails every call at once with INTERNAL, and
 * the application's handler is told the cause. The shared and invoker profiles.
 */
class LocalNodeFailureTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFailedLocalNodeClosesAndItsClientFailsEveryCall() throws Exception
    {
        // Not DEDICATED here: its busy-spinning threads outnumber a small host's cores (RoleThreadsTest covers it).
        for (final ThreadingProfile profile : new ThreadingProfile[]{ ThreadingProfile.SHARED, ThreadingProfile.INVOKER })
        {
            failAndCheck(profile);
        }
    }

    private void failAndCheck(final ThreadingProfile profile) throws Exception
    {
        final String dir = watcher.aeronDirectory("local-failure-" + profile);
        final File data = watcher.dataDirectory("local-failure-data");
        final File trigger = new File(data, "fail-now");
        final List<Throwable> told = new CopyOnWriteArrayList<>();
        final DropletClient droplet;
        // Read when the node starts; tests in this JVM that start nodes meanwhile only look for a file never made.
        System.setProperty(InjectedFailure.FILE_PROP_NAME, trigger.getPath());
        try
        {
            droplet = Droplet.local(new LocalContext()
                .threading(profile)
                .aeronDirectoryName(dir)
                .dataDirectory(new File(data, "store"))
                .nodeFailureHandler((agent, cause) -> told.add(cause)));
        }
        finally
        {
            System.clearProperty(InjectedFailure.FILE_PROP_NAME);
        }
        try (droplet)
        {
            droplet.registerFunction("increment", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
            assertEquals(8L, droplet.call("increment", 7L));

            Files.write(trigger.toPath(), "oom".getBytes(StandardCharsets.US_ASCII));
            // In the invoker profile the node runs only while a call drives it.
            Await.until(() ->
            {
                if (profile == ThreadingProfile.INVOKER)
                {
                    callQuietly(droplet);
                }
                return !told.isEmpty();
            }, Duration.ofSeconds(20), () -> profile + ": the handler is told");
            assertInstanceOf(OutOfMemoryError.class, told.get(0));

            final long startNs = System.nanoTime();
            final DropletException failed = assertThrows(DropletException.class, () -> droplet.call("increment", 1L));
            assertEquals(ErrorCode.INTERNAL, failed.code(), failed.getMessage());
            assertTrue(failed.getMessage().contains("OutOfMemoryError"), failed.getMessage());
            assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(5), "failed at once, not at the deadline");
            assertFalse(new File(dir).exists(), profile + ": the embedded driver's directory is removed");
            assertTrue(new File(data, "store/clean-shutdown").exists(), profile + ": the store is marked clean");
        }
    }

    private static void callQuietly(final DropletClient droplet)
    {
        try
        {
            droplet.call("increment", 1L);
        }
        catch (final DropletException ignore)
        {
            // Failing is what is awaited.
        }
    }
}
