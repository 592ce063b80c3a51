package io.droplet.store.storage;

import io.droplet.test.SystemTestWatcher;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WrittenKeysTest
{
    private static final int KEYS = 100_000;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final List<Throwable> reported = new CopyOnWriteArrayList<>();

    private static byte[] key(final String prefix, final int i)
    {
        return (prefix + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static ChronicleMap<ByteRegion, ByteRegion> emptyMap()
    {
        return ByteRegion.mapBuilder().entries(2_000).averageKeySize(16).averageValueSize(8).create();
    }

    private static void put(final ChronicleMap<ByteRegion, ByteRegion> map, final byte[] key)
    {
        final ByteRegion value = new ByteRegion(8).copyFrom(new UnsafeBuffer(new byte[8]), 0, 8);
        map.put(new ByteRegion(key.length).copyFrom(new UnsafeBuffer(key), 0, key.length), value);
    }

    @Test
    void theHashIsTheSameInEveryJvm()
    {
        // Values of FNV-1a 64 then fmix64 computed outside Java: a change of the hash would orphan every file.
        assertEquals(0xEFD01F60BA992926L, WrittenKeys.hash(new byte[0], 0));
        assertEquals(0x82A2A958A9BECE5BL, WrittenKeys.hash("a".getBytes(StandardCharsets.US_ASCII), 1));
        assertEquals(0x18137AD031DB6589L, WrittenKeys.hash("key-0".getBytes(StandardCharsets.US_ASCII), 5));
        final byte[] framed = "user:42 and more".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x998817BEE6718248L, WrittenKeys.hash(framed, 7), "only the key's length counts");
    }

    @Test
    void isSizedAtAboutTenBitsAnEntryInAPowerOfTwoOfAtLeast64KiB()
    {
        assertEquals(64L * 1024 * 8, WrittenKeys.bitsFor(1));
        assertEquals(64L * 1024 * 8, WrittenKeys.bitsFor(20_000));
        assertEquals(1L << 20, WrittenKeys.bitsFor(100_000));
        assertEquals(1L << 24, WrittenKeys.bitsFor(1_000_000));
        assertEquals(1L << 20, WrittenKeys.bitsFor(104_857), "1,048,570 bits wanted: rounded up");
        assertEquals(1L << 21, WrittenKeys.bitsFor(104_858), "1,048,580 bits wanted: rounded up, never down");
        assertEquals(WrittenKeys.MAX_BITS, WrittenKeys.bitsFor(Long.MAX_VALUE / 16));
    }

    @Test
    void neverForgetsAKeyAndRarelyClaimsOneNeverAdded() throws IOException
    {
        try (ChronicleMap<ByteRegion, ByteRegion> map = emptyMap();
            WrittenKeys keys = WrittenKeys.open(watcher.dataDirectory("filter"), KEYS, map, reported::add))
        {
            for (int i = 0; i < KEYS; i++)
            {
                final byte[] key = key("written-", i);
                keys.add(key, key.length);
            }
            for (int i = 0; i < KEYS; i++)
            {
                final byte[] key = key("written-", i);
                assertTrue(keys.mayContain(key, key.length), "no false negative: written-" + i);
            }
            int falsePositives = 0;
            for (int i = 0; i < KEYS; i++)
            {
                final byte[] key = key("never-", i);
                falsePositives += keys.mayContain(key, key.length) ? 1 : 0;
            }
            final double rate = (double)falsePositives / KEYS;
            System.out.printf("WrittenKeys: %d keys in %d bits, false positives %d of %d never added (%.3f %%)%n",
                KEYS, keys.bitCount(), falsePositives, KEYS, 100 * rate);
            assertTrue(rate < 0.02, "false-positive rate " + rate);
            assertTrue(falsePositives > 0, "a filter of this size has some: a rate of 0 would mean it was not asked");
        }
        assertEquals(List.of(), reported, "a new filter for an empty store is nothing to report");
    }

    @Test
    void concurrentAddersLoseNoBit() throws Exception
    {
        try (ChronicleMap<ByteRegion, ByteRegion> map = emptyMap();
            WrittenKeys keys = WrittenKeys.open(watcher.dataDirectory("filter"), 1, map, reported::add))
        {
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++)
            {
                final String prefix = "thread-" + t + "-";
                final Thread thread = new Thread(() ->
                {
                    for (int i = 0; i < 20_000; i++)
                    {
                        final byte[] key = key(prefix, i);
                        keys.add(key, key.length);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            for (int t = 0; t < 2; t++)
            {
                for (int i = 0; i < 20_000; i++)
                {
                    final byte[] key = key("thread-" + t + "-", i);
                    assertTrue(keys.mayContain(key, key.length), "thread-" + t + "-" + i);
                }
            }
        }
    }

    @Test
    void survivesCloseAndReopenAtItsOwnSize() throws IOException
    {
        final File dir = watcher.dataDirectory("filter");
        try (ChronicleMap<ByteRegion, ByteRegion> map = emptyMap();
            WrittenKeys keys = WrittenKeys.open(dir, 100_000, map, reported::add))
        {
            for (int i = 0; i < 1_000; i++)
            {
                final byte[] key = key("kept-", i);
                keys.add(key, key.length);
            }
        }
        assertEquals(WrittenKeys.HEADER_LENGTH + (1L << 20) / 8, new File(dir, WrittenKeys.FILE).length());

        // Sized for fewer entries now: the file keeps its own size, and every bit.
        try (ChronicleMap<ByteRegion, ByteRegion> map = emptyMap();
            WrittenKeys keys = WrittenKeys.open(dir, 10, map, reported::add))
        {
            assertEquals(1L << 20, keys.bitCount());
            for (int i = 0; i < 1_000; i++)
            {
                final byte[] key = key("kept-", i);
                assertTrue(keys.mayContain(key, key.length), "kept-" + i);
            }
        }
        assertEquals(List.of(), reported);
    }

    @Test
    void aMissingFileIsRebuiltFromTheStoresKeysAndSaysSo() throws IOException
    {
        final File dir = watcher.dataDirectory("filter");
        try (ChronicleMap<ByteRegion, ByteRegion> map = emptyMap())
        {
            for (int i = 0; i < 1_000; i++)
            {
                put(map, key("stored-", i));
            }
            try (WrittenKeys keys = WrittenKeys.open(dir, 1_000, map, reported::add))
            {
                for (int i = 0; i < 1_000; i++)
                {
                    final byte[] key = key("stored-", i);
                    assertTrue(keys.mayContain(key, key.length), "rebuilt with stored-" + i);
                }
            }
        }
        assertEquals(1, reported.size(), reported::toString);
        assertTrue(reported.get(0).getMessage().contains("written-keys file is missing: rebuilt from the 1000 keys"),
            reported.get(0).getMessage());
        assertFalse(new File(dir, WrittenKeys.FILE + ".tmp").exists(), "built aside, then renamed into place");
    }

    @Test
    void aFileOfTheWrongSizeOrMagicIsRebuiltAndSaysSo() throws IOException
    {
        final File dir = watcher.dataDirectory("filter");
        final File file = new File(dir, WrittenKeys.FILE);
        final String[] damage = { "wrong size", "wrong magic" };
        for (final String kind : damage)
        {
            reported.clear();
            try (ChronicleMap<ByteRegion, ByteRegion> map = emptyMap())
            {
                put(map, key("stored-", 1));
                WrittenKeys.open(dir, 1_000, map, reported::add).close();
                reported.clear();
                try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
                {
                    if (kind.equals("wrong size"))
                    {
                        raf.setLength(raf.length() - 8);
                    }
                    else
                    {
                        raf.write(new byte[8]);
                    }
                }
                try (WrittenKeys keys = WrittenKeys.open(dir, 1_000, map, reported::add))
                {
                    final byte[] key = key("stored-", 1);
                    assertTrue(keys.mayContain(key, key.length), kind + ": rebuilt from the map");
                }
            }
            assertEquals(1, reported.size(), kind + ": " + reported);
            assertTrue(reported.get(0).getMessage().contains("rebuilt from the 1 keys"), reported.get(0).getMessage());
            assertEquals(WrittenKeys.HEADER_LENGTH + WrittenKeys.MIN_BITS / 8, file.length(), kind);
        }
    }
}
