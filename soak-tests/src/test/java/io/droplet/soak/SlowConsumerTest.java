package io.droplet.soak;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.value.Values;
import io.droplet.soak.functions.Grow;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Square;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PendingRequests;
import io.droplet.transport.SendStatus;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import io.droplet.transport.TransportCounters;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SLOW-CONSUMER: a client that keeps calling a function with 32 KiB results but never reads its replies.
 * The node does not block: another client's DAG calls keep completing, their p99 stays within 2x of the
 * baseline taken before; the slow client's calls all end in TIMEOUT at its own deadlines; the node's
 * memory stays bounded (what it keeps for the stalled link is capped, the rest is dropped and counted).
 * <p>
 * Latency on a shared 2-core machine moves between identical runs, so each p99 is the median of five
 * windows of 2,000 calls, and the comparison is between medians. Each phase (before, during and after the flood) is
 * measured once it has settled: the three JVMs keep compiling for the first 10-30 windows (window p99 fell from
 * 2-3 ms to 0.4-0.6 ms across a run), and the first one or two windows after each change of traffic (the flood
 * starting, stopping) were 2-5x the rest in every run, with 8-byte results and with a slow client that reads its
 * replies alike, so they measure the change (compilation of new paths), not a node blocked by a stalled link. The
 * settling windows are printed. The flood's median is held against the larger of the no-flood medians before and
 * after it (the one after waits until every slow call has timed out), so that a machine whose load changed between
 * the baseline and the flood does not fail the test.
 */
