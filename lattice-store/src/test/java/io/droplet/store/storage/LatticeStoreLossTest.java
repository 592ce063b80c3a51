package io.droplet.store.storage;

import io.droplet.test.SystemTestWatcher;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losses whose keys could not be named: an absent key the store held reads DATA_LOST, one never written
 * NOT_FOUND, and a put makes the key readable again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatticeStoreLossTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final List<Throwable> reported = new CopyOnWriteArrayList<>();
    private final List<LatticeStore> open = new ArrayList<>();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
    private StoreCounters counters;

    private LatticeStore open(final File dir)
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        counters = new StoreCounters((typeId, label) -> manager.newCounter(label, typeId), "test");
        final LatticeStore store = LatticeStore.open(new StoreContext()
            .dataDirectory(dir)
            .entries(1000)
            .averageKeySize(16)
            .averageValueSize(64)
            .maxValueLength(1024)
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

    private int get(final LatticeStore store, final String key)
    {
        final UnsafeBuffer k = key(key);
        return store.get(k, 0, k.capacity(), out, 0, out.capacity());
    }

    /** Merges one long; returns the status. */
    private static int merge(final LatticeStore store, final String key, final long value)
    {
        final UnsafeBuffer k = key(key);
        final UnsafeBuffer v = new UnsafeBuffer(new byte[8]);
        v.putLong(0, value);
        return store.merge(k, 0, k.capacity(), v, 0, 8);
    }

    private int neverWrittenReadingLost(final LatticeStore store)
    {
        int lost = 0;
        for (int i = 0; i < 1_000; i++)
        {
            final int status = get(store, "never-" + i);
            assertTrue(status == StoreStatus.NOT_FOUND || status == StoreStatus.DATA_LOST, "never-" + i + ": " + status);
            lost += status == StoreStatus.DATA_LOST ? 1 : 0;
        }
        return lost;
    }

    @Test
    void anEntryLostWithItsKeyReadsDataLostWhileAKeyNeverWrittenReadsNotFound() throws IOException
    {
        final File dir = watcher.dataDirectory("store");
        final LatticeStore first = open(dir);
        merge(first, "victim-key", 0x0123456789ABCDEFL);
        merge(first, "bystander", 42);
        first.close();

        // Damage the key's bytes, not the value's: recovery drops the entry under a key never written (the checksum
        // covers both), and the key really lost is named nowhere.
        LatticeStoreTest.flipFirstByteOf(new File(dir, LatticeStore.MAP_FILE), "victim-key".getBytes(StandardCharsets.UTF_8));

        final LatticeStore second = open(dir);
        assertTrue(second.wasRecovered() && second.droppedAtRecovery() > 0, "recovered, dropping the damaged entry");
        assertTrue(second.lostUnnamed());
        assertEquals(StoreStatus.DATA_LOST, get(second, "victim-key"), "lost, not absent");
        assertEquals(1, counters.readsLostUnnamed.get(), "known lost by the written-keys filter, not by name");
        assertEquals(0, neverWrittenReadingLost(second),
            "keys never written read NOT_FOUND (a filter of 2 keys in 64 KiB: no false positive)");
        assertEquals(8, get(second, "bystander"));
        assertEquals(42L, out.getLong(0));

        assertEquals(StoreStatus.CHANGED, merge(second, "victim-key", 7), "written again");
        assertEquals(8, get(second, "victim-key"), "and readable as before");
        assertEquals(7L, out.getLong(0));
        second.close();

        final LatticeStore third = open(dir);
        assertTrue(third.lostUnnamed(), "the unnamed loss outlives a clean close");
        assertEquals(8, get(third, "victim-key"));
        assertEquals(StoreStatus.NOT_FOUND, get(third, "never-1"));
    }

    @Test
    void aMapFileTakenAwayLeavesItsKeysReadingDataLost() throws IOException
    {
        final File dir = watcher.dataDirectory("store");
        final LatticeStore first = open(dir);
        merge(first, "held", 1);
        first.close();
        // What an operator does with a truncated file to start the node empty.
        Files.move(new File(dir, LatticeStore.MAP_FILE).toPath(), new File(dir, "moved-away.dat").toPath());

        final LatticeStore second = open(dir);
        assertEquals(0, second.size());
        assertTrue(second.lostUnnamed());
        assertTrue(reported.stream().anyMatch(ex -> ex.getMessage().contains("map file was missing")), reported::toString);
        assertEquals(StoreStatus.DATA_LOST, get(second, "held"));
        assertEquals(0, neverWrittenReadingLost(second));
        assertEquals(StoreStatus.CHANGED, merge(second, "held", 2));
        assertEquals(8, get(second, "held"));
    }

    @Test
    void aNewStoreHasNoUnnamedLossAndReadsAbsentKeysNotFound()
    {
        final LatticeStore store = open(watcher.dataDirectory("store"));
        merge(store, "k", 1);
        assertFalse(store.lostUnnamed());
        assertEquals(StoreStatus.NOT_FOUND, get(store, "absent"));
        assertEquals(0, counters.readsLostUnnamed.get());
        assertEquals(List.of(), reported);
    }
}
