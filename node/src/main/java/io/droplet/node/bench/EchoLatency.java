package io.droplet.node.bench;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.TransportContext;
import io.droplet.transport.echo.EchoListener;
import io.droplet.transport.echo.EchoPair;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Measures ping/pong round trips between two nodes over real media drivers, one ping in flight,
 * with HdrHistogram: over IPC on one driver, or over UDP between two drivers on loopback. One thread
 * drives both nodes and both drivers (invoker profile), so exactly one thread spins, whatever the
 * number of cores.
 * <p>
 * <b>Note:</b> not thread-safe; one measurement at a time per instance.
 */
public final class EchoLatency implements EchoListener
{
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * One measured case.
     *
     * @param name      of the case.
     * @param histogram of round-trip times in nanoseconds.
     * @param errors    pings that ended in an error instead of a pong.
     * @param seconds   wall time of the measured part.
     */
    public record Result(String name, Histogram histogram, long errors, double seconds)
    {
    }

    private boolean answered;
    private long errors;

    /**
     * Runs one case.
     *
     * @param udp             true for UDP between two drivers, false for IPC on one.
     * @param warmup          round trips first, not recorded.
     * @param count           round trips recorded.
     * @param payloadLength   bytes of payload each way.
     * @param contextSettings applied to each transport context.
     * @return the result.
     */
    public Result measure(
        final boolean udp,
        final int warmup,
        final int count,
        final int payloadLength,
        final Consumer<TransportContext> contextSettings)
    {
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        errors = 0;
        try (EchoPair pair = new EchoPair(udp, null, null, contextSettings, this))
        {
            final long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!pair.isConnected())
            {
                pair.dutyCycle();
                if (System.nanoTime() - connectDeadline > 0)
                {
                    throw new IllegalStateException("nodes did not connect within 20 s");
                }
            }

            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, payloadLength)));
            final long timeoutNs = TimeUnit.SECONDS.toNanos(5);
            long measuredStart = 0;
            for (int i = 0; i < warmup + count; i++)
            {
                if (i == warmup)
                {
                    measuredStart = System.nanoTime();
                }
                answered = false;
                final long start = System.nanoTime();
                final long correlationId = pair.requester().ping(payload, 0, payloadLength, start + timeoutNs);
                if (correlationId < 0)
                {
                    errors++;
                    continue;
                }
                while (!answered)
                {
                    pair.dutyCycle();
                }
                final long rtt = System.nanoTime() - start;
                if (i >= warmup)
                {
                    histogram.recordValue(Math.min(rtt, HIGHEST_TRACKABLE_NS));
                }
            }
            final double seconds = (System.nanoTime() - measuredStart) / 1e9;
            return new Result((udp ? "UDP 127.0.0.1<->127.0.0.2, 2 drivers" : "IPC, 1 driver") +
                ", " + payloadLength + " B payload", histogram, errors, seconds);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onPong(final long correlationId, final long sentTimeNs, final DirectBuffer payload, final int offset, final int length)
    {
        answered = true;
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final long correlationId, final ErrorCode code)
    {
        errors++;
        answered = true;
    }

    /**
     * Prints results as a Markdown table, times in microseconds.
     *
     * @param out     to print to.
     * @param results to print.
     */
    public static void print(final PrintStream out, final List<Result> results)
    {
        out.println("| case | round trips | p50 us | p90 us | p99 us | p99.9 us | max us | round trips/s | errors |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final Result result : results)
        {
            final Histogram h = result.histogram();
            out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %d |%n",
                result.name(),
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0,
                h.getTotalCount() / result.seconds(),
                result.errors());
        }
    }
}
