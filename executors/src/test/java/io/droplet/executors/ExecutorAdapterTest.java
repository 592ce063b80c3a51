package io.droplet.executors;

import io.droplet.codecs.sbe.CancelInvocationEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.KvsPutResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ResultEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LwwLattice;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter decodes a frame once and calls the listener with its fields and views.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ExecutorAdapterTest
{
    private final List<String> calls = new ArrayList<>();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();

    private final ExecutorListener listener = new ExecutorListener()
    {
        public void onCancelInvocation(final long invocationId, final long correlationId)
        {
            calls.add("cancel " + invocationId + " " + correlationId);
        }

        public void onCallResult(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            calls.add("result " + correlationId + " " + length);
        }

        public void onTrigger(
            final long invocationId, final long correlationId, final long replyTo, final long deadline, final int targetStage,
            final int fromStage, final int attempt, final StageSchedule schedule, final DirectBuffer buffer,
            final int argsOffset, final int argsLength)
        {
            final StringBuilder text = new StringBuilder("trigger " + invocationId + " " + correlationId + " " + replyTo + " " +
                deadline + " " + targetStage + " " + fromStage + " " + attempt);
            for (int s = 0; s < schedule.stages(); s++)
            {
                text.append(' ').append(schedule.executor(s)).append(':')
                    .append(schedule.names().getStringWithoutLengthUtf8(schedule.functionOffset(s), schedule.functionLength(s)));
            }
            for (int e = 0; e < schedule.edges(); e++)
            {
                text.append(' ').append(schedule.edgeFrom(e)).append("->").append(schedule.edgeTo(e));
            }
            text.append(" args ").append(buffer.getStringWithoutLengthUtf8(argsOffset, argsLength));
            calls.add(text.toString());
        }

        public void onMalformedTrigger(final long replyTo, final long correlationId, final String reason)
        {
            calls.add("malformed " + replyTo + " " + correlationId + " " + reason);
        }

        public void onCacheAnswer(final long correlationId, final ErrorCode code)
        {
            calls.add("cache answer " + correlationId + " " + code);
        }

        public void onCacheError(final long correlationId, final ErrorCode code)
        {
            calls.add("cache error " + correlationId + " " + code);
        }

        public void onPutResponse(final long correlationId, final ErrorCode code)
        {
            calls.add("put response " + correlationId + " " + code);
        }

        public void onFunctionMessage(
            final long from, final long to, final long invocationId, final DirectBuffer buffer, final int offset, final int length)
        {
            calls.add("message");
        }

        public void onIntroduction(final long node, final String identity, final String replyEndpoint)
        {
            calls.add("introduction");
        }

        public void onRegisterFunction(
            final String name, final long sessionId, final long correlationId, final long version, final FunctionKind kind,
            final String entryPoint, final DirectBuffer code, final int codeOffset, final int codeLength)
        {
            calls.add("register");
        }

        public void onDeleteFunction(final String name)
        {
            calls.add("delete " + name);
        }
    };

    private final ExecutorAdapter adapter = new ExecutorAdapter(listener, null);

    private int encodeTrigger(final int edgeTo)
    {
        final TriggerEncoder encoder = new TriggerEncoder().wrapAndApplyHeader(frame, 0, headerEncoder)
            .invocationId(3).correlationId(4).replyTo(1000).deadline(99).targetStage(1).fromStage(0).attempt(2);
        final TriggerEncoder.ScheduleEncoder schedule = encoder.scheduleCount(2);
        schedule.next().executor(10).putFunction("inc".getBytes(StandardCharsets.UTF_8), 0, 3);
        schedule.next().executor(11).putFunction("square".getBytes(StandardCharsets.UTF_8), 0, 6);
        encoder.edgesCount(1).next().fromStage(0).toStage(edgeTo);
        encoder.putArgs("xyz".getBytes(StandardCharsets.UTF_8), 0, 3);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @Test
    void aTriggerIsDecodedOnceIntoFieldsScheduleAndArgumentsView()
    {
        final int length = encodeTrigger(1);
        adapter.onFrame(TriggerEncoder.TEMPLATE_ID, frame, 0, length);

        assertEquals(List.of("trigger 3 4 1000 99 1 0 2 10:inc 11:square 0->1 args xyz"), calls);
    }

    @Test
    void aTriggerWithAnEdgeToAStageNotScheduledIsMalformed()
    {
        final int length = encodeTrigger(5);
        adapter.onFrame(TriggerEncoder.TEMPLATE_ID, frame, 0, length);

        assertEquals(List.of("malformed 1000 4 " + ExecutorAdapter.EDGE_OUT_OF_RANGE), calls);
    }

    @Test
    void aTriggerWithDuplicateEdgesOrASelfLoopIsMalformed()
    {
        // As the fuzzer sent it: 100 copies of one edge, once made a fan-in expect 100 parents and throw.
        final TriggerEncoder encoder = new TriggerEncoder().wrapAndApplyHeader(frame, 0, headerEncoder)
            .invocationId(3).correlationId(4).replyTo(1000).deadline(99).targetStage(1).fromStage(0).attempt(0);
        final TriggerEncoder.ScheduleEncoder schedule = encoder.scheduleCount(2);
        schedule.next().executor(10).putFunction("inc".getBytes(StandardCharsets.UTF_8), 0, 3);
        schedule.next().executor(11).putFunction("square".getBytes(StandardCharsets.UTF_8), 0, 6);
        final TriggerEncoder.EdgesEncoder edges = encoder.edgesCount(100);
        for (int e = 0; e < 100; e++)
        {
            edges.next().fromStage(0).toStage(1);
        }
        encoder.putArgs("xyz".getBytes(StandardCharsets.UTF_8), 0, 3);
        adapter.onFrame(TriggerEncoder.TEMPLATE_ID, frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        assertEquals(List.of("malformed 1000 4 " + ExecutorAdapter.DUPLICATE_EDGE), calls);

        calls.clear();
        final int selfLoop = encodeTrigger(0);
        adapter.onFrame(TriggerEncoder.TEMPLATE_ID, frame, 0, selfLoop);
        assertEquals(List.of("malformed 1000 4 " + ExecutorAdapter.DUPLICATE_EDGE), calls);

        calls.clear();
        adapter.onFrame(TriggerEncoder.TEMPLATE_ID, frame, 0, encodeTrigger(1));
        assertEquals(1, calls.size());
        assertTrue(calls.get(0).startsWith("trigger"), "a schedule is reset per trigger: " + calls);
    }

    @Test
    void theResultOfANestedCallReachesTheListener()
    {
        final ResultEncoder result = new ResultEncoder().wrapAndApplyHeader(frame, 0, headerEncoder)
            .correlationId(NestedCalls.CORRELATION_BIT | 4).invocationId(8).executor(11);
        result.putValue(new byte[]{ 1, 2, 3 }, 0, 3);
        adapter.onFrame(ResultEncoder.TEMPLATE_ID, frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength());

        assertEquals(List.of("result " + (NestedCalls.CORRELATION_BIT | 4) + " 3"), calls);
    }

    @Test
    void aCancelOfAnInvocationReachesTheListener()
    {
        new CancelInvocationEncoder().wrapAndApplyHeader(frame, 0, headerEncoder).invocationId(5L << 44 | 3).correlationId(9);
        adapter.onFrame(
            CancelInvocationEncoder.TEMPLATE_ID, frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + CancelInvocationEncoder.BLOCK_LENGTH);

        assertEquals(List.of("cancel " + (5L << 44 | 3) + " 9"), calls);
    }

    @Test
    void aPutAcknowledgementReachesTheListener()
    {
        new KvsPutResponseEncoder().wrapAndApplyHeader(frame, 0, headerEncoder).correlationId(17).code(ErrorCode.NOT_CONNECTED);
        adapter.onFrame(
            KvsPutResponseEncoder.TEMPLATE_ID, frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + KvsPutResponseEncoder.BLOCK_LENGTH);

        assertEquals(List.of("put response 17 NOT_CONNECTED"), calls);
    }

    @Test
    void anLwwStatePutIsTheLatticeCodecsEncoding()
    {
        final byte[] value = { 5, 6, 7 };
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int length = LatticeCodec.encodeLww(123, 10, new UnsafeBuffer(value), 0, 3, out, 0, 64);
        final byte[] written = new byte[length];
        out.getBytes(0, written);

        assertArrayEquals(LatticeCodec.toBytes(new LwwLattice(123, 10, value)), written);
        assertEquals(-1, LatticeCodec.encodeLww(123, 10, new UnsafeBuffer(value), 0, 3, out, 0, length - 1));
    }
}
