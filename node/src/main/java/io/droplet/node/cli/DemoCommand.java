package io.droplet.node.cli;

import io.droplet.api.Connection;
import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import io.droplet.node.Droplet;
import io.droplet.node.LocalContext;
import io.droplet.transport.ThreadingProfile;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code droplet demo}: starts a local node, registers {@code increment} and {@code square} and the DAG
 * {@code increment -> square}, calls it once and prints the result, then calls it many times through
 * the public client API and prints HdrHistogram latency percentiles and throughput.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the DAG increment -> square on a local node and print its latency and throughput.")
public final class DemoCommand implements java.util.concurrent.Callable<Integer>
{
    @Option(names = "--calls", description = "Measured DAG calls (default: ${DEFAULT-VALUE}).")
    private int calls = 100_000;

    @Option(names = "--warmup", description = "DAG calls before measuring (default: ${DEFAULT-VALUE}).")
    private int warmup = 50_000;

    @Option(names = "--threading", description = "invoker (default: the calling thread drives the node, one " +
        "spinning thread in all), shared or dedicated.")
    private String threading = "invoker";

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final ThreadingProfile profile = io.droplet.transport.TransportConfiguration.parseThreading(threading);
        System.out.println("Starting a local Droplet node (" + profile.name().toLowerCase(Locale.ROOT) + " profile) ...");
        try (DropletClient droplet = Droplet.local(new LocalContext().threading(profile)))
        {
            droplet.registerFunction("increment", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
            droplet.registerFunction("square", ShortFunction.of(inv ->
            {
                final long x = inv.args().readLong();
                inv.result().writeLong(x * x);
            }));
            droplet.registerDag("increment-square", List.of("increment", "square"),
                List.of(Connection.of("increment", "square")));
            System.out.println("registered functions " + droplet.listFunctions() + " and DAG increment-square");
            System.out.println("square(increment(3)) = " + droplet.callDag("increment-square", 3L));

            for (long i = 0; i < warmup; i++)
            {
                droplet.callDag("increment-square", i);
            }
            final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            final long start = System.nanoTime();
            for (long i = 0; i < calls; i++)
            {
                final long sent = System.nanoTime();
                final Object result = droplet.callDag("increment-square", i);
                histogram.recordValue(Math.min(System.nanoTime() - sent, TimeUnit.SECONDS.toNanos(10)));
                if (!Long.valueOf((i + 1) * (i + 1)).equals(result))
                {
                    throw new IllegalStateException("wrong result " + result + " for " + i);
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%n%d calls of increment -> square, one in flight, through the client API:%n", calls);
            System.out.println("| p50 us | p90 us | p99 us | p99.9 us | max us | calls/s |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |%n",
                histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(90) / 1000.0,
                histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getValueAtPercentile(99.9) / 1000.0,
                histogram.getMaxValue() / 1000.0,
                calls / seconds);
        }
        return 0;
    }
}
