package io.droplet.store.storage;

import io.droplet.test.SystemTestWatcher;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ByteRegionTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private static ByteRegion region(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new ByteRegion(1).copyFrom(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static ChronicleMap<ByteRegion, ByteRegion> persisted(final File file) throws IOException
    {
        return ByteRegion.mapBuilder()
            .name("regions")
            .entries(1000)
            .averageKeySize(8)
            .averageValueSize(64)
            .createPersistedTo(file);
    }

    @Test
    void regionsOfEveryLengthRoundTripAndReadsReuseTheCallersRegion() throws IOException
    {
        final File file = new File(watcher.dataDirectory("regions"), "regions.dat");
        final Map<String, byte[]> expected = new HashMap<>();
        try (ChronicleMap<ByteRegion, ByteRegion> map = persisted(file))
        {
            for (int length = 0; length <= 600; length += 7)
            {
                final byte[] value = new byte[length];
                Arrays.fill(value, (byte)length);
                final String key = "k" + "x".repeat(length % 13);
                expected.put(key, value);
                try (ExternalMapQueryContext<ByteRegion, ByteRegion, ?> query = map.queryContext(region(key)))
                {
                    query.writeLock().lock();
                    final ByteRegion data = new ByteRegion(length).copyFrom(new UnsafeBuffer(value), 0, length);
                    final MapEntry<ByteRegion, ByteRegion> entry = query.entry();
                    if (null == entry)
                    {
                        query.absentEntry().doInsert(query.wrapValueAsData(data));
                    }
                    else
                    {
                        entry.doReplaceValue(query.wrapValueAsData(data));
                    }
                }
            }
        }

        // Reopened: the header names the region serializers, and they read what they wrote.
        try (ChronicleMap<ByteRegion, ByteRegion> map = ByteRegion.requireRegions(persisted(file), file))
        {
            assertEquals(expected.size(), map.size());
            final ByteRegion using = new ByteRegion(1);
            for (final Map.Entry<String, byte[]> e : expected.entrySet())
            {
                assertSame(using, map.getUsing(region(e.getKey()), using), "grown in place, not replaced");
                assertArrayEquals(e.getValue(), using.toByteArray(), e.getKey());
            }
            assertNull(map.getUsing(region("k-absent"), using));
            assertNull(map.getUsing(region(""), using), "the empty key is a key like any other");
            map.forEachEntry(entry ->
                assertArrayEquals(expected.get(new String(entry.key().get().toByteArray(), StandardCharsets.UTF_8)),
                    entry.value().get().toByteArray()));
        }
    }

    @Test
    void aLengthOutsideTheArrayIsRefused()
    {
        final ByteRegion region = new ByteRegion(4);
        assertThrows(IllegalArgumentException.class, () -> region.length(5));
        assertThrows(IllegalArgumentException.class, () -> region.length(-1));
        assertEquals(4, region.length(4).length());
        assertEquals(0, region.ensureCapacity(5).length(), "growing does not keep the contents");
    }

    @Test
    void aMapOfOtherTypesIsRefusedAndClosed() throws IOException
    {
        final File file = new File(watcher.dataDirectory("regions"), "arrays.dat");
        ChronicleMap.of(byte[].class, byte[].class).entries(10).averageKeySize(8).averageValueSize(8)
            .createPersistedTo(file).close();
        final ChronicleMap<ByteRegion, ByteRegion> opened = persisted(file);
        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> ByteRegion.requireRegions(opened, file));
        assertEquals(true, ex.getMessage().contains("byte[] to byte[]"), ex.getMessage());
        assertEquals(true, opened.isClosed());
    }
}
