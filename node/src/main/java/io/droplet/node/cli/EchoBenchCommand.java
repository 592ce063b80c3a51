package io.droplet.node.cli;

import io.droplet.node.bench.EchoLatency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code droplet bench-echo}: the transport every Droplet hop stands on, measured: ping/pong round
 * trips over IPC on one embedded driver and over UDP between two drivers on loopback, printed as
 * HdrHistogram percentiles. The floor a DAG hop is compared with.
 */
@Command(name = "bench-echo", mixinStandardHelpOptions = true,
    description = "Measure transport round trips (IPC and UDP on loopback) and print latency percentiles.")
public final class EchoBenchCommand implements Callable<Integer>
{
    @Option(names = "--warmup", description = "Round trips before measuring (default: ${DEFAULT-VALUE}).")
    private int warmup = 50_000;

    @Option(names = "--ipc-count", description = "IPC round trips measured (default: ${DEFAULT-VALUE}).")
    private int ipcCount = 200_000;

    @Option(names = "--udp-count", description = "UDP round trips measured (default: ${DEFAULT-VALUE}).")
    private int udpCount = 100_000;

    @Option(names = "--payload", description = "Payload bytes each way (default: ${DEFAULT-VALUE}).")
    private int payload = 32;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        System.out.println("Droplet transport demo: one thread drives both nodes and their media drivers (invoker profile).");
        final EchoLatency latency = new EchoLatency();
        System.out.println("measuring IPC ...");
        final EchoLatency.Result ipc = latency.measure(false, warmup, ipcCount, payload, context -> { });
        System.out.println("measuring UDP ...");
        final EchoLatency.Result udp = latency.measure(true, warmup / 5, udpCount, payload, context -> { });
        System.out.println();
        EchoLatency.print(System.out, List.of(ipc, udp));
        return ipc.errors() + udp.errors() == 0 ? 0 : 1;
    }
}
