package io.droplet.perf.store;

import io.droplet.api.lattice.Bytes;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LatticeValidator;
import io.droplet.api.lattice.SingleKeyCausalLattice;
import io.droplet.api.lattice.VectorClock;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The costliest causal values a store takes, sampled one operation at a time so that the percentiles
 * show: validation, merge and a put into the off-heap store (validate both sides, merge, checksum,
 * write) of a single-key causal value of {@code versions} versions, each with as many clock entries as
 * the validator's bounds allow ((versions - 1) x all clock entries at most 65,536) and the 256 KiB
 * value holds, with clocks built to defeat the shortcuts of the antichain check (the same nodes in
 * every clock, distinct counter sums, every pair concurrent only at its last entry). Two versions
 * give the largest value in bytes (262,133), 64 versions (the most allowed, 16 entries each) the most
 * pairs; 181 versions of 2 entries can be measured with {@code -p versions=181} on code without the
 * version bound. The same values are
 * measured on code without the bounds, for comparison. {@code validateIssueValue} validates the value
 * of 10,922 one-entry versions (262,133 bytes) that took a second per put before versions were bounded.
 * <p>
 * <b>Note:</b> JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
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
public class LatticeValidationBenchmark
{
    /** The store's default largest value. */
    private static final int MAX_VALUE_LENGTH = 256 * 1024;
    /** Tag and version count. */
    private static final int CAUSAL_HEADER_LENGTH = 5;
    /** A version's clock count and value length, around its clock entries. */
    private static final int VERSION_OVERHEAD = 8;
    private static final int CLOCK_ENTRY_LENGTH = 16;
    private static final int ISSUE_VERSIONS = 10_922;

    /** The validator's bound on (versions - 1) x clock entries, written out so the benchmark runs on code without it. */
    private static final int CLOCK_PRODUCT = 65_536;

    /** Versions in the value. */
    @Param({"2", "16", "64"})
    public int versions;

    private final LatticeMerger merger = new LatticeMerger();
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * MAX_VALUE_LENGTH));
    private final UnsafeBuffer key = new UnsafeBuffer("causal".getBytes(StandardCharsets.US_ASCII));
    private UnsafeBuffer stored;
    private UnsafeBuffer incoming;
    private UnsafeBuffer issueValue;
    /** Where each version's last counter sits in {@link #incoming}, bumped before each put. */
    private int[] lastCounters;
    private File dir;
    private LatticeStore store;

    /**
     * Encodes the values and opens a store holding the first of them.
     *
     * @throws IOException if the store's directory cannot be made.
     */
    @Setup
    public void setup() throws IOException
    {
        final int bySize = ((MAX_VALUE_LENGTH - CAUSAL_HEADER_LENGTH) / versions - VERSION_OVERHEAD) / CLOCK_ENTRY_LENGTH;
        final int perClock = Math.min(bySize, CLOCK_PRODUCT / ((versions - 1) * versions));
        stored = direct(LatticeCodec.toBytes(worstCase(versions, perClock, 0)));
        incoming = direct(LatticeCodec.toBytes(worstCase(versions, perClock, 1)));
        lastCounters = new int[versions];
        final int versionLength = VERSION_OVERHEAD + perClock * CLOCK_ENTRY_LENGTH;
        for (int i = 0; i < versions; i++)
        {
            lastCounters[i] = CAUSAL_HEADER_LENGTH + i * versionLength + 4 + (perClock - 1) * CLOCK_ENTRY_LENGTH + 8;
        }
        issueValue = direct(encodeIssueValue());

        dir = Files.createTempDirectory("droplet-validation-jmh").toFile();
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(new byte[256 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        store = LatticeStore.open(new StoreContext()
            .dataDirectory(dir)
            .entries(16)
            .averageKeySize(8)
            .averageValueSize(MAX_VALUE_LENGTH)
            .maxValueLength(MAX_VALUE_LENGTH)
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
            .counters(new StoreCounters((typeId, label) -> counters.newCounter(label, typeId), "jmh")));
        final int status = store.merge(key, 0, key.capacity(), stored, 0, stored.capacity());
        if (status < 0)
        {
            throw new IllegalStateException("the largest value was refused: " + status);
        }
        System.out.println("largest value: " + versions + " versions of " + perClock + " clock entries, " +
            stored.capacity() + " bytes; issue value " + issueValue.capacity() + " bytes");
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
     * Version i has counter {@code 1 + i + shift} at each of the first {@code perClock - 1} nodes and
     * {@code 1 + perClock * (count - i) + shift} at the last: every pair is concurrent, which a
     * pairwise check learns only at the last entry, and the counter sums differ.
     */
    private static SingleKeyCausalLattice worstCase(final int count, final int perClock, final int shift)
    {
        final List<SingleKeyCausalLattice.Version> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final java.util.TreeMap<Long, Long> counters = new java.util.TreeMap<>();
            for (int node = 0; node < perClock - 1; node++)
            {
                counters.put((long)node, 1L + i + shift);
            }
            counters.put((long)perClock - 1, 1L + (long)perClock * (count - i) + shift);
            list.add(new SingleKeyCausalLattice.Version(VectorClock.of(counters), Bytes.EMPTY));
        }
        return SingleKeyCausalLattice.of(list);
    }

    /**
     * The value of the issue: 10,922 versions with one-entry clocks of distinct nodes and no value,
     * encoded by hand (the versions are in order: equal counts, then node ids whose little-endian
     * bytes ascend).
     */
    private static byte[] encodeIssueValue()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(CAUSAL_HEADER_LENGTH + ISSUE_VERSIONS * 24)
            .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte)9).putInt(ISSUE_VERSIONS);
        for (int i = 0; i < ISSUE_VERSIONS; i++)
        {
            // Big-endian i as the node id's little-endian bytes ascend with i.
            buffer.putInt(1).putLong(Long.reverseBytes(i + 1L)).putLong(1).putInt(0);
        }
        return buffer.array();
    }

    private static UnsafeBuffer direct(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        buffer.putBytes(0, bytes);
        return buffer;
    }

    /**
     * @return true if the largest value is valid (it is).
     */
    @Benchmark
    public boolean validateLargest()
    {
        return LatticeValidator.isValid(stored, 0, stored.capacity());
    }

    /**
     * Every version of one side is dominated by a version of the other, so the result has as many
     * versions as each input.
     *
     * @return merged length.
     */
    @Benchmark
    public int mergeLargest()
    {
        return merger.merge(stored, 0, stored.capacity(), incoming, 0, incoming.capacity(), out, 0, out.capacity());
    }

    /**
     * A put of the largest value over the largest value: each put raises the last counter of every
     * version by one, so that it dominates the stored value and replaces it.
     *
     * @return the store status.
     */
    @Benchmark
    public int putLargest()
    {
        for (final int position : lastCounters)
        {
            incoming.putLong(position, incoming.getLong(position, ByteOrder.LITTLE_ENDIAN) + 1, ByteOrder.LITTLE_ENDIAN);
        }
        return store.merge(key, 0, key.capacity(), incoming, 0, incoming.capacity());
    }

    /**
     * @return whether the issue's value passes validation.
     */
    @Benchmark
    public boolean validateIssueValue()
    {
        return LatticeValidator.isValid(issueValue, 0, issueValue.capacity());
    }
}
