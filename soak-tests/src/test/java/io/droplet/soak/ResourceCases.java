package io.droplet.soak;

import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.soak.FuzzerNode.Target;
import io.droplet.test.Await;
import io.droplet.transport.CounterDescriptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's cases of work and state one request could make a node take on without bound (items 1, 4 and 5),
 * each sent to the real node process with the answer or the counted drop each must now get:
 * <ul>
 *   <li>item 1: fan-in state, through the client (a DAG whose fan-in stage has a failing parent, 100-year
 *   deadlines, 200 KB arguments: every call fails EXECUTION_ERROR and the fan-ins hold nothing once it has) and by
 *   raw triggers without a deadline (100 KiB each, past the executor's byte bound: NO_RESOURCES at once, the rest
 *   TIMEOUT after the executor's wait, each exactly once, and the bytes held never past the bound);</li>
 *   <li>item 4: a valid causal value of 10,922 versions put ten times: PAYLOAD_TOO_LARGE each, counted, nothing
 *   stored;</li>
 *   <li>item 5: a periodic call every nanosecond, and given times a nanosecond apart (INVALID_ARGUMENT), periodic
 *   calls past a caller's cap (NO_RESOURCES), counted; 200 subscriptions of 1,000 distinct 1 KB keys, half under
 *   made-up subscriber ids (dropped, counted) and half under the fuzzer's own (acknowledged up to the byte bound,
 *   NO_RESOURCES after); 100 registrations with 200 KiB of garbage as their jar, to the scheduler (INVALID_ARGUMENT)
 *   and shipped straight to the executor (refused, counted), leaving no temporary file;</li>
 *   <li>beyond the issue, {@code Connect}s under new client ids: each would cost every role answering it a link (an
 *   exclusive publication, 24 MiB of the host's shared memory, opened on the role's thread); half name endpoints
 *   nobody listens at, half the fuzzer's own; a role answers at most 8 new peers in ten seconds (each link open
 *   holds its thread), so most are dropped, counted, legitimate calls keep their deadlines, and the driver's
 *   publication logs grow by at most the link bound per role (PeerLimitsTest drives the bound itself).</li>
 * </ul>
 * <p>
 * <b>Note:</b> not thread-safe; runs on the test's thread.
 */
final class ResourceCases
{
    static final int FAN_IN_CALLS = Integer.getInteger("soak.hostile.fanin.calls", 200);
    static final int FAN_IN_TRIGGERS = 200;
    static final int CAUSAL_PUTS = 10;
    static final int SUBSCRIBE_FRAMES = 100;
    static final int KEYS_PER_SUBSCRIBE = 1_000;
    static final int GARBAGE_REGISTRATIONS = 100;
    static final int CONNECTS = 400;
    private static final Duration ANSWERED = Duration.ofSeconds(60);

    private final HostileRig rig;

    ResourceCases(final HostileRig rig)
    {
        this.rig = rig;
    }

    /** Item 1, through the public API: every call fails, and what its fan-in held is let go at once. */
    void fanInStateThroughTheClient() throws Exception
    {
        final long releasedBefore = rig.sum(CounterDescriptor.EXECUTOR_FAN_INS_RELEASED);
        final byte[] argument = new byte[200_000];
        final ExecutorService callers = Executors.newFixedThreadPool(8);
        final List<Future<Object>> calls = new ArrayList<>();
        try
        {
            for (int i = 0; i < FAN_IN_CALLS; i++)
            {
                calls.add(callers.submit(() -> HostileRig.quietly(() ->
                    rig.client.callDagWithin("fan-in", Duration.ofDays(36_500), (Object)argument))));
            }
            final Map<String, Long> outcomes = new java.util.TreeMap<>();
            for (final Future<Object> call : calls)
            {
                final Object outcome = call.get(120, TimeUnit.SECONDS);
                outcomes.merge(outcome instanceof DropletException ? ((DropletException)outcome).code().name() :
                    String.valueOf(outcome), 1L, Long::sum);
            }
            System.out.println("HOSTILE item 1 (client): " + FAN_IN_CALLS + " fan-in calls with a failing parent: " + outcomes);
            assertEquals(Map.of(ErrorCode.EXECUTION_ERROR.name(), (long)FAN_IN_CALLS), outcomes, "every call fails, as it should");
        }
        finally
        {
            callers.shutdownNow();
        }
        // With 100-year deadlines only a release on failure brings the bytes held back to nothing.
        rig.awaitCounterAtMost(CounterDescriptor.EXECUTOR_FAN_IN_BYTES, 0, Duration.ofSeconds(10));
        final long released = rig.sum(CounterDescriptor.EXECUTOR_FAN_INS_RELEASED) - releasedBefore;
        System.out.println("HOSTILE item 1 (client): fan-ins released or late outputs dropped: " + released);
        assertTrue(released >= FAN_IN_CALLS, "each failed invocation's fan-in released or its late output dropped: " + released);
    }

