package io.droplet.soak;

import io.droplet.api.DropletException;
import io.droplet.codecs.FrameLimits;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Reference;
import io.droplet.codecs.value.Values;
import io.droplet.soak.FuzzerNode.Target;
import io.droplet.transport.CounterDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 15's cases of input read before anyone validated it, or accepted and failing later (items 2, 6 and 7),
 * each sent to the real node process with the answer or the counted drop each must now get:
 * <ul>
 *   <li>item 2: key updates to the host cache whose LWW length says 60,000 bytes while holding 9, for a cached key
 *   and an uncached one, and one swapping a cached LWW for a MAX: each refused and counted, and a function
 *   reading the key sees what the store holds; and a MAX pushed for a key the cache never fetched, whose stored
 *   value is an LWW: a function must see what {@code get} returns;</li>
 *   <li>item 6: the smallest frame, verbatim, 1,000 times: each answered MALFORMED, counted; and calls whose
 *   arguments are one valid value, not a list (found by the fuzzer), more of them than the executor has workers:
 *   each answered MALFORMED;</li>
 *   <li>item 7: a DAG of 64 stages with all 2,016 edges, and a registration of {@code java.lang.Object}:
 *   INVALID_ARGUMENT at registration (nothing registered); a trigger with 100 duplicate edges: MALFORMED; a
 *   {@code KvsGet} whose answer would be 2 bytes over the message limit: PAYLOAD_TOO_LARGE, counted; gossip and
 *   a replica merge from senders outside the ring (the fuzzer, and the node's own id): dropped, counted, not
 *   merged.</li>
 * </ul>
 * <p>
 * <b>Note:</b> not thread-safe; runs on the test's thread.
 */
final class ValidationCases
{
    static final int SMALLEST_FRAMES = 1_000;
    private static final Duration ANSWERED = Duration.ofSeconds(60);
    private static final long STORAGE = 20;

    private final HostileRig rig;

    ValidationCases(final HostileRig rig)
    {
        this.rig = rig;
    }

    /** Item 2: the host cache stores only valid values of the type it holds, and functions read what the store holds. */
    void cacheValuesThatLie()
    {
        final String other = "x".repeat(60_000);
        rig.client.putValue("hk/other", other);
        rig.client.putValue("hk/innocent", "innocent");
        // Another key's 60,000 bytes pass through the executor's buffers first, as in the issue.
        assertEquals(other, rig.client.call("echo", Reference.of("hk/other")));
        assertEquals("innocent", rig.client.call("echo", Reference.of("hk/innocent")), "cached as an LWW");

        final long rejectedBefore = rig.sum(CounterDescriptor.CACHE_VALUES_REJECTED);
        keyUpdate("hk/innocent", HostileFrames.lyingLww(9, 60_000));
        keyUpdate("hk/fresh", HostileFrames.lyingLww(9, 60_000));
        keyUpdate("hk/innocent", HostileFrames.max(666));
        rig.awaitCounter(CounterDescriptor.CACHE_VALUES_REJECTED, rejectedBefore, 3, ANSWERED);
        assertEquals(3, rig.sum(CounterDescriptor.CACHE_VALUES_REJECTED) - rejectedBefore, "each refused and counted");
        assertEquals("innocent", rig.client.call("echo", Reference.of("hk/innocent")), "neither the lie nor the MAX was taken");
        rig.client.putValue("hk/fresh", "fresh");
        assertEquals("fresh", rig.client.call("echo", Reference.of("hk/fresh")), "an uncached key's lie was not taken");

        // A MAX for a key the cache never fetched; a lie after it shows when the cache has handled both.
        rig.client.putValue("hk/unsolicited", "truth");
        final long beforeUnsolicited = rig.sum(CounterDescriptor.CACHE_VALUES_REJECTED);
        keyUpdate("hk/unsolicited", HostileFrames.max(666));
        keyUpdate("hk/marker", HostileFrames.lyingLww(9, 60_000));
        rig.awaitCounter(CounterDescriptor.CACHE_VALUES_REJECTED, beforeUnsolicited, 1, ANSWERED);
        final Object seen = rig.client.call("echo", Reference.of("hk/unsolicited"));
        System.out.println("HOSTILE item 2: values refused by the host cache " +
            (rig.sum(CounterDescriptor.CACHE_VALUES_REJECTED) - rejectedBefore) + "; a function reading a key the cache " +
            "was pushed a MAX for unasked sees " + seen + " (get returns " + rig.client.get("hk/unsolicited") + ")");
        assertEquals("truth", seen, "a function sees what get returns, not a value pushed for a key nobody asked for");
    }

    /** Item 6: the smallest frame found, sent as it is, many times. */
    void smallestFrame()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(HostileFrames.smallestFrame());
        final long malformedBefore = rig.sum(CounterDescriptor.SCHEDULER_CALLS_MALFORMED);
        final long answersBefore = rig.fuzzer.answers(1);
        for (int i = 0; i < SMALLEST_FRAMES; i++)
        {
            rig.fuzzer.send(Target.SCHEDULER, frame, frame.capacity());
        }
        rig.awaitCounter(CounterDescriptor.SCHEDULER_CALLS_MALFORMED, malformedBefore, SMALLEST_FRAMES, ANSWERED);
        io.droplet.test.Await.until(() -> rig.fuzzer.answers(1) - answersBefore >= SMALLEST_FRAMES, ANSWERED,
            () -> "answers to the smallest frame: " + (rig.fuzzer.answers(1) - answersBefore));
        final FuzzerNode.Answer answer = rig.fuzzer.answer(1);
        System.out.println("HOSTILE item 6: " + SMALLEST_FRAMES + " smallest frames: " + answer + ", counted malformed " +
            (rig.sum(CounterDescriptor.SCHEDULER_CALLS_MALFORMED) - malformedBefore));
        assertEquals(SMALLEST_FRAMES, answer.count.get() - answersBefore, "each answered once");
        assertEquals(answer.count.get(), answer.count(ErrorCode.MALFORMED), "MALFORMED, not TIMEOUT");
        assertEquals(SMALLEST_FRAMES, rig.sum(CounterDescriptor.SCHEDULER_CALLS_MALFORMED) - malformedBefore, "each counted");
    }

    /**
     * Found by the fuzzer (seed 35558785532066): a call whose source stage's arguments are one valid value rather than
     * the list of arguments every client writes passed every check, and its pooled run threw before the function
     * ran, ending a worker's thread (16 such calls took every worker) and never answering. Sent more times than
     * the executor has workers: each is answered MALFORMED, and pooled functions still run.
     */
    void argumentsThatAreNotAList()
    {
        final long first = 6_100_000;
        final int calls = 40;
        final byte[] notAList = Values.toBytes(5L, new CodecRegistry());
        // An EXTENSION value (codec type id 1, 55 bytes): the frame the fuzzer found, one bit away from a LIST.
        final byte[] extension = new byte[1 + 4 + 4 + 55];
        extension[0] = 10;
        extension[1] = 1;
        extension[5] = 55;
        for (int i = 0; i < calls; i++)
        {
            send(Target.SCHEDULER, rig.frames.callDag(rig.buffer, rig.frames.noShape(), first + i, FuzzerNode.ID,
                System.currentTimeMillis() * 1_000_000L + 10_000_000_000L, io.droplet.codecs.sbe.CallMode.FG, 0, "dag",
                new int[]{ 0 }, new byte[][]{ i % 2 == 0 ? notAList : extension }));
        }
        final List<Long> ids = FuzzerNode.range(first, calls);
        rig.fuzzer.awaitAnswers(ids, ANSWERED, "calls whose arguments are not a list");
        System.out.println("HOSTILE arguments not a list: " + rig.fuzzer.codes(ids));
        assertEquals(Map.of(ErrorCode.MALFORMED.name(), (long)calls), rig.fuzzer.codes(ids), "each refused");
        assertEquals(3L, rig.client.call("size", (Object)new byte[3]), "pooled functions still run");
    }

    /** Item 7: registrations that could only fail later, and requests whose handling threw. */
    void acceptedNowFailingLater()
    {
        final long first = 7_000_000;
        final long refusedBefore = rig.sum(CounterDescriptor.SCHEDULER_REGISTRATIONS_REFUSED);
        final List<Integer> from = new ArrayList<>();
        final List<Integer> to = new ArrayList<>();
        for (int a = 0; a < 64; a++)
        {
            for (int b = a + 1; b < 64; b++)
            {
                from.add(a);
                to.add(b);
            }
        }
        send(Target.SCHEDULER, rig.frames.registerDag(rig.buffer, rig.frames.noShape(), first, FuzzerNode.ID, "zz-complete",
            Collections.nCopies(64, "increment"), from.stream().mapToInt(Integer::intValue).toArray(),
            to.stream().mapToInt(Integer::intValue).toArray()));
        send(Target.SCHEDULER, rig.frames.registerFunction(rig.buffer, rig.frames.noShape(), first + 1, FuzzerNode.ID, FunctionKind.JAVA,
            "zz-object", "java.lang.Object", new byte[0]));
        // Stage 1 has 100 edges from stage 0.
        final int[] duplicateFrom = new int[100];
        final int[] duplicateTo = new int[100];
        java.util.Arrays.fill(duplicateTo, 1);
        send(Target.EXECUTOR, rig.frames.trigger(rig.buffer, first + 2, first + 2, FuzzerNode.ID,
            System.currentTimeMillis() * 1_000_000L + 10_000_000_000L, 1, 0, 10, List.of("increment", "square"),
            duplicateFrom, duplicateTo, Values.toBytes(5L, new CodecRegistry())));
        // Its answer would echo the key: 30 bytes of framing and 1 MiB - 28 of key is the limit plus 2.
        final long getsTooLargeBefore = rig.sum(CounterDescriptor.STORE_GETS_TOO_LARGE);
        final byte[] hugeKey = new byte[FrameLimits.DEFAULT_MAX_FRAME_LENGTH - 28];
        java.util.Arrays.fill(hugeKey, (byte)'k');
        final int getLength = rig.frames.kvsGet(rig.buffer, rig.frames.noShape(), first + 3, FuzzerNode.ID, hugeKey);
        assertEquals(FrameLimits.DEFAULT_MAX_FRAME_LENGTH, getLength, "a KvsGet of exactly the message limit");
        send(Target.STORAGE, getLength);

        final List<Long> ids = FuzzerNode.range(first, 4);
        rig.fuzzer.awaitAnswers(ids, ANSWERED, "item 7's requests");
        System.out.println("HOSTILE item 7: 64-stage DAG with 2,016 edges " + rig.fuzzer.answer(first) +
            "; java.lang.Object " + rig.fuzzer.answer(first + 1) + "; trigger with 100 duplicate edges " +
            rig.fuzzer.answer(first + 2) + "; KvsGet 2 bytes over " + rig.fuzzer.answer(first + 3));
        assertEquals(Map.of(ErrorCode.INVALID_ARGUMENT.name(), 2L), rig.fuzzer.codes(ids.subList(0, 2)), "refused at registration");
        assertEquals(2, rig.sum(CounterDescriptor.SCHEDULER_REGISTRATIONS_REFUSED) - refusedBefore, "counted");
        assertEquals(ErrorCode.NO_SUCH_DAG, assertThrows(DropletException.class, () -> rig.client.callDag("zz-complete", 1L)).code());
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, assertThrows(DropletException.class, () -> rig.client.call("zz-object", 1L)).code());
        assertEquals(Map.of(ErrorCode.MALFORMED.name(), 1L), rig.fuzzer.codes(List.of(first + 2)), "duplicate edges");
        assertEquals(Map.of(ErrorCode.PAYLOAD_TOO_LARGE.name(), 1L), rig.fuzzer.codes(List.of(first + 3)), "too large to answer");
        assertEquals(1, rig.sum(CounterDescriptor.STORE_GETS_TOO_LARGE) - getsTooLargeBefore, "counted");

        // Gossip and a replica merge from outside the ring: from the fuzzer, and under the storage node's own id.
        final long gossipBefore = rig.sum(CounterDescriptor.STORE_GOSSIP_FROM_STRANGERS);
        final long mergesBefore = rig.sum(CounterDescriptor.STORE_MERGES_FROM_STRANGERS);
        send(Target.STORAGE, rig.frames.gossip(rig.buffer, FuzzerNode.ID, HostileFrames.utf8("hk/gossiped"), HostileFrames.max(666)));
        send(Target.STORAGE, rig.frames.gossip(rig.buffer, STORAGE, HostileFrames.utf8("hk/gossiped"), HostileFrames.max(666)));
        send(Target.STORAGE, rig.frames.kvsMerge(rig.buffer, first + 4, FuzzerNode.ID, HostileFrames.utf8("hk/merged"),
            HostileFrames.max(666)));
        rig.awaitCounter(CounterDescriptor.STORE_GOSSIP_FROM_STRANGERS, gossipBefore, 2, ANSWERED);
        rig.awaitCounter(CounterDescriptor.STORE_MERGES_FROM_STRANGERS, mergesBefore, 1, ANSWERED);
        System.out.println("HOSTILE item 7: gossip from strangers dropped " +
            (rig.sum(CounterDescriptor.STORE_GOSSIP_FROM_STRANGERS) - gossipBefore) + ", replica merges dropped " +
            (rig.sum(CounterDescriptor.STORE_MERGES_FROM_STRANGERS) - mergesBefore));
        assertNull(rig.client.get("hk/gossiped"), "gossip from outside the ring not merged");
        assertNull(rig.client.get("hk/merged"), "a replica merge from outside the ring not merged");
    }

    private void keyUpdate(final String key, final byte[] value)
    {
        send(Target.CACHE_STORAGE_CLIENT, rig.frames.keyUpdate(rig.buffer, STORAGE, HostileFrames.utf8(key), value));
    }

    private void send(final Target target, final int length)
    {
        rig.fuzzer.send(target, rig.buffer, length);
    }
}
