package io.droplet.perf.peers;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures each peer on this machine: start it, warm it up, then time calls of
 * {@code square(increment(x))} one after another (one in flight, {@code x} counting up from 0), check
 * every result, and print one line per peer with the latency percentiles in microseconds and the calls
 * per second.
 * <pre>
 *   java -cp perf/target/benchmarks.jar io.droplet.perf.peers.PeerMain [--calls N] [--warmup N]
 *       [--peers grpc,hazelcast,dask]
 * </pre>
 * Without {@code --calls} and {@code --warmup} each peer gets counts that suit its speed (see
 * {@link #defaultCalls(String)}), so the three together finish in well under two minutes on two cores.
 * The exit status is 1 if a peer failed or answered wrongly; a peer that cannot run here (not
 * installed) is reported and skipped.
 * <p>
 * Latency is service time of a closed loop: the next call starts when the last one ends, so no
 * coordinated-omission correction applies and the rate is an outcome, not an offered load.
 * <p>
 * <b>Note:</b> a program; the static methods are stateless and may be called from any thread, one peer
 * per thread.
 */
public final class PeerMain
{
    /** Names of the peers, in the order they run. */
    public static final List<String> PEERS = List.of("grpc", "hazelcast", "dask");

    private static final double NS_PER_US = 1_000.0;

    private PeerMain()
    {
    }

    /**
     * @param args {@code [--calls N] [--warmup N] [--peers grpc,hazelcast,dask]}.
     */
    public static void main(final String[] args)
    {
        int calls = -1;
        int warmup = -1;
        List<String> peers = PEERS;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--calls":
                        calls = positive(args[i], value(args, ++i));
                        break;
                    case "--warmup":
                        warmup = positive(args[i], value(args, ++i));
                        break;
                    case "--peers":
                        peers = peers(value(args, ++i));
                        break;
                    case "-h":
                    case "--help":
                        System.out.println(usage());
                        return;
                    default:
                        throw new IllegalArgumentException("unknown option: " + args[i]);
                }
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.err.println(usage());
            System.exit(2);
        }

        System.out.println(String.format(Locale.ROOT, "%-10s %7s %9s %9s %9s %9s %9s %9s",
            "peer", "calls", "p50(us)", "p90(us)", "p99(us)", "p99.9(us)", "max(us)", "calls/s"));
        int failures = 0;
        for (final String name : peers)
        {
            if (!runAndReport(name, warmup < 0 ? defaultWarmup(name) : warmup, calls < 0 ? defaultCalls(name) : calls))
            {
                failures++;
            }
        }
        // gRPC's and Hazelcast's pools wind down on their own schedules; the results are out.
        System.exit(0 == failures ? 0 : 1);
    }

    /**
     * Times {@code calls} calls after {@code warmup} untimed ones and fails if any result is wrong.
     *
     * @param peer   started.
     * @param warmup calls before timing.
     * @param calls  timed calls.
     * @return the latency of each timed call in nanoseconds.
     * @throws IllegalStateException if a result was not {@code (x + 1) * (x + 1)}.
     * @throws Exception             if a call fails.
     */
    public static Histogram measure(final PeerSystem peer, final int warmup, final int calls) throws Exception
    {
        final PeerRun run = run(peer, warmup, calls);
        if (0 != run.mismatches())
        {
            throw new IllegalStateException(run.mismatches() + " calls returned a wrong result");
        }
        return run.latencyNs();
    }

    /**
     * Times {@code calls} calls after {@code warmup} untimed ones, counting wrong results. Dask's calls are
     * timed inside Python ({@link DaskPeer#runTimedInPython(int, int)}), where its users see them.
     *
     * @param peer   started.
     * @param warmup calls before timing.
     * @param calls  timed calls.
     * @return latencies, mismatches and elapsed time.
     * @throws Exception if a call fails.
     */
    public static PeerRun run(final PeerSystem peer, final int warmup, final int calls) throws Exception
    {
        if (peer instanceof DaskPeer dask)
        {
            return dask.runTimedInPython(warmup, calls);
        }

        long mismatches = 0;
        for (int i = 0; i < warmup; i++)
        {
            mismatches += PeerRun.expected(i) == peer.call(i) ? 0 : 1;
        }

        final Histogram histogram = PeerRun.newLatencyHistogram();
        final long beginNs = System.nanoTime();
        for (int i = 0; i < calls; i++)
        {
            final long startNs = System.nanoTime();
            final long result = peer.call(i);
            final long endNs = System.nanoTime();
            PeerRun.recordLatency(histogram, endNs - startNs);
            mismatches += PeerRun.expected(i) == result ? 0 : 1;
        }
        return new PeerRun(histogram, calls, mismatches, System.nanoTime() - beginNs);
    }

    /**
     * @param name one of {@link #PEERS}.
     * @return a new, unstarted peer.
     */
    public static PeerSystem newPeer(final String name)
    {
        switch (name)
        {
            case "grpc":
                return new GrpcPeer();
            case "hazelcast":
                return new HazelcastPeer();
            case "dask":
                return new DaskPeer();
            default:
                throw new IllegalArgumentException("unknown peer: " + name + " (known: " + PEERS + ")");
        }
    }

    /**
     * Timed calls per peer by default: about five seconds of calls each on two cores.
     *
     * @param name one of {@link #PEERS}.
     * @return the number of timed calls.
     */
    public static int defaultCalls(final String name)
    {
        switch (name)
        {
            case "grpc":
                return 20_000;
            case "hazelcast":
                return 10_000;
            default:
                return 1_000;
        }
    }

    /**
     * Warm-up calls per peer by default: enough for the JIT compiler to settle the JVM peers.
     *
     * @param name one of {@link #PEERS}.
     * @return the number of untimed calls before timing.
     */
    public static int defaultWarmup(final String name)
    {
        switch (name)
        {
            case "grpc":
                return 10_000;
            case "hazelcast":
                return 5_000;
            default:
                return 100;
        }
    }

    /**
     * @param name of the peer, first on the line.
     * @param run  to describe.
     * @return the result line of a peer: calls, p50, p90, p99, p99.9 and max in microseconds, calls/s.
     */
    public static String format(final String name, final PeerRun run)
    {
        final Histogram histogram = run.latencyNs();
        return String.format(Locale.ROOT, "%-10s %7d %9.1f %9.1f %9.1f %9.1f %9.1f %9.0f%s",
            name,
            run.calls(),
            histogram.getValueAtPercentile(50.0) / NS_PER_US,
            histogram.getValueAtPercentile(90.0) / NS_PER_US,
            histogram.getValueAtPercentile(99.0) / NS_PER_US,
            histogram.getValueAtPercentile(99.9) / NS_PER_US,
            histogram.getMaxValue() / NS_PER_US,
            run.callsPerSecond(),
            0 == run.mismatches() ? "" : "  ERROR: " + run.mismatches() + " wrong results");
    }

    private static boolean runAndReport(final String name, final int warmup, final int calls)
    {
        try (PeerSystem peer = newPeer(name))
        {
            peer.start();
            final PeerRun run = run(peer, warmup, calls);
            System.out.println(format(name, run));
            return 0 == run.mismatches();
        }
        catch (final PeerUnavailableException ex)
        {
            System.out.println(String.format(Locale.ROOT, "%-10s unavailable: %s", name, ex.getMessage()));
            return true;
        }
        catch (final Exception ex)
        {
            System.out.println(String.format(Locale.ROOT, "%-10s failed: %s", name, ex));
            ex.printStackTrace();
            return false;
        }
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int positive(final String option, final String value)
    {
        try
        {
            final int number = Integer.parseInt(value);
            if (number < ("--warmup".equals(option) ? 0 : 1))
            {
                throw new IllegalArgumentException(option + " is too small: " + value);
            }
            return number;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " needs a number, not " + value, ex);
        }
    }

    private static List<String> peers(final String value)
    {
        final List<String> peers = new ArrayList<>();
        for (final String name : value.split(","))
        {
            final String trimmed = name.trim();
            if (!PEERS.contains(trimmed))
            {
                throw new IllegalArgumentException("unknown peer: " + trimmed + " (known: " + PEERS + ")");
            }
            peers.add(trimmed);
        }
        return peers;
    }

    private static String usage()
    {
        return "usage: java -cp benchmarks.jar " + PeerMain.class.getName() +
            " [--calls N] [--warmup N] [--peers " + String.join(",", PEERS) + "]" +
            System.lineSeparator() + "defaults per peer: calls " + Arrays.toString(PEERS.stream()
            .mapToInt(PeerMain::defaultCalls).toArray()) + ", warmup " + Arrays.toString(PEERS.stream()
            .mapToInt(PeerMain::defaultWarmup).toArray()) + " for " + PEERS;
    }
}
