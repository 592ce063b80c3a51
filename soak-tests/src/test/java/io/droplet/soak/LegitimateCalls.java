package io.droplet.soak;

import io.droplet.client.DropletClient;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved caller beside the attack: calls of the DAG {@code increment -> square}, 16 in flight, from a
 * thread of its own, each checked against its right value, {@code (x + 1)^2}. A call that fails, or returns
 * anything else, is counted with the first few reasons kept for the failure message.
 * <p>
 * <b>Note:</b> its counts are read from any thread; start and stop from the test's thread.
 */
final class LegitimateCalls extends Thread
{
    final AtomicLong results = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final ConcurrentLinkedQueue<String> reasons = new ConcurrentLinkedQueue<>();
    private final DropletClient client;
    private final String dag;
    private volatile boolean running = true;

    /**
     * @param client calling.
     * @param dag    name of the DAG {@code increment -> square}.
     */
    LegitimateCalls(final DropletClient client, final String dag)
    {
        super("legitimate-calls");
        this.client = client;
        this.dag = dag;
        setDaemon(true);
    }

    public void run()
    {
        final ArrayDeque<CompletableFuture<Object>> window = new ArrayDeque<>();
        final ArrayDeque<Long> expected = new ArrayDeque<>();
        long x = 0;
        while (running || !window.isEmpty())
        {
            if (running && window.size() < 16)
            {
                window.add(client.callDagAsync(dag, x));
                expected.add((x + 1) * (x + 1));
                x = (x + 1) & 0xFFFF;
                continue;
            }
            final Long want = expected.poll();
            try
            {
                final Object value = window.poll().get(60, TimeUnit.SECONDS);
                if (want.equals(value))
                {
                    results.incrementAndGet();
                }
                else
                {
                    fail("expected " + want + ", got " + value);
                }
            }
            catch (final Exception ex)
            {
                fail(String.valueOf(ex.getCause() != null ? ex.getCause() : ex));
            }
        }
    }

    /**
     * @return a summary for messages: results, failures and the first reasons.
     */
    String summary()
    {
        return results.get() + " results, " + failures.get() + " failures" + (reasons.isEmpty() ? "" : ", first: " + reasons);
    }

    void stopAndJoin() throws InterruptedException
    {
        running = false;
        join(120_000);
    }

    private void fail(final String reason)
    {
        if (failures.incrementAndGet() <= 5)
        {
            reasons.add(reason);
        }
    }
}
