package io.droplet.perf.store;

import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The off-heap store on its own: get of an LWW value, and put (read, merge, write under the entry
 * lock) of a newer LWW value, over 10,000 keys in a Chronicle Map file; and put of a key the store has
 * never held ({@link #putNew}: the insert path, where a store remembers a key it holds for the first time).
 * <p>
 * <b>Note:</b> JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true" })
public class StoreBenchmark
{
    private static final int KEYS = 10_000;
    /** An LWW encoding's timestamp follows its one-byte tag (see {@code io.droplet.codecs.lattice}). */
    private static final int LWW_TIMESTAMP_OFFSET = 1;

    private File dir;
    private LatticeStore store;
    private final UnsafeBuffer[] keys = new UnsafeBuffer[KEYS];
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private int valueLength;
    private int next;
    private long timestamp = 1;

    /**
     * Opens a store in a temporary directory and fills every key.
     *
     * @throws IOException if the directory cannot be made.
     */
    @Setup
    public void setup() throws IOException
    {
        dir = Files.createTempDirectory("droplet-store-jmh").toFile();
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        store = LatticeStore.open(new StoreContext()
            .dataDirectory(dir)
            .entries(KEYS * 2L)
            .averageKeySize(12)
            .averageValueSize(96)
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
            .counters(new StoreCounters((typeId, label) -> counters.newCounter(label, typeId), "jmh")));
        valueLength = LatticeCodec.encode(new LwwLattice(timestamp, 1, new byte[64]), value, 0, value.capacity());
        for (int k = 0; k < KEYS; k++)
        {
            keys[k] = new UnsafeBuffer(("user:" + k).getBytes(StandardCharsets.US_ASCII));
            put();
        }
    }

    /**
     * Closes and deletes the store.
     */
    @TearDown
    public void tearDown()
    {
        store.close();
        IoUtil.delete(dir, true);
    }

    /**
     * @return the value's length.
     */
    @Benchmark
    public int get()
    {
        final UnsafeBuffer key = keys[next++ % KEYS];
        return store.get(key, 0, key.capacity(), out, 0, out.capacity());
    }

    /**
     * A newer timestamp each time, written into the encoding in place so that the benchmark itself
     * allocates nothing: every put changes the stored value.
     *
     * @return the store status.
     */
    @Benchmark
    public int put()
    {
        value.putLong(LWW_TIMESTAMP_OFFSET, timestamp++, ByteOrder.LITTLE_ENDIAN);
        final UnsafeBuffer key = keys[next++ % KEYS];
        return store.merge(key, 0, key.capacity(), value, 0, valueLength);
    }

    /**
     * A key the store has never held each time (insert, not update): the store's own key counter written in place
     * into a reused key buffer, so the benchmark itself allocates nothing.
     *
     * @param fresh a store opened empty for this iteration.
     * @return the store status.
     */
    @Benchmark
    public int putNew(final FreshStore fresh)
    {
        fresh.key.putLong(FreshStore.PREFIX.length, fresh.stored++, ByteOrder.LITTLE_ENDIAN);
        final int status = fresh.store.merge(fresh.key, 0, fresh.key.capacity(), value, 0, valueLength);
        if (status < 0)
        {
            fresh.refused++;
        }
        return status;
    }

    /**
     * An empty store per measurement iteration for {@link #putNew}, sized so that an iteration of a second never
     * fills it (a full store would answer fast and flatter the figure: refusals are counted and printed).
     * <p>
     * <b>Note:</b> JMH state, one instance per benchmark thread.
     */
    @State(Scope.Thread)
    public static class FreshStore
    {
        /** Keys are this prefix then an 8-byte counter (12 bytes, like {@code user:<n>}). */
        static final byte[] PREFIX = "new:".getBytes(StandardCharsets.US_ASCII);
        /** More keys than an iteration of a second inserts on any machine measured so far. */
        static final long ENTRIES = 4_000_000;

        private File dir;
        LatticeStore store;
        final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(PREFIX.length + 8));
        long stored;
        long refused;

        /**
         * Opens an empty store in a temporary directory.
         *
         * @throws IOException if the directory cannot be made.
         */
        @Setup(Level.Iteration)
        public void setup() throws IOException
        {
            dir = Files.createTempDirectory("droplet-store-new-jmh").toFile();
            final CountersManager counters = new CountersManager(
                new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
            store = LatticeStore.open(new StoreContext()
                .dataDirectory(dir)
                .entries(ENTRIES)
                .averageKeySize(PREFIX.length + 8)
                .averageValueSize(96)
                .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
                .counters(new StoreCounters((typeId, label) -> counters.newCounter(label, typeId), "jmh-new")));
            key.putBytes(0, PREFIX);
            stored = 0;
            refused = 0;
        }

        /**
         * Closes and deletes the store; says if any put was refused.
         */
        @TearDown(Level.Iteration)
        public void tearDown()
        {
            if (refused > 0)
            {
                System.out.println("putNew: " + refused + " of " + stored + " puts refused (store full?): figure invalid");
            }
            store.close();
            IoUtil.delete(dir, true);
        }
    }
}
