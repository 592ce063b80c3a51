package io.droplet.perf.harness;

import io.droplet.client.DropletClient;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * The three ways the harness offers load to a Droplet client: one request in flight, a fixed offered
 * rate (latency from each request's intended send time), and as fast as it goes with a window of
 * requests in flight. Every result is compared with what it should be; a wrong one fails the run.
 * <p>
 * <b>Note:</b> stateless; each method is driven by its calling thread (which, in the invoker profile,
 * also does the node's work while it waits).
 */
final class Load
{
    /** Largest latency recorded: 60 s. */
    static final long HIGHEST_NS = Duration.ofSeconds(60).toNanos();
    private static final CompletableFuture<Object> NEVER = new CompletableFuture<>();
    private static final int MAX_OUTSTANDING = 8192;

    /** A request to measure: the argument in, a future of the result out. */
    @FunctionalInterface
    interface Call
    {
        CompletableFuture<Object> call(long x);
    }

    /** What a throughput run measured. */
    record Throughput(double perSecond, Histogram latencyNs)
    {
    }

    private Load()
    {
    }

    /**
     * @return a histogram for latencies in nanoseconds, 3 significant digits.
     */
    static Histogram histogram()
    {
        return new Histogram(HIGHEST_NS, 3);
    }

    /**
     * One request in flight: each latency is one round trip.
     *
     * @return latencies in nanoseconds.
     */
    static Histogram oneInFlight(
        final DropletClient client, final Call call, final LongUnaryOperator expected, final int warmup, final int count)
    {
        final Histogram histogram = histogram();
        for (int i = 0; i < warmup + count; i++)
        {
            final long x = i & 0xFFFF;
            final long start = System.nanoTime();
            final CompletableFuture<Object> future = call.call(x);
            client.await(future, Duration.ofSeconds(10));
            final long end = System.nanoTime();
            check(future, expected.applyAsLong(x));
            if (i >= warmup)
            {
                histogram.recordValue(Math.min(end - start, HIGHEST_NS));
            }
        }
        return histogram;
    }

    /**
     * A fixed offered rate for a while: request i is meant to go at {@code start + i / rate}; its latency
     * runs from that intended time to its result, so a stall is charged to every request it delays.
     *
     * @return latencies in nanoseconds, coordinated omission corrected.
     */
    static Histogram fixedRate(
        final DropletClient client, final Call call, final LongUnaryOperator expected, final double ratePerSecond,
        final Duration warmup, final Duration duration)
    {
        final Histogram histogram = new SynchronizedHistogram(HIGHEST_NS, 3);
        final AtomicLong failures = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        final long intervalNs = (long)(1e9 / ratePerSecond);
        final long start = System.nanoTime() + Duration.ofMillis(1).toNanos();
        final long measureFrom = start + warmup.toNanos();
        final long end = measureFrom + duration.toNanos();
        final ArrayDeque<CompletableFuture<Object>> outstanding = new ArrayDeque<>();
        long next = start;
        long i = 0;
        while (next - end < 0)
        {
            final long now = System.nanoTime();
            if (now - next >= 0)
            {
                final long intended = next;
                final long x = i++ & 0xFFFF;
                final long want = expected.applyAsLong(x);
                final CompletableFuture<Object> future = call.call(x);
                future.whenComplete((value, failure) ->
                {
                    final long latency = System.nanoTime() - intended;
                    if (null != failure || !(value instanceof Long) || (Long)value != want)
                    {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, null != failure ? failure.toString() : "wrong result " + value);
                    }
                    if (intended - measureFrom >= 0)
                    {
                        histogram.recordValue(Math.min(latency, HIGHEST_NS));
                    }
                });
                outstanding.addLast(future);
                next += intervalNs;
                while (!outstanding.isEmpty() && outstanding.peekFirst().isDone())
                {
                    outstanding.pollFirst();
                }
                // One duty cycle per request, so that catching up after a stall interleaves sending with the
                // node's work (in the invoker profile this thread is the node); past a bound, wait.
                client.await(outstanding.size() < MAX_OUTSTANDING ? NEVER : outstanding.peekFirst(),
                    outstanding.size() < MAX_OUTSTANDING ? Duration.ZERO : Duration.ofSeconds(1));
                continue;
            }
            client.await(NEVER, Duration.ofNanos(next - now));
        }
        drain(client, outstanding);
        if (failures.get() > 0)
        {
            throw new IllegalStateException(failures.get() + " requests failed or gave a wrong result, first: " + firstFailure.get());
        }
        return histogram;
    }

    /**
     * As fast as it goes with {@code window} requests in flight: after a warm-up, completions per second
     * over {@code duration}, and the latency of each request from its send.
     *
     * @return the rate sustained and the latencies under it.
     */
    static Throughput maxRate(
        final DropletClient client, final Call call, final LongUnaryOperator expected, final int window,
        final Duration warmup, final Duration duration)
    {
        final Histogram histogram = new SynchronizedHistogram(HIGHEST_NS, 3);
        final AtomicLong failures = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final ArrayDeque<CompletableFuture<Object>> outstanding = new ArrayDeque<>();
        final long measureFrom = System.nanoTime() + warmup.toNanos();
        final long end = measureFrom + duration.toNanos();
        long i = 0;
        long completedAtStart = -1;
        long now;
        while ((now = System.nanoTime()) - end < 0)
        {
            if (completedAtStart < 0 && now - measureFrom >= 0)
            {
                completedAtStart = completed.get();
            }
            if (outstanding.size() < window)
            {
                final long sent = now;
                final long x = i++ & 0xFFFF;
                final long want = expected.applyAsLong(x);
                final boolean measured = now - measureFrom >= 0;
                final CompletableFuture<Object> future = call.call(x);
                future.whenComplete((value, failure) ->
                {
                    completed.incrementAndGet();
                    if (null != failure || !(value instanceof Long) || (Long)value != want)
                    {
                        failures.incrementAndGet();
                    }
                    if (measured)
                    {
                        histogram.recordValue(Math.min(System.nanoTime() - sent, HIGHEST_NS));
                    }
                });
                outstanding.addLast(future);
                continue;
            }
            client.await(outstanding.peekFirst(), Duration.ofSeconds(10));
            while (!outstanding.isEmpty() && outstanding.peekFirst().isDone())
            {
                outstanding.pollFirst();
            }
        }
        final long completedInInterval = completed.get() - Math.max(0, completedAtStart);
        drain(client, outstanding);
        if (failures.get() > 0)
        {
            throw new IllegalStateException(failures.get() + " requests failed or gave a wrong result");
        }
        return new Throughput(completedInInterval * 1e9 / duration.toNanos(), histogram);
    }

    private static void drain(final DropletClient client, final ArrayDeque<CompletableFuture<Object>> outstanding)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!outstanding.isEmpty())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException(outstanding.size() + " requests still outstanding after 30 s");
            }
            client.await(outstanding.peekFirst(), Duration.ofSeconds(1));
            if (outstanding.peekFirst().isDone())
            {
                outstanding.pollFirst();
            }
        }
    }

    private static void check(final CompletableFuture<Object> future, final long expected)
    {
        if (!future.isDone())
        {
            throw new IllegalStateException("no result within 10 s");
        }
        final Object value = future.join();
        if (!(value instanceof Long) || (Long)value != expected)
        {
            throw new IllegalStateException("expected " + expected + " but got " + value);
        }
    }
}
