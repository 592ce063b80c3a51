package io.droplet.soak;

import io.droplet.codecs.FrameLimits;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.FrameValidator;
import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallFunctionDecoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.CancelDecoder;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.DeleteDagDecoder;
import io.droplet.codecs.sbe.DeleteFunctionDecoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.KvsGetDecoder;
import io.droplet.codecs.sbe.KvsMultiGetDecoder;
import io.droplet.codecs.sbe.KvsPutDecoder;
import io.droplet.codecs.sbe.ListFunctionsDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.RegisterDagDecoder;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import io.droplet.codecs.sbe.SubscribeDecoder;
import io.droplet.codecs.sbe.UnsubscribeDecoder;
import io.droplet.soak.FuzzerNode.Target;
import io.droplet.test.Await;
import io.droplet.transport.CounterDescriptor;
import io.droplet.transport.TransportCounters;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs the seeded {@link TemplateMutator} against the node and checks, for every frame, what the node owes it:
 * <ul>
 *   <li>a frame the transport's own {@link FrameValidator} rejects (checked here, with the limits the node runs
 *   with) is rejected and counted by the node: the node's rejection counters grow by exactly the number of such
 *   frames; and one whose correlation id and caller can be read, and whose caller is this fuzzer, is answered
 *   MALFORMED or PAYLOAD_TOO_LARGE;</li>
 *   <li>a frame still valid after mutation is decoded here: a request this fuzzer is the caller of, which its role
 *   answers exactly once (a call in mode FG or BG whose deadline is 20 to 40 seconds away, a registry request,
 *   a cancel, a get, a put, a subscription), is answered exactly once, whatever the answer; any other request in FG or BG
 *   mode is answered at most once; periodic calls the node took are cancelled by their caller at the end.</li>
 * </ul>
 * A request is checked only if its correlation id went out once (a mutation can make two frames share one). A call
 * whose deadline passes while it runs on an executor is cancelled and dropped without an answer (its caller times
 * it out itself), so calls are sent with deadlines 30 seconds away, past any flood here.
 * <p>
 * <b>Note:</b> not thread-safe; runs on the test's thread.
 */
final class TemplateFuzzer
{
    /** Frames sent: 50,000 by default, {@code -Dsoak.hostile.frames=500000} (or more) for the slow profile. */
    static final int FRAMES = Integer.getInteger("soak.hostile.frames", 50_000);
    private static final long FIRST_CORRELATION_ID = 1_000_000_000L;
    /** How far ahead the calls' deadlines are, before mutation. */
    static final long CALL_DEADLINE_NS = 30_000_000_000L;
    /** A call is owed an answer if its deadline (after mutation) is within this of where it was put. */
    private static final long DEADLINE_SLACK_NS = 10_000_000_000L;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;

    private enum Owed
    {
        ONCE, AT_MOST_ONCE
    }

    private final HostileRig rig;
    private final FrameValidator validator = new FrameValidator(FrameLimits.DEFAULT);
    private final Map<Long, Integer> sends = new HashMap<>();
    private final Map<Long, Owed> owed = new HashMap<>();
    /** The frames of the requests owed an answer, in hex, to say which went unanswered. */
    private final Map<Long, String> owedFrames = new HashMap<>();
    private final List<Long> rejectedAnswerable = new ArrayList<>();
    private final List<long[]> periodic = new ArrayList<>();
    private final Map<String, Integer> byTemplate = new TreeMap<>();
    private long rejected;
    private long valid;
    private long validConnects;

    TemplateFuzzer(final HostileRig rig)
    {
        this.rig = rig;
    }

