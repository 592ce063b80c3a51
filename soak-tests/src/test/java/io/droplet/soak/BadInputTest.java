package io.droplet.soak;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.codecs.FrameLimits;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.FrameValidator;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.ConnectedDecoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Square;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportCounters;
import io.droplet.transport.TransportContext;
import org.HdrHistogram.SynchronizedHistogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BAD-INPUT: a million broken frames (by default; {@code -Dsoak.badinput.frames}) sent to the inbound
 * stream of every role of a node process — scheduler, its registry client, storage node, host cache
 * agent, the cache's storage client, executor — while a client runs DAG calls. Nothing crashes; every
 * frame is rejected and counted in the node's counters; each broken request to the scheduler whose
 * caller can still be read is answered with MALFORMED or PAYLOAD_TOO_LARGE; and the valid calls
 * interleaved with them all complete with the right result.
 */
class BadInputTest
{
    private static final int FRAMES = Integer.getInteger("soak.badinput.frames", 1_000_000);
    private static final long FUZZER = 9000;
    private static final Endpoint FUZZER_ENDPOINT = Endpoint.parse("127.0.0.1:0/5900");
    private static final Map<String, Endpoint> TARGETS = Map.of(
        "scheduler", Endpoint.parse("127.0.0.1:0/5001"),
        "registry-client", Endpoint.parse("127.0.0.1:0/6001"),
        "storage", Endpoint.parse("127.0.0.1:0/5020"),
        "cache", Endpoint.parse("127.0.0.1:0/5030"),
        "cache-storage-client", Endpoint.parse("127.0.0.1:0/5031"),
        "executor", Endpoint.parse("127.0.0.1:0/5010"));

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyBrokenFrameIsRejectedCountedAndAnsweredWhileValidCallsComplete() throws Exception
    {
        final long seed = Long.getLong("soak.seed", System.nanoTime());
        System.out.println("BAD-INPUT seed " + seed + " (rerun with -Dsoak.seed=" + seed + "), frames " + FRAMES);
        try (Deployment deployment = new Deployment(watcher, "bad-input"))
        {
            deployment.driver(List.of());
            deployment.node("all", "--roles", "storage,cache,scheduler,executor",
                "--data", new File(deployment.logs(), "storage-data").getPath(),
                "--cache-file", new File(deployment.logs(), "host-cache.dat").getPath());
            try (DropletClient client = deployment.client(Duration.ofSeconds(5));
                Transport transport = Transport.launch(new TransportContext()
                    .embeddedDriver(false)
                    .aeronDirectoryName(deployment.dir())
                    .threadingProfile(ThreadingProfile.SHARED)
                    .name("fuzzer"));
                NodeChannels fuzzer = new NodeChannels(transport, FUZZER, FUZZER_ENDPOINT, "fuzzer"))
            {
                client.registerFunction("increment", Increment.class);
                client.registerFunction("square", Square.class);
                client.registerDag("dag", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                Await.until(() -> Long.valueOf(16).equals(call(client, 3)), Duration.ofSeconds(60), () -> "the DAG is served");

                final Answers answers = new Answers();
                final InboundAdapter inbound = fuzzer.open(answers);
                final AtomicBoolean polling = new AtomicBoolean(true);
                final Thread poller = new Thread(() ->
                {
                    while (polling.get())
                    {
                        if (inbound.poll(256) == 0)
                        {
                            Thread.onSpinWait();
                        }
                    }
                }, "fuzzer-inbound");
                poller.start();

                // The fuzzer introduces itself to the scheduler, so the scheduler can answer it.
                final Map<String, ExclusivePublication> publications = new java.util.TreeMap<>();
                for (final Map.Entry<String, Endpoint> target : TARGETS.entrySet())
                {
                    // Its own log with a larger term than the nodes use, so that oversize frames can be sent at all.
                    publications.put(target.getKey(),
                        transport.aeron().addExclusivePublication("aeron:ipc?term-length=16m", target.getValue().streamId()));
                }
                Await.until(() -> publications.values().stream().allMatch(Publication::isConnected), Duration.ofSeconds(30),
                    () -> "fuzzer publications connected");
                final UnsafeBuffer connect = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
                final ConnectEncoder connectEncoder = new ConnectEncoder().wrapAndApplyHeader(connect, 0, new MessageHeaderEncoder())
                    .correlationId(1).clientNode(FUZZER).timestamp(0).namespaceName("").identity("")
                    .replyEndpoint(FUZZER_ENDPOINT.toString());
                offer(publications.get("scheduler"), connect, MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength());
                Await.until(answers.connected::get, Duration.ofSeconds(30), () -> "the scheduler answered the fuzzer's Connect");

                final LatencyProbe before = LatencyProbe.warmThenRun("DAG call", i -> client.callDag("dag", i), i -> (i + 1) * (i + 1));
                final ValidTraffic traffic = new ValidTraffic(client);
                traffic.start();

                final FrameValidator validator = new FrameValidator(FrameLimits.DEFAULT);
                final FrameMutator answerable = new FrameMutator(seed, FUZZER);
                final FrameMutator silent = new FrameMutator(seed + 1, 0);
                final Set<Long> expectedAnswers = new HashSet<>();
                final Map<FrameMutator.Kind, Integer> byKind = new EnumMap<>(FrameMutator.Kind.class);
                final List<String> names = List.copyOf(publications.keySet());
                final long rejectedBefore = deployment.sum(TransportCounters.REJECTED_BY_REASON_TYPE_ID, "");
                for (int i = 0; i < FRAMES; i++)
                {
                    final String target = names.get(i % names.size());
                    final boolean toScheduler = target.equals("scheduler");
                    final FrameMutator mutator = toScheduler ? answerable : silent;
                    final int length = mutator.next();
                    final UnsafeBuffer frame = mutator.buffer();
                    final FrameRejection rejection = validator.validate(frame, 0, length);
                    assertNotEquals(FrameRejection.NONE, rejection, () -> "a " + mutator.kind() + " frame passed validation");
                    byKind.merge(mutator.kind(), 1, Integer::sum);
                    if (toScheduler && validator.replyTo(frame, 0, length) == FUZZER &&
                        validator.correlationId(frame, 0, length) != Long.MIN_VALUE)
                    {
                        expectedAnswers.add(validator.correlationId(frame, 0, length));
                    }
                    offer(publications.get(target), frame, length);
                    if (i % 100_000 == 0)
                    {
                        System.out.println("BAD-INPUT sent " + i + " frames");
                    }
                }
                System.out.println("BAD-INPUT frames by kind: " + byKind + "; answerable: " + expectedAnswers.size());

                Await.until(() -> deployment.sum(TransportCounters.REJECTED_BY_REASON_TYPE_ID, "") - rejectedBefore >= FRAMES,
                    Duration.ofSeconds(120), () -> "rejected " + (deployment.sum(TransportCounters.REJECTED_BY_REASON_TYPE_ID, "") -
                    rejectedBefore) + " of " + FRAMES);
                assertEquals(FRAMES, deployment.sum(TransportCounters.REJECTED_BY_REASON_TYPE_ID, "") - rejectedBefore,
                    "every frame rejected and counted once");
                assertTrue(deployment.isAlive("all"), "the node process is alive");

                Await.until(() -> answers.codes.keySet().containsAll(expectedAnswers), Duration.ofSeconds(60),
                    () -> "answers " + answers.codes.size() + " of " + expectedAnswers.size());
                assertEquals(expectedAnswers, answers.codes.keySet(), "answered exactly the readable broken requests");
                assertTrue(answers.codes.values().stream().allMatch(code ->
                    code == ErrorCode.MALFORMED || code == ErrorCode.PAYLOAD_TOO_LARGE), "answers are MALFORMED or PAYLOAD_TOO_LARGE");

                traffic.stopAndJoin();
                final LatencyProbe after = LatencyProbe.run("DAG call", i -> client.callDag("dag", i), i -> (i + 1) * (i + 1));
                System.out.printf("BAD-INPUT valid calls during the run: %d results, %d failures (16 in flight, p99 %.1f us); " +
                    "%s%n", traffic.results.get(), traffic.failures.get(), traffic.latency.getValueAtPercentile(99) / 1e3,
                    LatencyProbe.compare(before, after));
                assertEquals(0, before.errorCount() + after.errorCount(), "calls one at a time succeed");
                assertTrue(traffic.results.get() > 0, "valid calls ran during the fuzzing");
                assertEquals(0, traffic.failures.get(), "every valid call completed with the right result");
                assertEquals(16L, call(client, 3), "still serving");
                polling.set(false);
                poller.join(10_000);
                publications.values().forEach(Publication::close);
            }
        }
    }

    private static Object call(final DropletClient client, final long x)
    {
        try
        {
            return client.callDag("dag", x);
        }
        catch (final RuntimeException ex)
        {
            return ex;
        }
    }

    private static void offer(final Publication publication, final DirectBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long result;
        while ((result = publication.offer(buffer, 0, length)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("cannot send a frame: " + result);
            }
            Thread.onSpinWait();
        }
    }

    /** What the fuzzer's node hears: the scheduler's Connected, and typed errors by correlation id. */
    private static final class Answers implements FrameHandler
    {
        final Map<Long, ErrorCode> codes = new ConcurrentHashMap<>();
        final AtomicBoolean connected = new AtomicBoolean();
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final ErrorDecoder error = new ErrorDecoder();

        public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
        {
            if (templateId == ConnectedDecoder.TEMPLATE_ID)
            {
                connected.set(true);
            }
            else if (templateId == ErrorDecoder.TEMPLATE_ID)
            {
                error.wrapAndApplyHeader(buffer, offset, header);
                codes.put(error.correlationId(), error.code());
            }
        }

        public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
        {
            throw new IllegalStateException("the node sent the fuzzer a broken frame: " + rejection);
        }
    }

    /** DAG calls, 16 in flight, from a thread of their own, checked. */
    private static final class ValidTraffic extends Thread
    {
        final AtomicLong results = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        /** Recorded on the client's thread as each call completes; read after {@link #stopAndJoin()}. */
        final SynchronizedHistogram latency = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        private final DropletClient client;
        private volatile boolean running = true;

        ValidTraffic(final DropletClient client)
        {
            super("valid-traffic");
            this.client = client;
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
                    final long issued = System.nanoTime();
                    window.add(client.callDagAsync("dag", x).whenComplete((value, failure) ->
                        latency.recordValue(Math.min(System.nanoTime() - issued, latency.getHighestTrackableValue()))));
                    expected.add((x + 1) * (x + 1));
                    x = (x + 1) & 0xFFFF;
                    continue;
                }
                try
                {
                    final Object value = window.poll().get(30, TimeUnit.SECONDS);
                    if (expected.poll().equals(value))
                    {
                        results.incrementAndGet();
                    }
                    else
                    {
                        failures.incrementAndGet();
                    }
                }
                catch (final Exception ex)
                {
                    expected.poll();
                    failures.incrementAndGet();
                }
            }
        }

        void stopAndJoin() throws InterruptedException
        {
            running = false;
            join(60_000);
        }
    }
}