    /** Item 1, raw: fan-in triggers with no deadline, 100 KiB each, past the executor's bound on bytes held. */
    void fanInTriggersWithoutDeadline()
    {
        final long first = 1_100_000;
        final long refusedBefore = rig.sum(CounterDescriptor.EXECUTOR_FAN_INS_REFUSED);
        final byte[] output = HostileFrames.args((Object)new byte[100 * 1024]);
        long mostHeld = 0;
        for (int i = 0; i < FAN_IN_TRIGGERS; i++)
        {
            // Stage 2 waits for stages 0 and 1; only stage 0's output ever comes.
            final int length = rig.frames.trigger(rig.buffer, first + i, first + i, FuzzerNode.ID, 0, 2, 0, 10,
                List.of("increment", "increment", "size"), new int[]{ 0, 1 }, new int[]{ 2, 2 }, output);
            rig.fuzzer.send(Target.EXECUTOR, rig.buffer, length);
            if (i % 20 == 0)
            {
                mostHeld = Math.max(mostHeld, rig.sum(CounterDescriptor.EXECUTOR_FAN_IN_BYTES));
            }
        }
        final List<Long> ids = FuzzerNode.range(first, FAN_IN_TRIGGERS);
        rig.fuzzer.awaitAnswers(ids, HostileRig.FAN_IN_WAIT.plus(ANSWERED), "fan-in triggers without a deadline");
        final Map<String, Long> codes = rig.fuzzer.codes(ids);
        System.out.println("HOSTILE item 1 (triggers): " + FAN_IN_TRIGGERS + " x 100 KiB, bound " + HostileRig.FAN_IN_TOTAL_BYTES +
            " B: " + codes + ", most bytes held seen " + mostHeld);
        assertTrue(mostHeld <= HostileRig.FAN_IN_TOTAL_BYTES, "bytes held within the bound: " + mostHeld);
        final long noResources = codes.getOrDefault(ErrorCode.NO_RESOURCES.name(), 0L);
        // About 37 (200 less the 163 that fit), fewer if the first ones expired before the last were sent.
        assertTrue(noResources >= 1, "past the bound: NO_RESOURCES " + codes);
        assertEquals(FAN_IN_TRIGGERS, noResources + codes.getOrDefault(ErrorCode.TIMEOUT.name(), 0L),
            "the rest TIMEOUT after the executor's wait: " + codes);
        assertTrue(ids.stream().allMatch(id -> rig.fuzzer.answers(id) == 1), "each answered once");
        assertEquals(noResources, rig.sum(CounterDescriptor.EXECUTOR_FAN_INS_REFUSED) - refusedBefore, "each refusal counted");
        rig.awaitCounterAtMost(CounterDescriptor.EXECUTOR_FAN_IN_BYTES, 0, Duration.ofSeconds(10));
    }

    /** Item 4: a valid causal value whose validation was quadratic is refused at once, and counted. */
    void causalValueOfTooManyVersions()
    {
        final byte[] value = HostileFrames.concurrentCausal(10_922);
        assertEquals(262_133, value.length, "the value of item 4");
        final long first = 4_000_000;
        final long tooLargeBefore = rig.sum(CounterDescriptor.STORE_PUTS_TOO_LARGE);
        final byte[] key = HostileFrames.utf8("hk/causal");
        for (int i = 0; i < CAUSAL_PUTS; i++)
        {
            rig.fuzzer.send(Target.STORAGE, rig.buffer,
                rig.frames.kvsPut(rig.buffer, rig.frames.noShape(), first + i, FuzzerNode.ID, AckLevel.ONE, key, value));
        }
        final List<Long> ids = FuzzerNode.range(first, CAUSAL_PUTS);
        rig.fuzzer.awaitAnswers(ids, ANSWERED, "puts of 10,922 causal versions");
        System.out.println("HOSTILE item 4: " + CAUSAL_PUTS + " puts of a 10,922-version causal value: " + rig.fuzzer.codes(ids));
        assertEquals(Map.of(ErrorCode.PAYLOAD_TOO_LARGE.name(), (long)CAUSAL_PUTS), rig.fuzzer.codes(ids), "each refused");
        assertEquals(CAUSAL_PUTS, rig.sum(CounterDescriptor.STORE_PUTS_TOO_LARGE) - tooLargeBefore, "each counted");
        assertNull(rig.client.get("hk/causal"), "nothing stored");
    }

