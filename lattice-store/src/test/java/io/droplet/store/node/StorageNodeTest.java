package io.droplet.store.node;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.storage.LongSetMerge;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorageNodeTest
{
    private static final long NODE = StoreCluster.nodeId(0);

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private StoreCluster cluster;

    @BeforeEach
    void start()
    {
        cluster = new StoreCluster(watcher.aeronDirectory("node"), watcher.dataDirectory("node"), 1, 1,
            TimeUnit.MILLISECONDS.toNanos(100), LongSetMerge::new);
    }

    @AfterEach
    void stop()
    {
        cluster.close();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longs(final long... values)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[values.length * 8]);
        for (int i = 0; i < values.length; i++)
        {
            buffer.putLong(i * 8, values[i]);
        }
        return buffer.byteArray();
    }

    @Test
    void putMergesAndGetServes()
    {
        assertNull(cluster.get(NODE, bytes("absent")));
        assertNull(cluster.put(NODE, bytes("k"), longs(3), AckLevel.ALL));
        assertNull(cluster.put(NODE, bytes("k"), longs(1), AckLevel.ONE));
        assertArrayEquals(longs(1, 3), cluster.get(NODE, bytes("k")));
        assertEquals(2, cluster.counters[0].puts.get());
        assertEquals(2, cluster.counters[0].gets.get());
    }

    @Test
    void aValueDroppedAsCorruptReadsDataLostNotAbsentUntilWrittenAgain() throws java.io.IOException
    {
        final long marker = 0x0123456789ABCDEFL;
        assertNull(cluster.put(NODE, bytes("victim"), longs(marker), AckLevel.ALL));
        assertNull(cluster.put(NODE, bytes("bystander"), longs(42), AckLevel.ALL));
        cluster.stop(0);
        final java.io.File file = new java.io.File(cluster.dataDirs[0], io.droplet.store.storage.LatticeStore.MAP_FILE);
        final byte[] content = java.nio.file.Files.readAllBytes(file.toPath());
        final byte[] pattern = longs(marker);
        int at = -1;
        for (int i = 0; i + pattern.length <= content.length && at < 0; i++)
        {
            at = java.util.Arrays.equals(content, i, i + pattern.length, pattern, 0, pattern.length) ? i : -1;
        }
        assertTrue(at >= 0, "the value's bytes are in the file");
        content[at] ^= 0x01;
        java.nio.file.Files.write(file.toPath(), content);

        cluster.restart(0);
        final IllegalStateException lost = assertThrows(IllegalStateException.class, () -> cluster.get(NODE, bytes("victim")));
        assertTrue(lost.getMessage().contains("DATA_LOST"), lost.getMessage());
        assertEquals(1, cluster.counters[0].readsDataLost.get());
        assertArrayEquals(longs(42), cluster.get(NODE, bytes("bystander")));
        assertNull(cluster.get(NODE, bytes("never-written")), "absent is still absent");

        assertNull(cluster.put(NODE, bytes("victim"), longs(7), AckLevel.ALL));
        assertArrayEquals(longs(7), cluster.get(NODE, bytes("victim")), "written again, it is served again");
        assertEquals(0, cluster.stores[0].lostKeyCount());
    }

    @Test
    void multiGetAnswersEveryKeyInOneRoundTrip()
    {
        cluster.put(NODE, bytes("a"), longs(1), AckLevel.ONE);
        cluster.put(NODE, bytes("c"), longs(3), AckLevel.ONE);
        final long id = cluster.client.multiGet(NODE, List.of(bytes("a"), bytes("b"), bytes("c")), StoreCluster.deadline());
        cluster.awaitOutcome(id);
        final List<byte[]> entries = cluster.entries.get(id);
        assertEquals(3, entries.size());
        assertArrayEquals(longs(1), entries.get(0));
        assertNull(entries.get(1), "absent key reported as not found");
        assertArrayEquals(longs(3), entries.get(2));
        assertEquals(3, cluster.counters[0].gets.get());
    }

    @Test
    void anInvalidValueIsRefusedWithATypedErrorAndNothingIsWritten()
    {
        assertEquals(ErrorCode.INVALID_ARGUMENT, cluster.put(NODE, bytes("k"), new byte[]{ 1, 2, 3 }, AckLevel.ONE));
        assertNull(cluster.get(NODE, bytes("k")));
        assertEquals(0, cluster.stores[0].size());
    }

    @Test
    void subscribersAreSentEveryMergedChange()
    {
        final long id = cluster.client.subscribe(NODE, List.of(bytes("watched")), StoreCluster.deadline());
        cluster.awaitOutcome(id);
        cluster.put(NODE, bytes("watched"), longs(7), AckLevel.ONE);
        cluster.put(NODE, bytes("other"), longs(8), AckLevel.ONE);
        cluster.put(NODE, bytes("watched"), longs(7), AckLevel.ONE);
        cluster.put(NODE, bytes("watched"), longs(9), AckLevel.ONE);
        Await.until(cluster::dutyCycle, () -> cluster.updates.size() >= 2, Duration.ofSeconds(10), () -> "updates");
        assertEquals(2, cluster.updates.size(), "one update per change of the watched key; an unchanged merge sends none");
        assertArrayEquals(longs(7), cluster.updates.get(0));
        assertArrayEquals(longs(7, 9), cluster.updates.get(1));

        final long unsubscribe = cluster.client.unsubscribe(NODE, List.of(bytes("watched")), StoreCluster.deadline());
        cluster.awaitOutcome(unsubscribe);
        cluster.put(NODE, bytes("watched"), longs(11), AckLevel.ONE);
        cluster.put(NODE, bytes("sync"), longs(1), AckLevel.ONE);
        assertEquals(2, cluster.updates.size());
    }
}
