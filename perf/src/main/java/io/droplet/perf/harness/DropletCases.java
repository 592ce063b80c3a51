package io.droplet.perf.harness;

import io.droplet.api.Connection;
import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.value.Reference;
import io.droplet.executors.HostCache;
import io.droplet.node.Droplet;
import io.droplet.node.LocalContext;
import io.droplet.perf.report.CaseResult;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.transport.ThreadingProfile;
import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * Droplet's cases, each through the public client API of a node started with {@code Droplet.local()} in
 * the invoker profile (except the two-host case, which splits the roles over two drivers talking UDP).
 * Functions are declared short, so they run inline on the executor's agent, except in the pooled-lane
 * rows of {@code call1} and {@code dag2}, whose same functions are not and run on its worker pool.
 * <p>
 * <b>Note:</b> not thread-safe; run from the harness's thread.
 */
final class DropletCases
{
    static final String SYSTEM = "droplet";
    static final String ONE_IN_FLIGHT = "1 in flight";
    static final String POOLED_ONE_IN_FLIGHT = "1 in flight, pooled lane";
    private static final String POOLED_INCREMENT = "increment-pooled";
    private static final String POOLED_SQUARE = "square-pooled";
    private static final String POOLED_DAG2 = "dag2-pooled";
    private static final LongUnaryOperator INCREMENT_SQUARE = x -> (x + 1) * (x + 1);

    private final Budget budget;
    private final Consumer<String> progress;

    DropletCases(final Budget budget, final Consumer<String> progress)
    {
        this.budget = budget;
        this.progress = progress;
    }

    /**
     * Runs every case on one local node, then the two-host case.
     *
     * @param results where each measured case goes.
     * @return the highest 2-function DAG rate sustained, per second.
     */
    double run(final List<CaseResult> results)
    {
        double maxRate;
        try (DropletClient droplet = Droplet.local(new LocalContext().threading(ThreadingProfile.INVOKER)))
        {
            register(droplet);

            progress.accept("droplet: 1-function call, one in flight");
            final CaseResult call1 = result("call1", ONE_IN_FLIGHT, Load.oneInFlight(droplet,
                x -> droplet.callAsync("increment", x), x -> x + 1, budget.warmup(), budget.calls()), "");
            results.add(call1);
            progress.accept("droplet: 1-function call on the pooled lane, one in flight");
            results.add(pooled(call1, Load.oneInFlight(droplet, x -> droplet.callAsync(POOLED_INCREMENT, x),
                x -> x + 1, budget.warmup(), budget.shapeCalls())));

            progress.accept("droplet: 2-function DAG, one in flight");
            final Load.Call dag2 = x -> droplet.callDagAsync("dag2", x);
            final CaseResult dag2Inline = result("dag2", ONE_IN_FLIGHT,
                Load.oneInFlight(droplet, dag2, INCREMENT_SQUARE, budget.warmup(), budget.calls()), "");
            results.add(dag2Inline);
            progress.accept("droplet: 2-function DAG on the pooled lane, one in flight");
            results.add(pooled(dag2Inline, Load.oneInFlight(droplet, x -> droplet.callDagAsync(POOLED_DAG2, x),
                INCREMENT_SQUARE, budget.warmup(), budget.shapeCalls())));

            progress.accept("droplet: 2-function DAG, " + budget.window() + " in flight, as fast as it goes");
            final Load.Throughput max = Load.maxRate(droplet, dag2, INCREMENT_SQUARE, budget.window(),
                budget.rateWarmup(), budget.rateDuration());
            maxRate = max.perSecond();
            results.add(new CaseResult(SYSTEM, "dag2", "max, " + budget.window() + " in flight", max.latencyNs(), maxRate,
                "latency from each request's send"));

            progress.accept(String.format("droplet: 2-function DAG at a fixed %,.0f/s", budget.fixedRate()));
            results.add(fixed(droplet, dag2, budget.fixedRate(), "fixed"));
            final double half = Math.floor(maxRate / 2);
            progress.accept(String.format("droplet: 2-function DAG at half the highest rate, %,.0f/s", half));
            results.add(fixed(droplet, dag2, half, "50% of max"));

            progress.accept("droplet: 2-function DAG with a KVS reference argument");
            droplet.put("perf-x", MaxLattice.of(6));
            results.add(result("dag2-ref", ONE_IN_FLIGHT, Load.oneInFlight(droplet,
                x -> droplet.callDagAsync("dag2", Reference.of("perf-x")), x -> 49L, budget.warmup(), budget.shapeCalls()),
                "increment reads its argument from the host cache"));

            progress.accept("droplet: 5-stage chain");
            results.add(result("chain5", ONE_IN_FLIGHT, Load.oneInFlight(droplet, x -> droplet.callDagAsync("chain5", x),
                x -> (x + 4) * (x + 4), budget.warmup(), budget.shapeCalls()), "increment x4 -> square"));

            progress.accept("droplet: fan-out/fan-in 1 -> 4 -> 1");
            results.add(result("fan-1-4-1", ONE_IN_FLIGHT, Load.oneInFlight(droplet, x -> droplet.callDagAsync("fan", x),
                x -> 4 * (x + 1) * (x + 1), budget.warmup(), budget.shapeCalls()), "increment -> 4 squares -> sum"));

            progress.accept("droplet: KVS put (ack ONE) and get through the client, one in flight");
            results.add(result("kvs-put-one", ONE_IN_FLIGHT, kvsPuts(droplet), "client -> storage node over IPC"));
            results.add(result("kvs-get", ONE_IN_FLIGHT, kvsGets(droplet), "client -> storage node over IPC"));
        }

        progress.accept("droplet: host cache read (what an executor does for a reference or state().read)");
        results.add(result("kvs-cache-read", ONE_IN_FLIGHT, hostCacheReads(), "mapped-file read, in process"));

        progress.accept("droplet: 2-function DAG over two drivers talking UDP on loopback");
        try (DropletClient droplet = TwoHostNode.start())
        {
            register(droplet);
            results.add(result("dag2-udp", ONE_IN_FLIGHT, Load.oneInFlight(droplet, x -> droplet.callDagAsync("dag2", x),
                INCREMENT_SQUARE, budget.warmup(), budget.shapeCalls()), "client, scheduler on 127.0.0.1; executor on 127.0.0.2"));
        }
        return maxRate;
    }

