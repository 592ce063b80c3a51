package io.droplet.perf.harness;

import io.droplet.perf.floor.AeronChain;
import io.droplet.perf.floor.FloorRun;
import io.droplet.perf.peers.PeerMain;
import io.droplet.perf.peers.PeerSystem;
import io.droplet.perf.peers.PeerUnavailableException;
import io.droplet.perf.report.CaseResult;
import io.droplet.perf.report.PerfReport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./droplet perf}: Droplet's cases (inline and pooled lanes), the pooled lane's throughput as the
 * worker pool grows, the raw Aeron floor of the same hops, and the peers, in one run; prints progress and
 * the tables, and writes them, HdrHistogram logs and plots.
 * <p>
 * <b>Note:</b> a command: run once from {@link #main(String[])}.
 */
@Command(name = "perf", mixinStandardHelpOptions = true,
    description = "Measure Droplet end to end next to the raw Aeron floor and its peers (gRPC, Hazelcast, Dask).")
public final class PerfHarness implements Callable<Integer>
{
    @Option(names = "--full", description = "Longer runs (default: quick, under five minutes).")
    private boolean full;

    @Option(names = "--out", description = "Output directory (default: ${DEFAULT-VALUE}).")
    private Path out = Paths.get("target", "perf");

    @Option(names = "--peers", split = ",", description = "Peers to run (default: grpc,hazelcast,dask; 'none' for none).")
    private List<String> peers = new ArrayList<>(PeerMain.PEERS);

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new PerfHarness()).execute(args));
    }

    /**
     * {@inheritDoc}
     */
    public Integer call() throws Exception
    {
        final Budget budget = full ? Budget.FULL : Budget.QUICK;
        final long start = System.nanoTime();
        final List<CaseResult> results = new ArrayList<>();
        progress("mode: " + (full ? "full" : "quick") + "; output: " + out.toAbsolutePath());

        new DropletCases(budget, PerfHarness::progress).run(results);
        final String poolScaling = PoolScaling.markdown(new PoolScaling(budget, PerfHarness::progress).run());
        floor(budget, results);
        for (final String peer : peers)
        {
            if (!peer.equals("none"))
            {
                peer(peer.trim(), budget, results);
            }
        }

        final PerfReport report = new PerfReport();
        results.forEach(report::add);
        report.addSection(poolScaling);
        final String table = report.write(out);
        System.out.println();
        System.out.println(table);
        progress(String.format("done in %.0f s; table, logs and plots in %s", (System.nanoTime() - start) / 1e9, out.toAbsolutePath()));
        return 0;
    }

    private static void floor(final Budget budget, final List<CaseResult> results) throws Exception
    {
        progress("aeron-floor: 4 one-way IPC hops, 128-byte messages, one in flight");
        try (AeronChain chain = AeronChain.ipc(4, 128))
        {
            results.add(rowOf("aeron-floor", "dag2", FloorRun.measure(chain, budget.warmup(), budget.floorCalls()),
                "4 IPC hops, as client -> scheduler -> increment -> square -> client"));
        }
        progress("aeron-floor: the two-host path (IPC, UDP, IPC, UDP)");
        try (AeronChain chain = AeronChain.twoHosts(128))
        {
            results.add(rowOf("aeron-floor", "dag2-udp", FloorRun.measure(chain, budget.warmup(), budget.floorCalls() / 2),
                "hops as the two-host DAG"));
        }
    }

    private static void peer(final String name, final Budget budget, final List<CaseResult> results)
    {
        final int calls = Math.max(100, (int)(PeerMain.defaultCalls(name) * budget.peerScale()));
        final int warmup = Math.max(10, (int)(PeerMain.defaultWarmup(name) * budget.peerScale()));
        progress(name + ": square(increment(x)), " + calls + " calls one in flight");
        try (PeerSystem peer = PeerMain.newPeer(name))
        {
            peer.start();
            results.add(rowOf(name, "dag2", PeerMain.measure(peer, warmup, calls), ""));
        }
        catch (final PeerUnavailableException ex)
        {
            progress(name + " is unavailable here and left out: " + ex.getMessage());
        }
        catch (final Exception ex)
        {
            progress(name + " failed and is left out: " + ex);
        }
    }

    private static CaseResult rowOf(final String system, final String caseName, final Histogram histogram, final String note)
    {
        final double seconds = histogram.getTotalCount() * histogram.getMean() / 1e9;
        return new CaseResult(system, caseName, DropletCases.ONE_IN_FLIGHT, histogram,
            seconds > 0 ? histogram.getTotalCount() / seconds : 0, note);
    }

    private static void progress(final String line)
    {
        System.out.printf("[perf %tT] %s%n", System.currentTimeMillis(), line);
        System.out.flush();
    }
}