class SlowConsumerTest
{
    private static final long SLOW_CLIENT = 3000;
    private static final int WINDOW_CALLS = 2_000;
    /** Most windows a phase runs before it is measured anyway: on a machine too busy to settle, the time is bounded. */
    private static final int SETTLE_MAX_WINDOWS = 12;
    private static final int SETTLE_MAX_WINDOWS_BEFORE = 20;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aClientThatStopsReadingHurtsNobodyElse() throws Exception
    {
        try (Deployment deployment = new Deployment(watcher, "slow-consumer"))
        {
            deployment.driver(List.of());
            deployment.node("all", "--roles", "storage,scheduler,executor", "--data", new File(deployment.logs(), "data").getPath());
            try (DropletClient client = deployment.client(Duration.ofSeconds(5)))
            {
                client.registerFunction("increment", Increment.class);
                client.registerFunction("square", Square.class);
                client.registerFunction("grow", Grow.class);
                client.registerDag("dag", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                Await.until(() -> served(client), Duration.ofSeconds(60), () -> "served");
                warmUp(client);

                final long baseline = settledMedianP99(client, "before", 8, SETTLE_MAX_WINDOWS_BEFORE);
                final long rssBefore = deployment.residentBytes("all");
                final long failuresBefore = deployment.sum(TransportCounters.TYPE_ID_BASE + 4, "");

                final SlowClient slow = new SlowClient(deployment.dir());
                slow.start();
                Await.until(() -> slow.sent.get() > 200, Duration.ofSeconds(30), () -> "the slow client is flooding");
                final long during = settledMedianP99(client, "during", 3, SETTLE_MAX_WINDOWS);
                slow.stopAndJoin();

                final long rssAfter = deployment.residentBytes("all");
                final long dropped = deployment.sum(TransportCounters.TYPE_ID_BASE + 4, "") - failuresBefore;
                final long after = settledMedianP99(client, "after", 3, SETTLE_MAX_WINDOWS);
                System.out.printf("SLOW-CONSUMER other client's p99: baseline %.1f us, during %.1f us, after %.1f us; slow client " +
                    "sent %d, TIMEOUT %d, answered %d; node RSS %d -> %d MiB; replies to it given up %d%n",
                    baseline / 1e3, during / 1e3, after / 1e3, slow.sent.get(), slow.timeouts.get(), slow.answered.get(),
                    rssBefore >> 20, rssAfter >> 20, dropped);

                final long reference = Math.max(baseline, after);
                assertTrue(during <= 2 * reference, "p99 during " + during + " ns within 2x of the no-flood p99 " + reference +
                    " ns (before " + baseline + " ns, after " + after + " ns)");
                assertEquals(slow.sent.get(), slow.timeouts.get(), "every call of the slow client ended in TIMEOUT");
                assertTrue(dropped > 0, "the node dropped what it could not send to the stalled client");
                // Counted per message given up, not per retry of it (a stalled link is retried every duty cycle).
                assertTrue(dropped <= slow.sent.get(), "each reply given up counted once: " + dropped + " for " +
                    slow.sent.get() + " calls");
                assertTrue(rssAfter - rssBefore < 128L << 20, "node memory bounded: grew " + ((rssAfter - rssBefore) >> 20) + " MiB");
                assertTrue(deployment.isAlive("all"));
                assertTrue(served(client), "still serving");
            }
        }
    }

    /**
     * Runs the slow client's function so that the flood does not start with its compilation.
     */
    private static void warmUp(final DropletClient client)
    {
        for (int i = 0; i < 200; i++)
        {
            assertEquals(32_768, ((byte[])client.call("grow", 32_768L)).length);
        }
    }

    /**
     * The median p99 of five windows taken once the phase has settled: at least {@code minWindows} windows first,
     * then until three in a row have settled (at most {@code maxWindows}). A window has settled when its
     * p99 is neither more than 20% below the lowest before it (still falling) nor more than 1.5x above it.
     */
    private static long settledMedianP99(
        final DropletClient client, final String phase, final int minWindows, final int maxWindows)
    {
        final long[] settling = new long[maxWindows];
        settling[0] = p99(client, WINDOW_CALLS);
        long lowest = settling[0];
        int settled = 0;
        int windows = 1;
        while (windows < maxWindows && (windows < minWindows || settled < 3))
        {
            final long p99 = p99(client, WINDOW_CALLS);
            settling[windows++] = p99;
            settled = p99 >= lowest - lowest / 5 && p99 <= lowest + lowest / 2 ? settled + 1 : 0;
            lowest = Math.min(lowest, p99);
        }
        final long[] p99 = new long[5];
        for (int i = 0; i < p99.length; i++)
        {
            p99[i] = p99(client, WINDOW_CALLS);
        }
        System.out.println("SLOW-CONSUMER " + phase + " window p99s (ns): settling " +
            Arrays.toString(Arrays.copyOf(settling, windows)) + ", measured " + Arrays.toString(p99));
        Arrays.sort(p99);
        return p99[2];
    }

    private static long p99(final DropletClient client, final int calls)
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (long i = 0; i < calls; i++)
        {
            final long start = System.nanoTime();
            final Object value = client.callDag("dag", i);
            histogram.recordValue(System.nanoTime() - start);
            assertEquals((i + 1) * (i + 1), value);
        }
        return histogram.getValueAtPercentile(99);
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

    /**
     * Calls {@code grow(32768)} 100 times a second with 2 s deadlines and never polls its inbound stream.
     */
    private static final class SlowClient extends Thread implements PendingRequests.TimeoutListener
    {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        private final String dir;
        private final AtomicBoolean running = new AtomicBoolean(true);

        SlowClient(final String dir)
        {
            super("slow-client");
            this.dir = dir;
        }

        public void run()
        {
            try (Transport transport = Transport.launch(new TransportContext()
                    .embeddedDriver(false).aeronDirectoryName(dir).threadingProfile(ThreadingProfile.SHARED).name("slow-client"));
                NodeChannels channels = new NodeChannels(transport, SLOW_CLIENT, Endpoint.parse("127.0.0.1:0/5300"), "slow-client"))
            {
                // Its inbound stream exists (the node can publish to it) but is never polled.
                channels.open(new io.droplet.transport.FrameHandler()
                {
                    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
                    {
                        answered.incrementAndGet();
                    }

                    public void onRejected(final io.droplet.codecs.FrameRejection rejection, final DirectBuffer buffer,
                        final int offset, final int length)
                    {
                    }
                });
                channels.peers().register(1, Endpoint.parse("127.0.0.1:0/5001"));
                final MessagePublisher scheduler = channels.peers().publisher(1);
                final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
                final ConnectEncoder connect = new ConnectEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
                    .correlationId(0).clientNode(SLOW_CLIENT).timestamp(0).namespaceName("").identity("")
                    .replyEndpoint("127.0.0.1:0/5300");
                Await.until(() -> scheduler.offer(frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength(),
                    System.nanoTime()) == SendStatus.OK, Duration.ofSeconds(30), () -> "slow client introduced");

                final PendingRequests pending = new PendingRequests(1 << 16, System.nanoTime(), channels.counters());
                final byte[] args = Values.toBytes(List.of(32_768L));
                final CallFunctionEncoder call = new CallFunctionEncoder();
                long next = System.nanoTime();
                long correlationId = 1;
                while (running.get() || pending.size() > 0)
                {
                    final long now = System.nanoTime();
                    pending.expire(now, this);
                    if (running.get() && now - next >= 0)
                    {
                        next += 10_000_000;
                        call.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
                            .correlationId(correlationId).sessionId(SLOW_CLIENT).replyTo(SLOW_CLIENT)
                            .deadline(System.currentTimeMillis() * 1_000_000L + 2_000_000_000L)
                            .mode(CallMode.FG).periodNs(0).timesCount(0);
                        call.function("grow").putArgs(args, 0, args.length);
                        if (scheduler.offer(frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + call.encodedLength(), now) == SendStatus.OK &&
                            pending.track(correlationId, now + 2_000_000_000L))
                        {
                            sent.incrementAndGet();
                        }
                        correlationId++;
                    }
                    // Paced, not spinning: the flood must not take a core from the node and the other client.
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
            }
        }

        public void onTimeout(final long correlationId)
        {
            timeouts.incrementAndGet();
        }

        void stopAndJoin() throws InterruptedException
        {
            running.set(false);
            join(30_000);
        }
    }
}
