package io.droplet.soak;

import io.droplet.api.lattice.Lattice;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.api.DropletException;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.RandomAccessFile;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DISK-CORRUPT, with real {@code droplet node} processes: a storage node with data is killed with SIGKILL and
 * its file damaged before it starts again. Truncated, the node must end at once with a message and a non-zero
 * status (it used to be refused and then hang, ignoring SIGTERM); with bits flipped where the data is, it must
 * start (its recovery runs in a process of its own, so a crash there is not the node's) and never serve a wrong
 * value: every key reads its value, or DATA_LOST, or (if the file was set aside) nothing. The store-level
 * seeds, and replication 3's catch-up, are in lattice-store's {@code DiskCorruptTest}.
 */
class DiskCorruptNodeTest
{
    private static final int KEYS = 200;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aTruncatedFileEndsTheNodeWithAMessageAndBitFlipsNeverServeAWrongValue() throws Exception
    {
        try (Deployment deployment = new Deployment(watcher, "disk-corrupt"))
        {
            final File data = new File(deployment.logs(), "storage-data");
            deployment.driver(List.of());
            deployment.node("storage", "--roles", "storage", "--data", data.getPath());
            awaitRunning(deployment);
            deployment.kill("storage");
            final File mapFile = new File(data, "lattice-store.dat");

            // Truncated: refused, and the process ends with a non-zero status and says why.
            try (RandomAccessFile raf = new RandomAccessFile(mapFile, "rw"))
            {
                raf.setLength(raf.length() / 2);
            }
            deployment.restart("storage");
            Await.until(() -> !deployment.isAlive("storage"), Duration.ofSeconds(120),
                () -> "the node with a truncated store file exits");
            assertNotEquals(0, deployment.exitValue("storage"), "a non-zero status");
            assertTrue(deployment.logged("storage", "truncated"), "the node says the file was truncated");
            System.out.println("DISK-CORRUPT node: truncated file, exit status " + deployment.exitValue("storage"));

            // Start afresh, write, kill.
            java.nio.file.Files.delete(mapFile.toPath());
            deployment.restart("storage");
            awaitRunning(deployment);
            deployment.node("scheduler", "--roles", "scheduler");
            try (DropletClient client = deployment.client(Duration.ofSeconds(5)))
            {
                for (int i = 0; i < KEYS; i++)
                {
                    client.put("k-" + i, MaxLattice.of(1_000 + i));
                }
            }
            deployment.kill("storage");

            // Bits flipped where the data is: the node starts, and serves no wrong value.
            flipBits(mapFile, new Random(20261207L), 10);
            deployment.restart("storage");
            awaitRunning(deployment);
            int served = 0;
            int lost = 0;
            int absent = 0;
            try (DropletClient client = deployment.client(Duration.ofSeconds(5)))
            {
                for (int i = 0; i < KEYS; i++)
                {
                    try
                    {
                        final Lattice value = getPatiently(client, "k-" + i);
                        if (null == value)
                        {
                            absent++;
                            continue;
                        }
                        assertEquals(MaxLattice.of(1_000 + i), value, "k-" + i + " serves its own value");
                        served++;
                    }
                    catch (final DropletException ex)
                    {
                        assertEquals(ErrorCode.DATA_LOST, ex.code(), ex.getMessage());
                        lost++;
                    }
                }
            }
            System.out.println("DISK-CORRUPT node: 10 flipped bits: served " + served + ", DATA_LOST " + lost +
                ", absent " + absent + (deployment.logged("storage", "set aside") ? " (the file was set aside)" : ""));
            assertTrue(absent == 0 || deployment.logged("storage", "set aside") || deployment.logged("storage", "dropped"),
                "a key reads absent only after the node said it lost entries");
        }
    }

    private static void awaitRunning(final Deployment deployment)
    {
        Await.until(() -> deployment.logged("storage", "droplet node running") || !deployment.isAlive("storage"),
            Duration.ofSeconds(120), () -> "the storage node starts");
        assertTrue(deployment.isAlive("storage"), "the storage node starts");
    }

    private static Lattice getPatiently(final DropletClient client, final String key)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                return client.get(key);
            }
            catch (final DropletException ex)
            {
                if (ex.code() == ErrorCode.DATA_LOST || System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
            }
        }
    }

    private static void flipBits(final File file, final Random random, final int flips) throws Exception
    {
        final byte[] page = new byte[4096];
        final java.util.List<Long> used = new java.util.ArrayList<>();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            for (long p = 0; p * 4096 < raf.length(); p++)
            {
                raf.seek(p * 4096);
                final int read = raf.read(page);
                for (int i = 0; i < read; i++)
                {
                    if (page[i] != 0)
                    {
                        used.add(p);
                        break;
                    }
                }
            }
            for (int i = 0; i < flips; i++)
            {
                final long at = used.get(random.nextInt(used.size())) * 4096 + random.nextInt(4096);
                raf.seek(at);
                final int b = raf.read();
                raf.seek(at);
                raf.write(b ^ (1 << random.nextInt(8)));
            }
        }
    }
}