    /** Item 5: periodic calls too frequent, or past one caller's cap. */
    void periodicCallsTooOftenOrTooMany()
    {
        final long first = 5_000_000;
        final long refusedBefore = rig.sum(CounterDescriptor.SCHEDULER_PERIODIC_CALLS_REFUSED);
        final byte[] args = HostileFrames.args(1L);
        send(Target.SCHEDULER, rig.frames.callFunction(rig.buffer, rig.frames.noShape(), first, FuzzerNode.ID, 0, CallMode.PERIOD, 1,
            new long[0], "increment", args));
        final long at = System.currentTimeMillis() * 1_000_000L + 3_600_000_000_000L;
        send(Target.SCHEDULER, rig.frames.callFunction(rig.buffer, rig.frames.noShape(), first + 1, FuzzerNode.ID, 0, CallMode.PERIOD, 0,
            new long[]{ at, at + 1, at + 2 }, "increment", args));
        rig.fuzzer.awaitAnswers(List.of(first, first + 1), ANSWERED, "periodic calls too frequent");
        assertEquals(Map.of(ErrorCode.INVALID_ARGUMENT.name(), 2L), rig.fuzzer.codes(List.of(first, first + 1)),
            "a period of 1 ns, and given times 1 ns apart");

        // One hour apart: each runs once at once, then waits; the caller's cap is 1,024 (the default).
        final int cap = 1_024;
        final long firstPeriodic = first + 10;
        for (int i = 0; i <= cap; i++)
        {
            send(Target.SCHEDULER, rig.frames.callFunction(rig.buffer, rig.frames.noShape(), firstPeriodic + i, FuzzerNode.ID, 0,
                CallMode.PERIOD, 3_600_000_000_000L, new long[0], "increment", args));
        }
        final List<Long> ids = FuzzerNode.range(firstPeriodic, cap + 1);
        rig.fuzzer.awaitAnswers(ids, ANSWERED, "periodic calls up to and past the cap");
        System.out.println("HOSTILE item 5 (periodic): " + (cap + 1) + " periodic calls of one caller: " + rig.fuzzer.codes(ids));
        assertEquals(1, rig.fuzzer.answer(firstPeriodic + cap).count(ErrorCode.NO_RESOURCES), "the one past the cap refused");
        assertEquals(Map.of(ErrorCode.NONE.name(), (long)cap), rig.fuzzer.codes(ids.subList(0, cap)), "the others run");
        assertEquals(3, rig.sum(CounterDescriptor.SCHEDULER_PERIODIC_CALLS_REFUSED) - refusedBefore, "each refusal counted");
        assertEquals(cap, rig.sum(CounterDescriptor.SCHEDULER_PERIODIC_CALLS), "periodic calls running");
        for (int i = 0; i < cap; i++)
        {
            send(Target.SCHEDULER, rig.frames.cancel(rig.buffer, firstPeriodic + i, FuzzerNode.ID));
        }
        rig.awaitCounterAtMost(CounterDescriptor.SCHEDULER_PERIODIC_CALLS, 0, ANSWERED);
    }

