package io.droplet.node.cli;

import io.droplet.node.bench.StoreLatency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code droplet bench store}: a storage node over IPC, measured (put and get round trips, one in
 * flight and pipelined).
 */
@Command(name = "bench-store", mixinStandardHelpOptions = true,
    description = "Measure a storage node over IPC: put (ack ONE) and get latency and throughput.")
public final class BenchCommand implements Callable<Integer>
{
    @Option(names = "--keys", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    private int keys = 10_000;

    @Option(names = "--count", description = "Operations per case (default: ${DEFAULT-VALUE}).")
    private int count = 100_000;

    @Option(names = "--value-bytes", description = "LWW payload bytes (default: ${DEFAULT-VALUE}).")
    private int valueBytes = 64;

    @Option(names = "--window", description = "Requests in flight when pipelined (default: ${DEFAULT-VALUE}).")
    private int window = 64;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        System.out.println("Droplet storage node over IPC: node, store, client and driver on one thread (invoker profile).");
        final var results = new StoreLatency().measure(keys, count, valueBytes, window);
        StoreLatency.print(System.out, results);
        return results.stream().mapToLong(StoreLatency.Result::errors).sum() == 0 ? 0 : 1;
    }
}
