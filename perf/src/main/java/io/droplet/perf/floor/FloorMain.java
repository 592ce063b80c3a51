package io.droplet.perf.floor;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints the raw-Aeron floor on this machine: round-trip latency of four IPC hops on one driver and of
 * the two-host DAG path (IPC, UDP, IPC, UDP between 127.0.0.1 and 127.0.0.2), one message in flight,
 * one thread driving everything.
 * <pre>
 *   java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp perf/target/benchmarks.jar \
 *       io.droplet.perf.floor.FloorMain [ipcRoundTrips [twoHostRoundTrips]]
 * </pre>
 * <p>
 * <b>Note:</b> a program, run from its main thread.
 */
public final class FloorMain
{
    private static final int DEFAULT_IPC_ROUND_TRIPS = 100_000;
    private static final int DEFAULT_TWO_HOST_ROUND_TRIPS = 20_000;
    private static final int IPC_HOPS = 4;
    private static final double NS_PER_US = 1_000.0;

    private FloorMain()
    {
    }

    /**
     * @param args {@code [ipcRoundTrips [twoHostRoundTrips]]}, defaults 100,000 and 20,000.
     */
    public static void main(final String[] args)
    {
        final int ipcCount = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_IPC_ROUND_TRIPS;
        final int twoHostCount = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_TWO_HOST_ROUND_TRIPS;
        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "Aeron floor: %d B payload, 1 message in flight, 1 thread, drivers embedded in invoker mode%n",
            AeronChain.DEFAULT_PAYLOAD_BYTES);
        out.println("| chain | round trips | p50 us | p90 us | p99 us | p99.9 us | max us |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");

        try (AeronChain chain = AeronChain.ipc(IPC_HOPS, AeronChain.DEFAULT_PAYLOAD_BYTES))
        {
            // Warm-up as long as the run, at least 10,000: enough for the JIT to compile the path.
            print(out, IPC_HOPS + " IPC hops, 1 driver", FloorRun.measure(chain, Math.max(10_000, ipcCount), ipcCount));
        }
        try (AeronChain chain = AeronChain.twoHosts(AeronChain.DEFAULT_PAYLOAD_BYTES))
        {
            print(out, chain.path(), FloorRun.measure(chain, Math.max(10_000, twoHostCount), twoHostCount));
        }
    }

    private static void print(final PrintStream out, final String name, final Histogram h)
    {
        out.printf(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
            name,
            h.getTotalCount(),
            h.getValueAtPercentile(50) / NS_PER_US,
            h.getValueAtPercentile(90) / NS_PER_US,
            h.getValueAtPercentile(99) / NS_PER_US,
            h.getValueAtPercentile(99.9) / NS_PER_US,
            h.getMaxValue() / NS_PER_US);
    }
}