    /** Item 5: subscriptions of many large keys, under made-up subscribers and under the fuzzer's own id. */
    void subscriptionsPastTheirBounds()
    {
        final long refusedBefore = rig.sum(CounterDescriptor.STORE_SUBSCRIPTIONS_REFUSED);
        for (int f = 0; f < SUBSCRIBE_FRAMES; f++)
        {
            // Nobody is there to answer: each such subscriber is let go with its keys, counted.
            send(Target.STORAGE, rig.frames.subscribe(rig.buffer, rig.frames.noShape(), true, 5_100_000 + f, 8_000_000 + f,
                largeKeys("stranger", f)));
        }
        rig.awaitCounter(CounterDescriptor.STORE_SUBSCRIPTIONS_REFUSED, refusedBefore, SUBSCRIBE_FRAMES, ANSWERED);
        final long first = 5_200_000;
        for (int f = 0; f < SUBSCRIBE_FRAMES; f++)
        {
            send(Target.STORAGE, rig.frames.subscribe(rig.buffer, rig.frames.noShape(), true, first + f, FuzzerNode.ID,
                largeKeys("own", f)));
        }
        final List<Long> ids = FuzzerNode.range(first, SUBSCRIBE_FRAMES);
        rig.fuzzer.awaitAnswers(ids, ANSWERED, "subscriptions of the fuzzer");
        final Map<String, Long> codes = rig.fuzzer.codes(ids);
        System.out.println("HOSTILE item 5 (subscribe): " + SUBSCRIBE_FRAMES + " x " + KEYS_PER_SUBSCRIBE +
            " 1 KB keys under made-up ids, then under the fuzzer's: " + codes + "; refused or dropped counted " +
            (rig.sum(CounterDescriptor.STORE_SUBSCRIPTIONS_REFUSED) - refusedBefore));
        final long acknowledged = codes.getOrDefault(ErrorCode.NONE.name(), 0L);
        assertTrue(acknowledged >= 1, "the strangers' keys were let go: the fuzzer's own subscription is taken " + codes);
        assertTrue(acknowledged * KEYS_PER_SUBSCRIBE * 1024 <= HostileRig.SUBSCRIBED_KEY_BYTES, "within the byte bound " + codes);
        assertEquals(SUBSCRIBE_FRAMES, acknowledged + codes.getOrDefault(ErrorCode.NO_RESOURCES.name(), 0L),
            "past the bound NO_RESOURCES " + codes);
        assertTrue(ids.stream().allMatch(id -> rig.fuzzer.answers(id) == 1), "each answered once");
        // Let go of the fuzzer's keys, so the retained heap measured at the end shows what the node keeps by itself.
        final long unsubscribed = 5_300_000;
        for (int f = 0; f < SUBSCRIBE_FRAMES; f++)
        {
            send(Target.STORAGE, rig.frames.subscribe(rig.buffer, rig.frames.noShape(), false, unsubscribed + f, FuzzerNode.ID,
                largeKeys("own", f)));
        }
        rig.fuzzer.awaitAnswers(FuzzerNode.range(unsubscribed, SUBSCRIBE_FRAMES), ANSWERED, "unsubscriptions");
    }

    /** Item 5: registrations whose jar is 200 KiB of garbage, to the scheduler and straight to the executor. */
    void garbageRegistrations()
    {
        final byte[] garbage = new byte[200 * 1024];
        new Random(15).nextBytes(garbage);
        final long refusedBefore = rig.sum(CounterDescriptor.SCHEDULER_REGISTRATIONS_REFUSED);
        final long shippedBefore = rig.sum(CounterDescriptor.EXECUTOR_SHIPPED_CODE_REFUSED);
        final long first = 5_400_000;
        for (int i = 0; i < GARBAGE_REGISTRATIONS; i++)
        {
            send(Target.SCHEDULER, rig.frames.registerFunction(rig.buffer, rig.frames.noShape(), first + i, FuzzerNode.ID,
                FunctionKind.JAVA, "zz-garbage-" + i, "com.example.Fn", garbage));
        }
        final List<Long> ids = FuzzerNode.range(first, GARBAGE_REGISTRATIONS);
        rig.fuzzer.awaitAnswers(ids, ANSWERED, "garbage registrations");
        assertEquals(Map.of(ErrorCode.INVALID_ARGUMENT.name(), (long)GARBAGE_REGISTRATIONS), rig.fuzzer.codes(ids), "each refused");
        assertEquals(GARBAGE_REGISTRATIONS, rig.sum(CounterDescriptor.SCHEDULER_REGISTRATIONS_REFUSED) - refusedBefore, "counted");
        for (int i = 0; i < GARBAGE_REGISTRATIONS; i++)
        {
            // As a scheduler ships a registration: the executor loads it itself.
            send(Target.EXECUTOR, rig.frames.registerFunction(rig.buffer, rig.frames.noShape(), first + 1_000 + i, FuzzerNode.ID,
                FunctionKind.JAVA, "zz-shipped-" + i, "com.example.Fn", garbage));
        }
        rig.awaitCounter(CounterDescriptor.EXECUTOR_SHIPPED_CODE_REFUSED, shippedBefore, GARBAGE_REGISTRATIONS, ANSWERED);
        System.out.println("HOSTILE item 5 (registrations): " + rig.fuzzer.codes(ids) + " at the scheduler; shipped code refused " +
            (rig.sum(CounterDescriptor.EXECUTOR_SHIPPED_CODE_REFUSED) - shippedBefore) + " at the executor; files left " +
            rig.shippedCodeFiles());
        assertEquals(List.of(), rig.shippedCodeFiles(), "no temporary jar left");
    }

