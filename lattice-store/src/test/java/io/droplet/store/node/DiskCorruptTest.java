package io.droplet.store.node;

import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import io.droplet.store.storage.StoreFileTruncatedException;
import io.droplet.store.storage.StoreStatus;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DISK-CORRUPT: a store process with data is killed with SIGKILL, and its file is damaged in seeded ways
 * (bit flips and a zeroed page where the data is, truncation, garbage appended) before the store opens it
 * again, in this very JVM: were Chronicle Map's recovery to crash (as it did, SIGSEGV in {@code recoverTier}),
 * the test run would die with it. Each seed must open cleanly or be refused with a clear message (a truncated
 * file), never serve a wrong value, answer DATA_LOST for the entries it dropped (every key written is served or
 * DATA_LOST, also when the damage took the key's bytes or the whole file: none reads absent), read keys never
 * written as absent (but for the written-keys filter's rare false positives), and take writes again. With
 * replication 3, a node whose file was damaged serves every acknowledged key again after catch-up.
 * <p>
 * Each damaged open runs one recovery process (a JVM that starts Chronicle Map: seconds on a busy machine),
 * so the default run takes {@code droplet.test.diskcorrupt.seeds} = 4 seeds, one per kind of damage;
 * {@code -Ddroplet.test.diskcorrupt.seeds=20} runs the acceptance's 20.
 */
class DiskCorruptTest
{
    private static final int SEEDS = Integer.getInteger("droplet.test.diskcorrupt.seeds", 4);
    private static final long FIRST_SEED = Long.getLong("droplet.test.diskcorrupt.seed", 20261207L);
    private static final int KEYS = 2_000;
    private static final int PAGE = 4096;
    private static final String[] KINDS = {"bit flips", "zeroed page", "truncated", "garbage appended"};

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    static StoreContext storeContext(final File dir, final StoreCounters counters)
    {
        return new StoreContext()
            .dataDirectory(dir)
            .entries(20_000)
            .averageKeySize(16)
            .averageValueSize(64)
            .maxValueLength(64 * 1024)
            .counters(counters)
            .name("disk-corrupt");
    }

    static byte[] key(final int i)
    {
        return ("key-" + i).getBytes(StandardCharsets.US_ASCII);
    }

    /** An LWW value whose payload names its key: a value served under another key is seen wrong at once. */
    static byte[] value(final int i)
    {
        return LatticeCodec.toBytes(new LwwLattice(1_000 + i, 7, ("value of key-" + i + " ").repeat(1 + i % 4)
            .getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aDamagedFileNeverCrashesTheJvmNeverServesAWrongValueAndReportsWhatItLost() throws Exception
    {
        final File killed = watcher.dataDirectory("killed");
        writeThenKill(killed);

        // No damage: a plain SIGKILL's recovery drops nothing and reports nothing dropped.
        final Outcome pristine = open(copyOf(killed, "pristine"));
        System.out.println("DISK-CORRUPT no damage: " + pristine);
        assertEquals(0, pristine.dropped, "a plain SIGKILL drops nothing: " + pristine);
        assertEquals(0, pristine.droppedCounter, "and counts nothing dropped: " + pristine);
        assertEquals(0, pristine.reported, "and reports no error: " + pristine);
        assertEquals(KEYS, pristine.served, "every key served: " + pristine);
        assertEquals(0, pristine.neverWrittenLost, "nothing lost, so keys never written read absent: " + pristine);

        int movedAside = 0;
        int refused = 0;
        int withLoss = 0;
        for (int s = 0; s < SEEDS; s++)
        {
            final long seed = FIRST_SEED + s;
            final Random random = new Random(seed);
            final int kind = s % KINDS.length;
            final File dir = copyOf(killed, "seed-" + seed);
            final String damage = damage(new File(dir, LatticeStore.MAP_FILE), kind, random);
            if (kind == 2)
            {
                final StoreFileTruncatedException ex = assertThrows(StoreFileTruncatedException.class, () -> open(dir),
                    "seed " + seed + ": a truncated file is refused");
                assertTrue(ex.getMessage().contains("truncated"), ex.getMessage());
                System.out.println("DISK-CORRUPT seed " + seed + " " + damage + ": refused: " + ex.getMessage());
                refused++;
                continue;
            }
            final Outcome outcome = open(dir);
            System.out.println("DISK-CORRUPT seed " + seed + " " + damage + ": " + outcome);
            assertEquals(0, outcome.wrong, "seed " + seed + ": a wrong value served: " + outcome);
            assertTrue(outcome.tookWrites, "seed " + seed + ": the store takes writes again");
            assertEquals(0, outcome.absent, "seed " + seed + ": every key written is served or DATA_LOST: " + outcome);
            assertEquals(KEYS, outcome.served + outcome.lost);
            assertTrue(outcome.neverWrittenLost <= KEYS / 100,
                "seed " + seed + ": keys never written read absent, but for the filter's false positives: " + outcome);
            if (null != outcome.movedAside)
            {
                movedAside++;
                assertTrue(outcome.movedAside.exists(), "the damaged file is kept: " + outcome.movedAside);
                assertEquals(1, outcome.movedAsideCounter);
                continue;
            }
            assertTrue(outcome.lost <= outcome.dropped, "seed " + seed + ": a key reads lost only if an entry was dropped: " + outcome);
            withLoss += outcome.dropped > 0 ? 1 : 0;
        }
        System.out.printf("DISK-CORRUPT %d seeds from %d: %d opened with entries dropped, %d set aside and started empty, " +
            "%d refused as truncated; no wrong value, no crash%n", SEEDS, FIRST_SEED, withLoss, movedAside, refused);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void withReplicationThreeADamagedNodeServesEveryAcknowledgedKeyAgainAfterCatchUp() throws Exception
    {
        final Random random = new Random(FIRST_SEED);
        final int keys = 300;
        // The first Chronicle Map of a JVM is slow to create (it compiles code): not while the cluster's
        // invoker-profile transport waits for its duty cycle.
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        LatticeStore.open(storeContext(watcher.dataDirectory("warm-up"),
            new StoreCounters((typeId, label) -> manager.newCounter(label, typeId), "warm-up"))
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)).close();
        try (StoreCluster cluster = new StoreCluster(watcher.aeronDirectory("disk-corrupt-r3"),
            watcher.dataDirectory("disk-corrupt-r3"), 3, 3, TimeUnit.MILLISECONDS.toNanos(20), () -> new LatticeMerger()::merge))
        {
            for (int i = 0; i < keys; i++)
            {
                assertNull(cluster.put(StoreCluster.nodeId(1), key(i), value(i), io.droplet.codecs.sbe.AckLevel.ALL),
                    "put " + i + " acknowledged by every replica");
            }
            cluster.stop(0);
            // What an unclean stop leaves (no marker), then damage where the data is: zeroed pages and flipped bits.
            Files.delete(new File(cluster.dataDirs[0], LatticeStore.CLEAN_MARKER_FILE).toPath());
            final File mapFile = new File(cluster.dataDirs[0], LatticeStore.MAP_FILE);
            final String damage = damage(mapFile, 1, random) + ", " + damage(mapFile, 1, random) + ", " +
                damage(mapFile, 0, random);
            cluster.restart(0);
            final LatticeStore store = cluster.stores[0];
            System.out.println("DISK-CORRUPT replication 3, node 0 " + damage + ": recovered " + store.wasRecovered() +
                ", dropped " + store.droppedAtRecovery() + ", keys lost " + store.lostKeyCount() + ", set aside " +
                store.movedAside());
            final long started = System.nanoTime();
            Await.until(cluster::dutyCycle, () -> servesAll(cluster, keys), Duration.ofSeconds(60),
                () -> "node 0 serves every acknowledged key again after catch-up");
            System.out.println("DISK-CORRUPT replication 3: node 0 caught up in " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms; keys lost now " + store.lostKeyCount());
            assertEquals(0, store.lostKeyCount(), "every lost key has its value again");
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void withReplicationThreeANodeThatLostItsWholeFileAnswersDataLostThenCatchesUpEveryKey() throws Exception
    {
        final int keys = 300;
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        LatticeStore.open(storeContext(watcher.dataDirectory("warm-up-lost"),
            new StoreCounters((typeId, label) -> manager.newCounter(label, typeId), "warm-up"))
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)).close();
        try (StoreCluster cluster = new StoreCluster(watcher.aeronDirectory("disk-lost-r3"),
            watcher.dataDirectory("disk-lost-r3"), 3, 3, TimeUnit.MILLISECONDS.toNanos(20), () -> new LatticeMerger()::merge))
        {
            for (int i = 0; i < keys; i++)
            {
                assertNull(cluster.put(StoreCluster.nodeId(1), key(i), value(i), io.droplet.codecs.sbe.AckLevel.ALL),
                    "put " + i + " acknowledged by every replica");
            }
            cluster.stop(0);
            // Damage no recovery can repair: the data file is gone (its written-keys filter is not).
            Files.delete(new File(cluster.dataDirs[0], LatticeStore.MAP_FILE).toPath());
            cluster.restart(0);
            final LatticeStore store = cluster.stores[0];
            assertTrue(store.lostUnnamed(), "the store knows it lost keys it cannot name");
            assertEquals(0, store.size(), "it starts empty");
            // Before any duty cycle (so before any catch-up): an acknowledged key reads lost, not absent.
            final UnsafeBuffer key = new UnsafeBuffer(key(7));
            assertEquals(StoreStatus.DATA_LOST, store.get(key, 0, key.capacity(), new UnsafeBuffer(new byte[4096]), 0, 4096));
            final long started = System.nanoTime();
            Await.until(cluster::dutyCycle, () -> servesAll(cluster, keys), Duration.ofSeconds(60),
                () -> "node 0 serves every acknowledged key again after catch-up");
            System.out.println("DISK-CORRUPT replication 3, node 0's file deleted: caught up all " + keys + " keys in " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        }
    }

    /**
     * @return true if node 0 holds every key's value; fails at once on a wrong one.
     */
    private static boolean servesAll(final StoreCluster cluster, final int keys)
    {
        for (int i = 0; i < keys; i++)
        {
            final byte[] stored = cluster.stored(0, key(i));
            if (null == stored)
            {
                return false;
            }
            assertTrue(Arrays.equals(value(i), stored), "node 0 serves a wrong value for key-" + i);
        }
        return true;
    }

    private static final class Outcome
    {
        int served;
        int lost;
        int absent;
        int wrong;
        long dropped;
        long droppedCounter;
        long movedAsideCounter;
        int lostKeys;
        int neverWrittenLost;
        int reported;
        File movedAside;
        boolean tookWrites;

        public String toString()
        {
            return "served " + served + ", DATA_LOST " + lost + ", absent " + absent + ", wrong " + wrong +
                ", dropped at recovery " + dropped + " (counted " + droppedCounter + "), keys known lost " + lostKeys +
                ", errors reported " + reported + ", never-written keys reading DATA_LOST " + neverWrittenLost + " of " + KEYS +
                (null != movedAside ? ", set aside as " + movedAside.getName() : "");
        }
    }

    private static Outcome open(final File dir)
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        final StoreCounters counters = new StoreCounters((typeId, label) -> manager.newCounter(label, typeId), "open");
        final List<Throwable> reported = new ArrayList<>();
        final Outcome outcome = new Outcome();
        try (LatticeStore store = LatticeStore.open(storeContext(dir, counters)
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
            .errorHandler(reported::add)))
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[64 * 1024]);
            for (int i = 0; i < KEYS; i++)
            {
                final byte[] key = key(i);
                final int length = store.get(new UnsafeBuffer(key), 0, key.length, out, 0, out.capacity());
                if (length >= 0)
                {
                    outcome.served++;
                    outcome.wrong += Arrays.equals(value(i), Arrays.copyOf(out.byteArray(), length)) ? 0 : 1;
                }
                else if (length == StoreStatus.DATA_LOST)
                {
                    outcome.lost++;
                }
                else
                {
                    assertEquals(StoreStatus.NOT_FOUND, length, "key-" + i);
                    outcome.absent++;
                }
            }
            for (int i = 0; i < KEYS; i++)
            {
                final byte[] never = ("never-written-" + i).getBytes(StandardCharsets.US_ASCII);
                final int status = store.get(new UnsafeBuffer(never), 0, never.length, out, 0, out.capacity());
                assertTrue(status == StoreStatus.NOT_FOUND || status == StoreStatus.DATA_LOST, "never-written-" + i + ": " + status);
                outcome.neverWrittenLost += status == StoreStatus.DATA_LOST ? 1 : 0;
            }
            final byte[] key = key(KEYS + 1);
            final byte[] value = value(KEYS + 1);
            store.merge(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(value), 0, value.length);
            outcome.tookWrites = store.get(new UnsafeBuffer(key), 0, key.length, out, 0, out.capacity()) == value.length;
            outcome.dropped = store.droppedAtRecovery();
            outcome.droppedCounter = counters.droppedCorrupt.get();
            outcome.movedAsideCounter = counters.filesMovedAside.get();
            outcome.lostKeys = store.lostKeyCount();
            outcome.movedAside = store.movedAside();
            outcome.reported = reported.size();
        }
        return outcome;
    }

    /**
     * Damages a map file where its data is (a page holding any non-zero byte: most of a Chronicle Map's
     * file is untouched, and damage there would prove nothing).
     *
     * @return what was done, for the log.
     */
    private static String damage(final File file, final int kind, final Random random) throws IOException
    {
        final long length = file.length();
        final List<Long> pages = usedPages(file);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            switch (kind)
            {
                case 0:
                {
                    final int flips = 1 + random.nextInt(10);
                    for (int i = 0; i < flips; i++)
                    {
                        final long at = pages.get(random.nextInt(pages.size())) * PAGE + random.nextInt(PAGE);
                        raf.seek(at);
                        final int b = raf.read();
                        raf.seek(at);
                        raf.write(b ^ (1 << random.nextInt(8)));
                    }
                    return KINDS[kind] + " (" + flips + ")";
                }
                case 1:
                {
                    final long page = pages.get(random.nextInt(pages.size()));
                    raf.seek(page * PAGE);
                    raf.write(new byte[PAGE]);
                    return KINDS[kind] + " (page " + page + " of " + (length / PAGE) + ")";
                }
                case 2:
                {
                    final long to = length / 4 + (long)(random.nextDouble() * length / 2);
                    raf.setLength(to);
                    return KINDS[kind] + " (to " + to + " of " + length + " bytes)";
                }
                default:
                {
                    final byte[] garbage = new byte[1 + random.nextInt(64 * 1024)];
                    random.nextBytes(garbage);
                    raf.seek(length);
                    raf.write(garbage);
                    return KINDS[kind] + " (" + garbage.length + " bytes)";
                }
            }
        }
    }

    private static List<Long> usedPages(final File file) throws IOException
    {
        final List<Long> pages = new ArrayList<>();
        final byte[] page = new byte[PAGE];
        try (RandomAccessFile raf = new RandomAccessFile(file, "r"))
        {
            for (long p = 0; p * PAGE < raf.length(); p++)
            {
                raf.seek(p * PAGE);
                final int read = raf.read(page);
                for (int i = 0; i < read; i++)
                {
                    if (page[i] != 0)
                    {
                        pages.add(p);
                        break;
                    }
                }
            }
        }
        assertTrue(!pages.isEmpty(), "the file holds data");
        return pages;
    }

    private File copyOf(final File from, final String name) throws IOException
    {
        final File to = watcher.dataDirectory(name);
        for (final File file : from.listFiles())
        {
            Files.copy(file.toPath(), new File(to, file.getName()).toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    private static void writeThenKill(final File dir) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-D"))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StoreWriterProcess.class.getName());
        command.add(dir.getAbsolutePath());
        command.add(Integer.toString(KEYS));
        final Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final BufferedReader output = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            final StringBuilder before = new StringBuilder();
            String line = output.readLine();
            while (null != line && !line.startsWith("WRITTEN"))
            {
                before.append(line).append('\n');
                line = output.readLine();
            }
            assertNotNull(line, "the writer did not write:\n" + before);
            assertEquals("WRITTEN " + KEYS, line);
        }
        finally
        {
            writer.destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, writer.exitValue(), "killed by SIGKILL");
    }
}
