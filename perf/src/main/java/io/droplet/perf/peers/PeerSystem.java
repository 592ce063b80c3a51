package io.droplet.perf.peers;

/**
 * A system the end-to-end harness compares Droplet with, reduced to one job: run the composition
 * {@code square(increment(x))} (increment is {@code x + 1}, square is {@code x * x}, both on longs)
 * through its own remote-call machinery on loopback, the same two-function DAG Droplet runs.
 * <p>
 * Life cycle: {@link #start()} once, then {@link #call(long)} any number of times, then {@link #close()}.
 * <p>
 * <b>Note:</b> not thread-safe: one thread starts, calls and closes, one call in flight at a time.
 */
public interface PeerSystem extends AutoCloseable
{
    /**
     * Starts the peer's processes, servers and clients, and waits, with a deadline, until it can take calls.
     *
     * @throws PeerUnavailableException if the peer cannot run on this machine (for example not installed).
     * @throws Exception                if it fails to start or misses its deadline.
     */
    void start() throws Exception;

    /**
     * Runs {@code square(increment(x))} through the peer and waits for the result.
     *
     * @param x the argument of increment.
     * @return {@code (x + 1) * (x + 1)} as computed by the peer's remote functions.
     * @throws Exception if the call fails or misses its deadline.
     */
    long call(long x) throws Exception;

    /**
     * Stops everything {@link #start()} started (child processes included), waiting a bounded time.
     * Safe to call when start failed part way or was never called.
     */
    @Override
    void close();
}