    /** Beyond the issue: {@code Connect}s under new client ids, to the scheduler and to the storage node. */
    void connectsUnderNewClientIds()
    {
        final java.io.File publications = new java.io.File(rig.deployment.dir(), "publications");
        final int logsBefore = logs(publications);
        final long refusedBefore = refusedConnects();
        final long closedBefore = rig.sum(CounterDescriptor.LINKS_CLOSED);
        for (int i = 0; i < CONNECTS; i++)
        {
            // Even: the fuzzer's own endpoint (its links connect); odd: a stream nobody listens at.
            final String endpoint = i % 2 == 0 ? FuzzerNode.ENDPOINT.toString() : "127.0.0.1:0/" + (6_000 + i);
            send(Target.SCHEDULER, rig.frames.connect(rig.buffer, 5_500_000 + i, 7_000_000 + i, endpoint));
            send(Target.STORAGE, rig.frames.connect(rig.buffer, 5_600_000 + i, 7_000_000 + i, endpoint));
        }
        // Each role handles its stream in order: once a request sent after the Connects is answered, all were handled.
        final long list = 5_700_000;
        final long get = 5_700_001;
        send(Target.SCHEDULER, rig.frames.listFunctions(rig.buffer, list, FuzzerNode.ID));
        send(Target.STORAGE, rig.frames.kvsGet(rig.buffer, rig.frames.noShape(), get, FuzzerNode.ID, HostileFrames.utf8("zz-after")));
        rig.fuzzer.awaitAnswers(List.of(list, get), ANSWERED, "requests after the Connects");
        final int logsAfter = logs(publications);
        // A closed link's log stays until the driver's linger ends (5 s by default): wait for them to go.
        Await.until(() -> logs(publications) - logsBefore <= 2 * HostileRig.MAX_LINKS, Duration.ofSeconds(60),
            Duration.ofMillis(100), () -> "the scheduler's and the storage node's links stay within their bounds: " +
            logsBefore + " -> " + logs(publications) + " publication logs");
        final int logsSettled = logs(publications);
        final long refused = refusedConnects() - refusedBefore;
        final long closed = rig.sum(CounterDescriptor.LINKS_CLOSED) - closedBefore;
        System.out.println("HOSTILE beyond the issue (Connects): " + CONNECTS + " new client ids to the scheduler and to " +
            "the storage node; refused (new-peer window, links, peers) " + refused + ", closed to make room " + closed + "; the driver's publication " +
            "logs " + logsBefore + " -> " + logsAfter + ", " + logsSettled + " once closed links lingered out (bound " +
            HostileRig.MAX_LINKS + " per role)");
        assertTrue(refused > 0, "past the new-peer window and the bounds Connects are refused, counted");
    }

    private long refusedConnects()
    {
        return rig.sum(CounterDescriptor.CONNECTS_REFUSED) + rig.sum(CounterDescriptor.LINKS_REFUSED) +
            rig.sum(CounterDescriptor.PEERS_REFUSED);
    }

    private static int logs(final java.io.File publications)
    {
        final String[] names = publications.list();
        return null == names ? 0 : names.length;
    }

    /** 1,000 distinct keys of 1 KB each, about 1 MB in one frame. */
    private static byte[][] largeKeys(final String owner, final int frame)
    {
        final byte[][] keys = new byte[KEYS_PER_SUBSCRIBE][];
        for (int k = 0; k < KEYS_PER_SUBSCRIBE; k++)
        {
            final byte[] key = new byte[1024];
            java.util.Arrays.fill(key, (byte)'k');
            final byte[] name = HostileFrames.utf8("hk/" + owner + "-" + frame + "-" + k + "/");
            System.arraycopy(name, 0, key, 0, name.length);
            keys[k] = key;
        }
        return keys;
    }

    private void send(final Target target, final int length)
    {
        rig.fuzzer.send(target, rig.buffer, length);
    }
}
