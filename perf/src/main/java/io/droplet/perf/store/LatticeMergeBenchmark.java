package io.droplet.perf.store;

import io.droplet.api.lattice.Bytes;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.api.lattice.SetLattice;
import io.droplet.api.lattice.SingleKeyCausalLattice;
import io.droplet.api.lattice.VectorClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Merges of encoded lattices through {@link LatticeMerger}, as the store does them: LWW (headers
 * compared in place), two 32-element sets that overlap by half (a linear merge into the output), and
 * single-key causal values with concurrent versions (decoded, merged, re-encoded).
 * <p>
 * <b>Note:</b> JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class LatticeMergeBenchmark
{
    private final LatticeMerger merger = new LatticeMerger();
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private UnsafeBuffer lwwA;
    private UnsafeBuffer lwwB;
    private UnsafeBuffer setA;
    private UnsafeBuffer setB;
    private UnsafeBuffer causalA;
    private UnsafeBuffer causalB;

    /**
     * Encodes the inputs once.
     */
    @Setup
    public void setup()
    {
        final byte[] payload = new byte[64];
        lwwA = direct(LatticeCodec.toBytes(new LwwLattice(1_000, 1, payload)));
        lwwB = direct(LatticeCodec.toBytes(new LwwLattice(1_000, 2, payload)));

        final List<Bytes> a = new ArrayList<>();
        final List<Bytes> b = new ArrayList<>();
        for (int i = 0; i < 32; i++)
        {
            a.add(Bytes.ofUtf8("element-" + i));
            b.add(Bytes.ofUtf8("element-" + (i + 16)));
        }
        setA = direct(LatticeCodec.toBytes(SetLattice.of(a)));
        setB = direct(LatticeCodec.toBytes(SetLattice.of(b)));

        causalA = direct(LatticeCodec.toBytes(SingleKeyCausalLattice.of(
            VectorClock.of(Map.of(1L, 3L, 2L, 1L)), "from node 1".getBytes(StandardCharsets.UTF_8))));
        causalB = direct(LatticeCodec.toBytes(SingleKeyCausalLattice.of(
            VectorClock.of(Map.of(1L, 2L, 2L, 2L)), "from node 2".getBytes(StandardCharsets.UTF_8))));
    }

    private static UnsafeBuffer direct(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        buffer.putBytes(0, bytes);
        return buffer;
    }

    /**
     * @return merged length.
     */
    @Benchmark
    public int lww()
    {
        return merger.merge(lwwA, 0, lwwA.capacity(), lwwB, 0, lwwB.capacity(), out, 0, out.capacity());
    }

    /**
     * @return merged length.
     */
    @Benchmark
    public int set()
    {
        return merger.merge(setA, 0, setA.capacity(), setB, 0, setB.capacity(), out, 0, out.capacity());
    }

    /**
     * @return merged length.
     */
    @Benchmark
    public int singleKeyCausal()
    {
        return merger.merge(causalA, 0, causalA.capacity(), causalB, 0, causalB.capacity(), out, 0, out.capacity());
    }
}