    /**
     * Sends {@link #FRAMES} mutated frames, then checks what the node owes them.
     *
     * @param seed of the mutations.
     */
    void run(final long seed)
    {
        final TemplateMutator mutator = new TemplateMutator(seed, FuzzerNode.ID, FIRST_CORRELATION_ID);
        final long rejectedBefore = rejectedCount();
        final long start = System.nanoTime();
        for (int i = 0; i < FRAMES; i++)
        {
            final int length = mutator.next();
            final DirectBuffer frame = mutator.buffer();
            final Target target = mutator.template().target;
            classify(frame, length, target);
            byTemplate.merge(mutator.template().name(), 1, Integer::sum);
            rig.fuzzer.send(target, frame, length);
            if (i > 0 && i % 100_000 == 0)
            {
                System.out.println("HOSTILE fuzzer sent " + i + " frames");
            }
        }
        System.out.printf("HOSTILE fuzzer: %d frames in %.1f s: %d rejected here (%d of them answerable), %d valid (%d owed an " +
            "answer), %d valid Connects sent; by template %s; mutations applied %s%n", FRAMES,
            (System.nanoTime() - start) / 1e9, rejected, rejectedAnswerable.size(), valid, owed.size(), validConnects, byTemplate,
            mutationSummary(mutator));

        Await.until(() -> rejectedCount() - rejectedBefore >= rejected, Duration.ofSeconds(120), Duration.ofMillis(50),
            () -> "the node counted " + (rejectedCount() - rejectedBefore) + " rejected frames of " + rejected);
        System.out.println("HOSTILE fuzzer Connects: refused (new-peer window full) " + rig.sum(CounterDescriptor.CONNECTS_REFUSED) +
            ", claims refused (a node's id, a peer connected elsewhere, or the directory full) " +
            rig.sum(CounterDescriptor.PEERS_REFUSED) + ", links refused " + rig.sum(CounterDescriptor.LINKS_REFUSED) +
            ", unconnected links closed " + rig.sum(CounterDescriptor.LINKS_CLOSED));
        final List<Long> mustAnswer = new ArrayList<>();
        owed.forEach((id, how) ->
        {
            if (how == Owed.ONCE && sends.get(id) == 1)
            {
                mustAnswer.add(id);
            }
        });
        final List<Long> mustRefuse = new ArrayList<>();
        for (final long id : rejectedAnswerable)
        {
            if (sends.get(id) == 1)
            {
                mustRefuse.add(id);
            }
        }
        final List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        try
        {
            Await.until(() -> unanswered(mustAnswer) + unanswered(mustRefuse) == 0, Duration.ofSeconds(90), Duration.ofMillis(50),
                () -> unanswered(mustAnswer) + " of " + mustAnswer.size() + " valid requests and " + unanswered(mustRefuse) +
                " of " + mustRefuse.size() + " rejected ones unanswered; first unanswered " + firstUnanswered(mustAnswer, mustRefuse));
        }
        catch (final AssertionError unanswered)
        {
            // Reported with the other checks, which still run.
            checks.add(() ->
            {
                throw unanswered;
            });
        }
        finally
        {
            cancelPeriodicCalls();
        }
        System.out.println("HOSTILE fuzzer answers: to valid requests " + rig.fuzzer.codes(mustAnswer) + "; to rejected frames " +
            rig.fuzzer.codes(mustRefuse));
        final long counted = rejectedCount() - rejectedBefore;
        checks.add(() -> assertEquals(rejected, counted, "every frame rejected here was rejected and counted by the node once"));
        final List<Long> answeredTwice = new ArrayList<>();
        owed.forEach((id, how) ->
        {
            if (sends.get(id) == 1 && rig.fuzzer.answers(id) > 1)
            {
                answeredTwice.add(id);
            }
        });
        checks.add(() -> assertEquals(List.of(), answeredTwice.subList(0, Math.min(10, answeredTwice.size())),
            "requests answered more than once"));
        final Map<String, Long> refusals = rig.fuzzer.codes(mustRefuse);
        refusals.remove(ErrorCode.MALFORMED.name());
        refusals.remove(ErrorCode.PAYLOAD_TOO_LARGE.name());
        refusals.remove("unanswered");
        checks.add(() -> assertEquals(Map.of(), refusals, "rejected frames are answered MALFORMED or PAYLOAD_TOO_LARGE"));
        checks.add(() -> rig.awaitCounterAtMost(io.droplet.transport.CounterDescriptor.SCHEDULER_PERIODIC_CALLS, 0,
            Duration.ofSeconds(30)));
        org.junit.jupiter.api.Assertions.assertAll(checks.stream());
    }

