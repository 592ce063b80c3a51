package io.droplet.store.storage;

import io.droplet.test.SystemTestWatcher;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeStoreTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final List<Throwable> reported = new CopyOnWriteArrayList<>();
    private final List<LatticeStore> open = new ArrayList<>();
    private StoreCounters counters;

    private LatticeStore open(final File dir, final long entries)
    {
        return open(dir, entries, 1 << 20);
    }

    private LatticeStore open(final File dir, final long entries, final int maxValueLength)
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        counters = new StoreCounters((typeId, label) -> manager.newCounter(label, typeId), "test");
        final LatticeStore store = LatticeStore.open(new StoreContext()
            .dataDirectory(dir)
            .entries(entries)
            .averageKeySize(16)
            .averageValueSize(64)
            .maxValueLength(maxValueLength)
            .mergeFunctionSupplier(LongSetMerge::new)
            .counters(counters)
            .errorHandler(reported::add));
        open.add(store);
        return store;
    }

    @AfterEach
    void close()
    {
        open.forEach(LatticeStore::close);
    }

    private static UnsafeBuffer key(final String key)
    {
        return new UnsafeBuffer(key.getBytes(StandardCharsets.UTF_8));
    }

    private static UnsafeBuffer longs(final long... values)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[values.length * 8]);
        for (int i = 0; i < values.length; i++)
        {
            buffer.putLong(i * 8, values[i]);
        }
        return buffer;
    }

    private static long[] read(final LatticeStore store, final String key)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[1 << 20]);
        final UnsafeBuffer k = key(key);
        final int length = store.get(k, 0, k.capacity(), out, 0, out.capacity());
        if (length < 0)
        {
            return null;
        }
        final long[] values = new long[length / 8];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = out.getLong(i * 8);
        }
        return values;
    }

    private static int merge(final LatticeStore store, final String key, final long... values)
    {
        final UnsafeBuffer k = key(key);
        final UnsafeBuffer v = longs(values);
        return store.merge(k, 0, k.capacity(), v, 0, v.capacity());
    }

    @Test
    void putIsMergeAndReportsWhetherItChanged()
    {
        final LatticeStore store = open(watcher.dataDirectory("store"), 1000);
        assertEquals(null, read(store, "k"));
        assertEquals(StoreStatus.CHANGED, merge(store, "k", 1, 5));
        assertEquals(StoreStatus.CHANGED, merge(store, "k", 3));
        assertEquals(StoreStatus.UNCHANGED, merge(store, "k", 1, 3));
        assertEquals(List.of(1L, 3L, 5L), boxed(read(store, "k")));
        assertEquals(StoreStatus.INVALID, store.merge(key("k"), 0, 1, new UnsafeBuffer(new byte[3]), 0, 3));
        assertEquals(StoreStatus.INVALID_KEY, store.merge(key("k"), 0, 0, longs(1), 0, 8));
        assertEquals(2, counters.merges.get());
    }

    @Test
    void concurrentWritersToOneKeyLoseNothing() throws InterruptedException
    {
        final LatticeStore store = open(watcher.dataDirectory("store"), 1000);
        final int threads = 4;
        final int perThread = 2_000;
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> writers = new ArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int base = t * perThread;
            final Thread writer = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < perThread; i++)
                    {
                        final int status = merge(store, "shared", base + i);
                        if (status != StoreStatus.CHANGED)
                        {
                            failures.add(new AssertionError("merge of " + (base + i) + " returned " + status));
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            });
            writers.add(writer);
            writer.start();
        }
        start.countDown();
        for (final Thread writer : writers)
        {
            writer.join(TimeUnit.SECONDS.toMillis(50));
        }
        assertEquals(List.of(), failures);
        final long[] values = read(store, "shared");
        assertEquals(threads * perThread, values.length, "every concurrent merge is in the stored value");
        for (int i = 0; i < values.length; i++)
        {
            assertEquals(i, values[i]);
        }
    }

    @Test
    void aFullStoreSaysSoClearly()
    {
        final LatticeStore store = open(watcher.dataDirectory("store"), 100);
        int status = StoreStatus.CHANGED;
        int written = 0;
        while (status == StoreStatus.CHANGED && written < 1_000_000)
        {
            status = merge(store, "key-" + written, written);
            written++;
        }
        assertEquals(StoreStatus.FULL, status, "after " + written + " keys");
        assertTrue(reported.stream().anyMatch(ex -> ex.getMessage().startsWith("store full: sized for 100 entries")),
            reported::toString);
        assertEquals(List.of(0L), boxed(read(store, "key-0")), "what was stored is still served");
    }

    @Test
    void cleanCloseLeavesMarkerAndUncleanStopIsRecovered() throws IOException
    {
        final File dir = watcher.dataDirectory("store");
        final LatticeStore first = open(dir, 1000);
        merge(first, "a", 1);
        first.close();
        assertTrue(new File(dir, LatticeStore.CLEAN_MARKER_FILE).exists());

        final LatticeStore second = open(dir, 1000);
        assertFalse(second.wasRecovered());
        assertFalse(new File(dir, LatticeStore.CLEAN_MARKER_FILE).exists(), "no marker while running");
        merge(second, "b", 2);
        second.close();

        // Same files without the marker: what an unclean stop leaves behind.
        Files.delete(new File(dir, LatticeStore.CLEAN_MARKER_FILE).toPath());
        final LatticeStore third = open(dir, 1000);
        assertTrue(third.wasRecovered());
        assertEquals(1, counters.recoveries.get());
        assertEquals(List.of(1L), boxed(read(third, "a")));
        assertEquals(List.of(2L), boxed(read(third, "b")));
    }

    @Test
    void aFileWhoseRecoveryCrashesIsSetAsideAndTheStoreStartsEmpty() throws IOException
    {
        final File dir = watcher.dataDirectory("store");
        final LatticeStore first = open(dir, 1000);
        merge(first, "a", 1);
        first.close();
        Files.delete(new File(dir, LatticeStore.CLEAN_MARKER_FILE).toPath());

        System.setProperty(StoreRecoveryProcess.CRASH_FOR_TEST_PROP_NAME, "true");
        final LatticeStore second;
        try
        {
            second = open(dir, 1000);
        }
        finally
        {
            System.clearProperty(StoreRecoveryProcess.CRASH_FOR_TEST_PROP_NAME);
        }
        assertTrue(null != second.movedAside() && second.movedAside().exists(), "the damaged file is kept aside");
        assertTrue(second.damage().contains("crashed"), second.damage());
        assertEquals(1, counters.filesMovedAside.get());
        assertEquals(0, second.size(), "started empty");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        assertTrue(second.lostUnnamed(), "every key of the file set aside was lost, none named");
        assertEquals(StoreStatus.DATA_LOST, second.get(key("a"), 0, 1, out, 0, 64), "a key it held: lost, not absent");
        assertEquals(StoreStatus.NOT_FOUND, second.get(key("z"), 0, 1, out, 0, 64), "a key it never held");
        merge(second, "b", 2);
        assertEquals(List.of(2L), boxed(read(second, "b")), "and serves");
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused()
    {
        final File dir = watcher.dataDirectory("store");
        open(dir, 1000);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> open(dir, 1000));
        assertTrue(ex.getMessage().contains("in use by another process"), ex.getMessage());
    }

    @Test
    void anEntryFailingItsChecksumIsDroppedAndReportedNeverServed() throws IOException
    {
        final File dir = watcher.dataDirectory("store");
        final LatticeStore first = open(dir, 1000);
        final long marker = 0x0123456789ABCDEFL;
        merge(first, "victim", marker);
        merge(first, "bystander", 42);
        first.close();

        flipFirstByteOf(new File(dir, LatticeStore.MAP_FILE), longs(marker).byteArray());

        final LatticeStore second = open(dir, 1000);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        // The file no longer matches the checksum of its clean close: recovered, and the entry dropped there.
        assertTrue(second.wasRecovered());
        assertEquals(StoreStatus.DATA_LOST, second.get(key("victim"), 0, 6, out, 0, 64), "lost, not absent");
        assertEquals(1, counters.droppedCorrupt.get());
        assertEquals(1, second.lostKeyCount());
        assertTrue(reported.stream().anyMatch(ex -> ex.getMessage().contains("dropped an entry as corrupt")), reported::toString);
        assertEquals(null, read(second, "victim"), "dropped, not served");
        assertEquals(List.of(42L), boxed(read(second, "bystander")));
    }

    @Test
    void aMissingWrittenKeysFileIsRebuiltFromTheStoresKeys() throws IOException
    {
        final File dir = watcher.dataDirectory("store");
        final LatticeStore first = open(dir, 1000);
        merge(first, "a", 1);
        merge(first, "b", 2);
        first.close();
        Files.delete(new File(dir, WrittenKeys.FILE).toPath());

        final LatticeStore second = open(dir, 1000);
        assertTrue(reported.stream().anyMatch(ex -> ex.getMessage().contains("written-keys file is missing: rebuilt from the 2 keys")),
            reported::toString);
        assertTrue(new File(dir, WrittenKeys.FILE).exists());
        assertEquals(List.of(1L), boxed(read(second, "a")));
    }

    @Test
    void keysThatArePrefixesOfOneAnotherAreDistinct()
    {
        final LatticeStore store = open(watcher.dataDirectory("store"), 1000);
        assertEquals(StoreStatus.CHANGED, merge(store, "key-long", 3));
        assertEquals(StoreStatus.CHANGED, merge(store, "key", 1));
        assertEquals(StoreStatus.CHANGED, merge(store, "k", 2));
        assertEquals(List.of(3L), boxed(read(store, "key-long")));
        assertEquals(List.of(1L), boxed(read(store, "key")));
        assertEquals(List.of(2L), boxed(read(store, "k")));
        assertEquals(null, read(store, "ke"));

        final UnsafeBuffer framed = new UnsafeBuffer(new byte[16]);
        framed.putBytes(5, "key".getBytes(StandardCharsets.UTF_8));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        assertEquals(8, store.get(framed, 5, 3, out, 8, 24), "a key inside a larger buffer");
        assertEquals(1L, out.getLong(8));
    }

    @Test
    void aValueLargerThanTheCallersBufferIsTooLargeAndLeftStored()
    {
        final LatticeStore store = open(watcher.dataDirectory("store"), 1000);
        merge(store, "k", 1, 2, 3);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        assertEquals(StoreStatus.TOO_LARGE, store.get(key("k"), 0, 1, out, 0, 23));
        assertEquals(24, store.get(key("k"), 0, 1, out, 0, 24));
        assertEquals(List.of(1L, 2L, 3L), boxed(read(store, "k")));
    }

    @Test
    void aMergeOverAnEntryFailingItsChecksumReplacesIt() throws IOException
    {
        final File dir = watcher.dataDirectory("store");
        final LatticeStore first = open(dir, 1000);
        final long marker = 0x0123456789ABCDEFL;
        merge(first, "victim", marker);
        first.close();

        flipFirstByteOf(new File(dir, LatticeStore.MAP_FILE), longs(marker).byteArray());

        final LatticeStore second = open(dir, 1000);
        assertEquals(StoreStatus.CHANGED, merge(second, "victim", 7));
        assertEquals(1, counters.droppedCorrupt.get());
        assertEquals(List.of(7L), boxed(read(second, "victim")), "the corrupt value is not merged in");
    }

    @Test
    void aValueStoredUnderALargerMaximumIsStillServed()
    {
        final File dir = watcher.dataDirectory("store");
        final long[] many = new long[1000];
        for (int i = 0; i < many.length; i++)
        {
            many[i] = i;
        }
        final LatticeStore first = open(dir, 1000);
        merge(first, "big", many);
        first.close();

        final LatticeStore second = open(dir, 1000, 64);
        assertEquals(1000, read(second, "big").length);
        assertEquals(1000, read(second, "big").length, "and again, from the grown scratch");
        assertEquals(StoreStatus.TOO_LARGE, merge(second, "big", 5000), "a merge larger than the maximum");
        assertEquals(1000, read(second, "big").length);
        assertEquals(0, counters.droppedCorrupt.get());
    }

    @Test
    void aFileOfByteArraysFromAnEarlierVersionIsRefusedClearly() throws IOException
    {
        for (final boolean cleanlyClosed : new boolean[]{ true, false })
        {
            final File dir = watcher.dataDirectory("store");
            final File mapFile = new File(dir, LatticeStore.MAP_FILE);
            final byte[] key = "written-as-byte-array".getBytes(StandardCharsets.UTF_8);
            try (ChronicleMap<byte[], byte[]> map = byteArrayMap(mapFile))
            {
                map.put(key, withChecksum(key, longs(11, 12).byteArray()));
            }
            if (cleanlyClosed)
            {
                Files.createFile(new File(dir, LatticeStore.CLEAN_MARKER_FILE).toPath());
            }

            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> open(dir, 1000));
            assertTrue(ex.getMessage().contains("byte[] to byte[]") && ex.getMessage().contains(mapFile.getName()),
                ex.getMessage());

            Files.move(mapFile.toPath(), new File(dir, "moved-away.dat").toPath());
            final LatticeStore store = open(dir, 1000);
            assertEquals(StoreStatus.CHANGED, merge(store, "written-as-byte-array", 13), "the directory was released");
            assertEquals(List.of(13L), boxed(read(store, "written-as-byte-array")));
        }
    }

    /** The map as the store configured it when its keys and values were {@code byte[]}. */
    private static ChronicleMap<byte[], byte[]> byteArrayMap(final File file) throws IOException
    {
        return ChronicleMap.of(byte[].class, byte[].class)
            .name("store")
            .entries(1000)
            .averageKeySize(16)
            .averageValueSize(64 + 4)
            .checksumEntries(true)
            .createPersistedTo(file);
    }

    /** The stored form: CRC32C of key and value, little-endian, then the value. */
    private static byte[] withChecksum(final byte[] key, final byte[] value)
    {
        final CRC32C crc = new CRC32C();
        crc.update(key);
        crc.update(value);
        final UnsafeBuffer stored = new UnsafeBuffer(new byte[4 + value.length]);
        stored.putInt(0, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        stored.putBytes(4, value);
        return stored.byteArray();
    }

    static void flipFirstByteOf(final File file, final byte[] pattern) throws IOException
    {
        final byte[] content = Files.readAllBytes(file.toPath());
        for (int i = 0; i + pattern.length <= content.length; i++)
        {
            boolean match = true;
            for (int j = 0; j < pattern.length && match; j++)
            {
                match = content[i + j] == pattern[j];
            }
            if (match)
            {
                try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
                {
                    raf.seek(i);
                    raf.write(content[i] ^ 0x01);
                }
                return;
            }
        }
        throw new AssertionError("value bytes not found in " + file);
    }

    private static List<Long> boxed(final long[] values)
    {
        final List<Long> list = new ArrayList<>();
        if (null != values)
        {
            for (final long value : values)
            {
                list.add(value);
            }
        }
        return list;
    }
}
