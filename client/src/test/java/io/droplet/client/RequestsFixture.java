package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Values;
import io.droplet.transport.TransportCounters;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InFlightRequests} driven without a media driver: a recording publisher, a cached clock moved by hand,
 * and answers told through its listener methods as the adapter would.
 */
final class RequestsFixture
{
    static final long CLIENT = 1000;
    static final long SCHEDULER = RecordingPublisher.SCHEDULER;
    static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long STEP_NS = TimeUnit.MICROSECONDS.toNanos(500);

    final RecordingPublisher publisher = new RecordingPublisher();
    final TransportCounters counters = TestCounters.create();
    final CachedNanoClock clock = new CachedNanoClock();
    final ClientHandshake handshake = new ClientHandshake(CLIENT);
    final InFlightRequests requests;
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private long nextId = 1;

    RequestsFixture()
    {
        clock.update(5_000_000_000L);
        requests = new InFlightRequests(publisher, SCHEDULER, new CodecRegistry(), handshake, 64, clock.nanoTime(), counters);
    }

    long nextId()
    {
        return nextId++;
    }

    long deadline()
    {
        return clock.nanoTime() + TIMEOUT_NS;
    }

    <T extends PendingRequest> T send(final T request)
    {
        requests.send(request, clock.nanoTime());
        return request;
    }

    /**
     * Moves the clock and runs the duty cycle's retry and expiry, as the conductor does.
     */
    int advance(final long ns)
    {
        // A duty cycle at least every millisecond, as an idle agent runs: the timer wheel moves a tick per poll.
        int expired = 0;
        for (long left = ns; left > 0; left -= STEP_NS)
        {
            clock.advance(Math.min(STEP_NS, left));
            requests.retry(clock.nanoTime());
            expired += requests.expire(clock.nanoTime());
        }
        return expired;
    }

    /** Past the default deadline (the timer wheel ticks about every millisecond). */
    int pastDeadline()
    {
        return advance(TIMEOUT_NS + TimeUnit.MILLISECONDS.toNanos(5));
    }

    void result(final long correlationId, final long executor, final Object value)
    {
        final byte[] bytes = Values.toBytes(value);
        buffer.putBytes(0, bytes);
        requests.onResult(correlationId, executor, buffer, 0, bytes.length);
    }

    void error(final long correlationId, final ErrorCode code, final String detail)
    {
        final byte[] bytes = detail.getBytes(StandardCharsets.UTF_8);
        buffer.putBytes(0, bytes);
        requests.onError(correlationId, code, buffer, 0, bytes.length);
    }

    long lateAnswers()
    {
        return counters.unknownCorrelations.get();
    }

    static ErrorCode failure(final CompletableFuture<Object> future)
    {
        assertTrue(future.isCompletedExceptionally(), "failed");
        final ExecutionException ex = assertThrows(ExecutionException.class, future::get);
        return assertInstanceOf(DropletException.class, ex.getCause()).code();
    }

    static Object value(final CompletableFuture<Object> future)
    {
        assertTrue(future.isDone() && !future.isCompletedExceptionally(), "completed normally");
        return future.join();
    }
}