    /**
     * Records what the node owes a frame.
     */
    private void classify(final DirectBuffer frame, final int length, final Target target)
    {
        final FrameRejection rejection = validator.validate(frame, 0, length);
        if (rejection != FrameRejection.NONE)
        {
            rejected++;
            final long correlationId = validator.correlationId(frame, 0, length);
            final long replyTo = validator.replyTo(frame, 0, length);
            if (correlationId != Long.MIN_VALUE)
            {
                sends.merge(correlationId, 1, Integer::sum);
                if (replyTo == FuzzerNode.ID)
                {
                    rejectedAnswerable.add(correlationId);
                }
            }
            return;
        }
        final int templateId = FrameValidator.templateId(frame, 0, length);
        if (templateId == ConnectDecoder.TEMPLATE_ID)
        {
            // A valid Connect under some client id: answered Connected at the endpoint it names, or its link refused
            // (counted) once the role holds as many as it may. Owed nothing this fuzzer can see.
            validConnects++;
            return;
        }
        valid++;
        // Every request template mutated here has its correlation id first in its block.
        final long correlationId = frame.getLong(HEADER, ByteOrder.LITTLE_ENDIAN);
        sends.merge(correlationId, 1, Integer::sum);
        final Owed owes = owed(frame, templateId, target, correlationId);
        if (null != owes)
        {
            owed.put(correlationId, owes);
            if (owes == Owed.ONCE)
            {
                final byte[] bytes = new byte[Math.min(length, 256)];
                frame.getBytes(0, bytes);
                owedFrames.put(correlationId, target + " " + length + " B: " + java.util.HexFormat.of().formatHex(bytes));
            }
        }
    }

    private Owed owed(final DirectBuffer frame, final int templateId, final Target target, final long correlationId)
    {
        if (target == Target.SCHEDULER)
        {
            switch (templateId)
            {
                case CallFunctionDecoder.TEMPLATE_ID:
                    return call(frame, correlationId, CallFunctionDecoder.replyToEncodingOffset(),
                        CallFunctionDecoder.deadlineEncodingOffset(), CallFunctionDecoder.modeEncodingOffset());
                case CallDagDecoder.TEMPLATE_ID:
                    return call(frame, correlationId, CallDagDecoder.replyToEncodingOffset(), CallDagDecoder.deadlineEncodingOffset(),
                        CallDagDecoder.modeEncodingOffset());
                case RegisterFunctionDecoder.TEMPLATE_ID:
                    return callerIs(frame, RegisterFunctionDecoder.sessionIdEncodingOffset());
                case RegisterDagDecoder.TEMPLATE_ID:
                    return callerIs(frame, RegisterDagDecoder.sessionIdEncodingOffset());
                case DeleteFunctionDecoder.TEMPLATE_ID:
                    return callerIs(frame, DeleteFunctionDecoder.sessionIdEncodingOffset());
                case DeleteDagDecoder.TEMPLATE_ID:
                    return callerIs(frame, DeleteDagDecoder.sessionIdEncodingOffset());
                case ListFunctionsDecoder.TEMPLATE_ID:
                    return callerIs(frame, ListFunctionsDecoder.sessionIdEncodingOffset());
                case CancelDecoder.TEMPLATE_ID:
                    // Acknowledged, or INVALID_ARGUMENT for a call that is not the caller's.
                    return callerIs(frame, CancelDecoder.sessionIdEncodingOffset());
                default:
                    return null;
            }
        }
        switch (templateId)
        {
            case KvsGetDecoder.TEMPLATE_ID:
                return callerIs(frame, KvsGetDecoder.replyToEncodingOffset());
            case KvsMultiGetDecoder.TEMPLATE_ID:
                return callerIs(frame, KvsMultiGetDecoder.replyToEncodingOffset());
            case KvsPutDecoder.TEMPLATE_ID:
                return callerIs(frame, KvsPutDecoder.replyToEncodingOffset());
            case SubscribeDecoder.TEMPLATE_ID:
                return callerIs(frame, SubscribeDecoder.subscriberEncodingOffset());
            case UnsubscribeDecoder.TEMPLATE_ID:
                return callerIs(frame, UnsubscribeDecoder.subscriberEncodingOffset());
            default:
                return null;
        }
    }

