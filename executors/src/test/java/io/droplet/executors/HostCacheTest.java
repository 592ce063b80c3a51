package io.droplet.executors;

import io.droplet.test.SystemTestWatcher;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostCacheTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final List<HostCache> open = new ArrayList<>();

    private HostCache open(final File file)
    {
        final HostCache cache = new HostCache(file, 1000);
        open.add(cache);
        return cache;
    }

    @AfterEach
    void close()
    {
        open.forEach(HostCache::close);
    }

    private static UnsafeBuffer bytes(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A value of {@code length} bytes, each {@code fill}. */
    private static UnsafeBuffer filled(final int length, final int fill)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[length]);
        value.setMemory(0, length, (byte)fill);
        return value;
    }

    private static void put(final HostCache cache, final String key, final UnsafeBuffer value)
    {
        final UnsafeBuffer k = bytes(key);
        cache.put(k, 0, k.capacity(), value, 0, value.capacity());
    }

    private static int get(final HostCache cache, final String key, final UnsafeBuffer out)
    {
        final UnsafeBuffer k = bytes(key);
        return cache.get(k, 0, k.capacity(), out, 0);
    }

    @Test
    void whatIsPutIsGotWhereverKeyAndValueLie()
    {
        final HostCache cache = open(new File(watcher.dataDirectory("cache"), "host-cache.dat"));
        final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(8192));
        assertEquals(HostCache.MISSING, get(cache, "k", out));

        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        frame.putStringWithoutLengthAscii(3, "key");
        frame.setMemory(10, 20, (byte)7);
        cache.put(frame, 3, 3, frame, 10, 20);
        assertEquals(20, cache.get(frame, 3, 3, out, 100), "a key inside a larger buffer");
        assertEquals(filled(20, 7), new UnsafeBuffer(out, 100, 20));

        put(cache, "key", filled(5, 1));
        assertEquals(5, get(cache, "key", out), "replaced by a shorter value");
        assertEquals(filled(5, 1), new UnsafeBuffer(out, 0, 5));
        assertEquals(HostCache.MISSING, get(cache, "ke", out), "a prefix is another key");

        final String longKey = "k".repeat(300);
        put(cache, longKey, filled(5000, 9));
        assertEquals(5000, get(cache, longKey, out), "larger than the scratch regions start");
        assertEquals(filled(5000, 9), new UnsafeBuffer(out, 0, 5000));
        assertEquals(2, cache.size());

        assertEquals(HostCache.TOO_LARGE, cache.get(bytes(longKey), 0, 300, out, 8192 - 4999));
        assertEquals(5000, cache.get(bytes(longKey), 0, 300, out, 8192 - 5000));
    }

    @Test
    void anotherMappingOfTheFileSeesEveryPutWhole() throws InterruptedException
    {
        final File file = new File(watcher.dataDirectory("cache"), "host-cache.dat");
        final HostCache writer = open(file);
        final HostCache reader = open(file);
        final AtomicBoolean done = new AtomicBoolean();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        final Thread readerThread = new Thread(() ->
        {
            final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            final UnsafeBuffer key = bytes("shared");
            while (!done.get())
            {
                final int length = reader.get(key, 0, key.capacity(), out, 0);
                if (length >= 0)
                {
                    reads.incrementAndGet();
                    // Every value written is its length repeated: anything else is a torn read.
                    for (int i = 0; i < length; i++)
                    {
                        if ((out.getByte(i) & 0xFF) != length)
                        {
                            failures.add(new AssertionError("torn value of " + length + " bytes at " + i));
                            return;
                        }
                    }
                }
            }
        });
        readerThread.start();
        // Until the reader has read plenty while the writer wrote (the test's timeout bounds it).
        int lastLength = 0;
        for (int i = 0; (i < 20_000 || reads.get() < 1_000) && failures.isEmpty(); i++)
        {
            lastLength = 1 + i % 200;
            put(writer, "shared", filled(lastLength, lastLength));
        }
        done.set(true);
        readerThread.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(List.of(), failures);
        assertEquals(lastLength, get(reader, "shared", new UnsafeBuffer(new byte[256])), "the last put");
    }

    @Test
    void aCacheFileOfByteArraysIsRefusedClearly() throws IOException
    {
        final File file = new File(watcher.dataDirectory("cache"), "host-cache.dat");
        ChronicleMap.of(byte[].class, byte[].class).entries(10).averageKeySize(8).averageValueSize(8)
            .createPersistedTo(file).close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> open(file));
        assertTrue(ex.getMessage().contains("byte[] to byte[]"), ex.getMessage());
    }
}
