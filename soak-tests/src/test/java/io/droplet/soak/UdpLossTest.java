package io.droplet.soak;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.client.RemoteContext;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Square;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import org.HdrHistogram.SynchronizedHistogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP-LOSS: two hosts on loopback (127.0.0.1 and 127.0.0.2), each with its own media driver process whose
 * receivers drop 1%, 5% and 20% of data and of control frames (Aeron's loss generators, fixed seeds).
 * Across them: a sequence-numbered stream, checked for gaps, reordering and duplicates at the application;
 * and Droplet DAG calls from a client and scheduler on one host to an executor on the other, every one of
 * which must return its result. The drivers' NAK and retransmit counters prove loss happened.
 */
class UdpLossTest
{
    private static final int MESSAGES = Integer.getInteger("soak.udploss.messages", 20_000);
    private static final int CALLS = Integer.getInteger("soak.udploss.calls", 1_000);
    private static final int SYSTEM_COUNTER_TYPE_ID = 0;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void nothingLostReorderedOrDuplicatedUnderLoss() throws Exception
    {
        final long seed = Long.getLong("soak.seed", 7171);
        for (final double rate : new double[]{ 0.01, 0.05, 0.20 })
        {
            runAt(rate, seed);
        }
    }

    private void runAt(final double rate, final long seed) throws Exception
    {
        final String label = "udp-loss-" + Math.round(rate * 100);
        System.out.println("UDP-LOSS " + label + ": loss rate " + rate + " on data and control frames, seed " + seed);
        try (Deployment deployment = new Deployment(watcher, label))
        {
            deployment.driver(Deployment.lossArgs(rate, seed));
            final String dirB = deployment.otherDriver(watcher, label + "-b", Deployment.lossArgs(rate, seed + 100));

            final long sequenced = sequenceCheck(deployment.dir(), dirB);

            final Endpoint scheduler = new Endpoint("127.0.0.1", Deployment.freePort("127.0.0.1"), 5001);
            final Endpoint storage = new Endpoint("127.0.0.1", Deployment.freePort("127.0.0.1"), 5020);
            deployment.node("core", "--roles", "storage,scheduler", "--host", "127.0.0.1",
                "--scheduler-endpoint", scheduler.toString(), "--storage", "20@" + storage,
                "--data", new File(deployment.logs(), "storage-data").getPath());
            deployment.nodeOn(dirB, "executor-b", "--roles", "executor", "--host", "127.0.0.2",
                "--executor-endpoint", new Endpoint("127.0.0.2", Deployment.freePort("127.0.0.2"), 5010).toString(),
                "--scheduler-endpoint", scheduler.toString(), "--storage", "20@" + storage);
            final DropletClient[] holder = { Deployment.connect(() -> new RemoteContext()
                .aeronDirectoryName(deployment.dir())
                .localHost("127.0.0.1")
                .clientNode(1000)
                .clientEndpoint(new Endpoint("127.0.0.1", Deployment.freePort("127.0.0.1"), 5100))
                .scheduler(1, scheduler)
                .callTimeoutNs(TimeUnit.SECONDS.toNanos(10)), Duration.ofSeconds(60)) };
            int results = 0;
            double p50Us = 0;
            double p99Us = 0;
            try (DropletClient client = holder[0])
            {
                client.registerFunction("increment", Increment.class);
                client.registerFunction("square", Square.class);
                client.registerDag("dag", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                Await.until(() -> served(client), Duration.ofSeconds(60), () -> "the executor on the other host serves");
                final ArrayDeque<CompletableFuture<Object>> window = new ArrayDeque<>();
                // Recorded on the client's thread as each call completes, read here after all have.
                final SynchronizedHistogram latency = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
                final ArrayDeque<Long> expected = new ArrayDeque<>();
                for (long x = 0; x < CALLS || !window.isEmpty(); )
                {
                    if (x < CALLS && window.size() < 16)
                    {
                        final long issued = System.nanoTime();
                        window.add(client.callDagAsync("dag", x).whenComplete((value, failure) ->
                            latency.recordValue(Math.min(System.nanoTime() - issued, latency.getHighestTrackableValue()))));
                        expected.add((x + 1) * (x + 1));
                        x++;
                        continue;
                    }
                    assertEquals(expected.poll(), window.poll().get(30, TimeUnit.SECONDS), "a DAG call across the lossy link");
                    results++;
                    if (x == CALLS && window.isEmpty())
                    {
                        break;
                    }
                }
                p50Us = latency.getValueAtPercentile(50) / 1e3;
                p99Us = latency.getValueAtPercentile(99) / 1e3;
            }
            final long naks = Deployment.sumOn(deployment.dir(), SYSTEM_COUNTER_TYPE_ID, "NAKs sent") +
                Deployment.sumOn(dirB, SYSTEM_COUNTER_TYPE_ID, "NAKs sent");
            final long retransmits = Deployment.sumOn(deployment.dir(), SYSTEM_COUNTER_TYPE_ID, "Retransmits sent") +
                Deployment.sumOn(dirB, SYSTEM_COUNTER_TYPE_ID, "Retransmits sent");
            System.out.printf("UDP-LOSS %s: %d sequenced messages in order, %d DAG calls across hosts all answered " +
                "(16 in flight, p50 %.1f us, p99 %.1f us), NAKs sent %d, retransmits sent %d%n", label, sequenced, results,
                p50Us, p99Us, naks, retransmits);
            assertEquals(MESSAGES, sequenced);
            assertEquals(CALLS, results);
            assertTrue(naks > 0 && retransmits > 0, "loss happened and was repaired: NAKs " + naks + ", retransmits " + retransmits);
        }
    }

    /**
     * A stream from host A's driver to host B's over UDP, each message carrying its sequence number: the
     * application must see 0, 1, 2, ... exactly.
     *
     * @return messages received in order.
     */
    private static long sequenceCheck(final String dirA, final String dirB)
    {
        final String channel = "aeron:udp?endpoint=127.0.0.2:" + Deployment.freePort("127.0.0.2");
        try (Aeron a = Aeron.connect(new Aeron.Context().aeronDirectoryName(dirA));
            Aeron b = Aeron.connect(new Aeron.Context().aeronDirectoryName(dirB));
            Subscription subscription = b.addSubscription(channel, 7001);
            Publication publication = a.addPublication(channel, 7001))
        {
            Await.until(publication::isConnected, Duration.ofSeconds(30), () -> "sequence stream connected");
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final long[] next = {0};
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long sent = 0;
            while (next[0] < MESSAGES)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("sequence check stalled at " + next[0] + " of " + MESSAGES);
                }
                if (sent < MESSAGES)
                {
                    message.putLong(0, sent);
                    if (publication.offer(message, 0, 64) > 0)
                    {
                        sent++;
                    }
                }
                subscription.poll((buffer, offset, length, header) ->
                {
                    final long sequence = buffer.getLong(offset);
                    if (sequence != next[0])
                    {
                        throw new IllegalStateException("expected message " + next[0] + " but got " + sequence +
                            (sequence < next[0] ? " (duplicate or reordered)" : " (gap)"));
                    }
                    next[0]++;
                }, 64);
            }
            return next[0];
        }
    }

    private static boolean served(final DropletClient client)
    {
        try
        {
            return Long.valueOf(16).equals(client.callDag("dag", 3L));
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }


}
