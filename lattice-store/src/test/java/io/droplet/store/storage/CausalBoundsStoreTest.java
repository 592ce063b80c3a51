package io.droplet.store.storage;

import io.droplet.api.lattice.Bytes;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LatticeValidator;
import io.droplet.api.lattice.SingleKeyCausalLattice;
import io.droplet.api.lattice.VectorClock;
import io.droplet.test.SystemTestWatcher;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Causal values past the validator's bounds are refused by a store with the lattice merger as too
 * large (which the storage node answers PAYLOAD_TOO_LARGE), and a put whose merge would pass them
 * leaves the stored value as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CausalBoundsStoreTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private LatticeStore store;
    private StoreCounters counters;
    private File dir;

    private LatticeStore open() throws Exception
    {
        dir = Files.createTempDirectory("droplet-causal-bounds").toFile();
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        store = LatticeStore.open(new StoreContext()
            .dataDirectory(dir)
            .entries(16)
            .averageKeySize(8)
            .averageValueSize(8 * 1024)
            .maxValueLength(256 * 1024)
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
            .counters(counters = new StoreCounters((typeId, label) -> manager.newCounter(label, typeId), "test")));
        return store;
    }

    @AfterEach
    void close()
    {
        if (null != store)
        {
            store.close();
        }
        org.agrona.IoUtil.delete(dir, true);
    }

    @Test
    void tooManyVersionsAreTooLargeAndAMergePastTheBoundLeavesTheValue() throws Exception
    {
        final LatticeStore store = open();
        final UnsafeBuffer key = new UnsafeBuffer("causal".getBytes(StandardCharsets.US_ASCII));

        final UnsafeBuffer tooMany = concurrent(0, LatticeValidator.MAX_CAUSAL_VERSIONS + 1);
        assertEquals(StoreStatus.TOO_LARGE, store.merge(key, 0, key.capacity(), tooMany, 0, tooMany.capacity()));

        final UnsafeBuffer first = concurrent(0, 40);
        final UnsafeBuffer second = concurrent(1_000, 40);
        assertEquals(StoreStatus.CHANGED, store.merge(key, 0, key.capacity(), first, 0, first.capacity()));
        // 80 concurrent versions together: the merge is refused, the stored value stays.
        assertEquals(StoreStatus.TOO_LARGE, store.merge(key, 0, key.capacity(), second, 0, second.capacity()));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256 * 1024]);
        final int length = store.get(key, 0, key.capacity(), out, 0, out.capacity());
        final byte[] stored = new byte[length];
        out.getBytes(0, stored);
        final byte[] expected = new byte[first.capacity()];
        first.getBytes(0, expected);
        assertArrayEquals(expected, stored);
        assertEquals(2, counters.tooLarge.get());
    }

    /**
     * {@code count} versions with one-entry clocks of distinct nodes from {@code firstNode}: pairwise
     * concurrent.
     */
    private static UnsafeBuffer concurrent(final int firstNode, final int count)
    {
        final List<SingleKeyCausalLattice.Version> versions = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            versions.add(new SingleKeyCausalLattice.Version(VectorClock.of(firstNode + i, 1), Bytes.EMPTY));
        }
        return new UnsafeBuffer(LatticeCodec.toBytes(SingleKeyCausalLattice.of(versions)));
    }
}