    /**
     * A pooled-lane row beside its inline row: same case, same functions but not declared short.
     */
    private static CaseResult pooled(final CaseResult inline, final Histogram histogram)
    {
        final double deltaUs = (histogram.getValueAtPercentile(50.0) - inline.latencyNs().getValueAtPercentile(50.0)) / 1e3;
        final double seconds = histogram.getTotalCount() * histogram.getMean() / 1e9;
        return new CaseResult(SYSTEM, inline.caseName(), POOLED_ONE_IN_FLIGHT, histogram,
            seconds > 0 ? histogram.getTotalCount() / seconds : 0,
            String.format(Locale.ROOT, "the same functions not declared short, so each stage runs on the executor's worker pool; " +
                "p50 %+.2f us against inline", deltaUs));
    }

    private CaseResult fixed(final DropletClient droplet, final Load.Call call, final double rate, final String label)
    {
        final Histogram histogram = Load.fixedRate(droplet, call, INCREMENT_SQUARE, rate, budget.rateWarmup(), budget.rateDuration());
        return new CaseResult(SYSTEM, "dag2", String.format("%s %,.0f/s (CO-corrected)", label, rate), histogram, rate, "");
    }

    private static void register(final DropletClient droplet)
    {
        droplet.registerFunction("increment", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
        droplet.registerFunction("square", ShortFunction.of(inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        }));
        final List<String> names = new ArrayList<>(List.of("increment"));
        for (int i = 1; i <= 4; i++)
        {
            // A DAG names each stage by its function: four fan-out stages need four names (same code).
            droplet.registerFunction("square-" + i, ShortFunction.of(inv ->
            {
                final long x = inv.args().readLong();
                inv.result().writeLong(x * x);
            }));
            names.add("square-" + i);
        }
        droplet.registerFunction("sum", ShortFunction.of(inv ->
        {
            long sum = 0;
            for (int i = 0; i < inv.argCount(); i++)
            {
                sum += inv.args().readLong();
            }
            inv.result().writeLong(sum);
        }));
        names.add("sum");
        for (int i = 1; i <= 3; i++)
        {
            droplet.registerFunction("increment-" + i, ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
        }
        droplet.registerDag("dag2", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
        // The pooled lane's copies: the same code, not declared short, so each runs on the executor's worker pool.
        droplet.registerFunction(POOLED_INCREMENT, inv -> inv.result().writeLong(inv.args().readLong() + 1));
        droplet.registerFunction(POOLED_SQUARE, inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        });
        droplet.registerDag(POOLED_DAG2, List.of(POOLED_INCREMENT, POOLED_SQUARE),
            List.of(Connection.of(POOLED_INCREMENT, POOLED_SQUARE)));
        droplet.registerDag("chain5", List.of("increment", "increment-1", "increment-2", "increment-3", "square"), List.of(
            Connection.of("increment", "increment-1"), Connection.of("increment-1", "increment-2"),
            Connection.of("increment-2", "increment-3"), Connection.of("increment-3", "square")));
        final List<Connection> fan = new ArrayList<>();
        for (int i = 1; i <= 4; i++)
        {
            fan.add(Connection.of("increment", "square-" + i));
            fan.add(Connection.of("square-" + i, "sum"));
        }
        droplet.registerDag("fan", names, fan);
    }

    private Histogram kvsPuts(final DropletClient droplet)
    {
        final Histogram histogram = Load.histogram();
        for (int i = 0; i < budget.warmup() + budget.shapeCalls(); i++)
        {
            final long start = System.nanoTime();
            final CompletableFuture<Object> put = droplet.putAsync("perf-put-" + (i & 1023), MaxLattice.of(i), AckLevel.ONE);
            droplet.await(put, java.time.Duration.ofSeconds(10));
            final long end = System.nanoTime();
            put.join();
            if (i >= budget.warmup())
            {
                histogram.recordValue(end - start);
            }
        }
        return histogram;
    }

    private Histogram kvsGets(final DropletClient droplet)
    {
        final Histogram histogram = Load.histogram();
        for (int i = 0; i < budget.warmup() + budget.shapeCalls(); i++)
        {
            final long start = System.nanoTime();
            final CompletableFuture<Object> get = droplet.getAsync("perf-put-" + (i & 1023));
            droplet.await(get, java.time.Duration.ofSeconds(10));
            final long end = System.nanoTime();
            if (!(get.join() instanceof MaxLattice))
            {
                throw new IllegalStateException("expected a MAX lattice, got " + get.join());
            }
            if (i >= budget.warmup())
            {
                histogram.recordValue(end - start);
            }
        }
        return histogram;
    }

    private Histogram hostCacheReads()
    {
        final File shm = new File("/dev/shm");
        final File file = new File(shm.isDirectory() ? shm.getPath() : IoUtil.tmpDirName(),
            "droplet-perf-cache-" + ProcessHandle.current().pid() + ".dat");
        final Histogram histogram = Load.histogram();
        try (HostCache cache = new HostCache(file, 10_000))
        {
            final byte[] key = "perf-cached".getBytes(StandardCharsets.UTF_8);
            final byte[] value = LatticeCodec.toBytes(MaxLattice.of(42));
            cache.put(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(value), 0, value.length);
            final UnsafeBuffer keyBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(key.length));
            keyBuffer.putBytes(0, key);
            final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            for (int i = 0; i < budget.warmup() + budget.calls(); i++)
            {
                final long start = System.nanoTime();
                final int length = cache.get(keyBuffer, 0, key.length, out, 0);
                final long end = System.nanoTime();
                if (length != value.length)
                {
                    throw new IllegalStateException("host cache read " + length + " bytes, expected " + value.length);
                }
                if (i >= budget.warmup())
                {
                    histogram.recordValue(end - start);
                }
            }
        }
        finally
        {
            IoUtil.deleteIfExists(file);
        }
        return histogram;
    }

    private static CaseResult result(final String caseName, final String mode, final Histogram histogram, final String note)
    {
        final double seconds = histogram.getTotalCount() * histogram.getMean() / 1e9;
        return new CaseResult(SYSTEM, caseName, mode, histogram, seconds > 0 ? histogram.getTotalCount() / seconds : 0, note);
    }
}