    private Owed call(final DirectBuffer frame, final long correlationId, final int replyToOffset, final int deadlineOffset,
        final int modeOffset)
    {
        final long replyTo = field(frame, replyToOffset);
        final CallMode mode = CallMode.get((short)(frame.getByte(HEADER + modeOffset) & 0xFF));
        if (mode == CallMode.PERIOD)
        {
            periodic.add(new long[]{ correlationId, replyTo });
            return null;
        }
        if (replyTo != FuzzerNode.ID || (mode != CallMode.FG && mode != CallMode.BG))
        {
            return null;
        }
        final long deadline = field(frame, deadlineOffset);
        final long now = System.currentTimeMillis() * 1_000_000L;
        // A call may wait for a free slot until its deadline, so only one whose deadline is not far promises an answer
        // soon; and a pooled run still running at its deadline is cancelled and dropped unanswered (the caller times
        // it out itself), so only one whose deadline is not near promises one at all.
        final long wanted = now + CALL_DEADLINE_NS;
        return deadline > wanted - DEADLINE_SLACK_NS && deadline < wanted + DEADLINE_SLACK_NS ? Owed.ONCE : Owed.AT_MOST_ONCE;
    }

    private static Owed callerIs(final DirectBuffer frame, final int callerOffset)
    {
        return FuzzerNode.ID == field(frame, callerOffset) ? Owed.ONCE : null;
    }

    private static long field(final DirectBuffer frame, final int offset)
    {
        return frame.getLong(HEADER + offset, ByteOrder.LITTLE_ENDIAN);
    }

    /** Periodic calls the node may have taken run until their caller cancels them: the fuzzer cancels each. */
    private void cancelPeriodicCalls()
    {
        for (final long[] call : periodic)
        {
            rig.fuzzer.send(Target.SCHEDULER, rig.buffer, rig.frames.cancel(rig.buffer, call[0], call[1]));
        }
        System.out.println("HOSTILE fuzzer: cancelled " + periodic.size() + " periodic calls it may have started");
    }

    private long rejectedCount()
    {
        return rig.deployment.sum(TransportCounters.REJECTED_BY_REASON_TYPE_ID, "");
    }

    private long unanswered(final List<Long> ids)
    {
        return ids.stream().filter(id -> rig.fuzzer.answers(id) == 0).count();
    }

    private String firstUnanswered(final List<Long> mustAnswer, final List<Long> mustRefuse)
    {
        final List<String> frames = new ArrayList<>();
        mustAnswer.stream().filter(id -> rig.fuzzer.answers(id) == 0).limit(5).forEach(id -> frames.add(id + " " + owedFrames.get(id)));
        mustRefuse.stream().filter(id -> rig.fuzzer.answers(id) == 0).limit(5).forEach(id -> frames.add(id + " (rejected)"));
        return frames.toString();
    }

    private static String mutationSummary(final TemplateMutator mutator)
    {
        final Map<String, Integer> counts = new TreeMap<>();
        for (final TemplateMutator.Mutation mutation : TemplateMutator.Mutation.values())
        {
            counts.put(mutation.name(), mutator.mutationCounts()[mutation.ordinal()]);
        }
        return counts.toString();
    }
}
