package io.droplet.scheduler;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.CapacityEncoder;
import io.droplet.codecs.sbe.FunctionLane;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.InvocationsCompletedEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterFunctionEncoder;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The adapter decodes each template into one typed call, with views into the frame.
 */
@Timeout(10)
class ClientRequestAdapterTest
{
    private final List<String> calls = new ArrayList<>();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    private static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthUtf8(offset, length);
    }

    private static String args(final SourceArgs args, final int stage)
    {
        final int length = args.length(stage);
        if (length < 0)
        {
            return "-";
        }
        final StringBuilder bytes = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            bytes.append(args.buffer().getByte(args.offset(stage) + i));
        }
        return bytes.toString();
    }

    private final ClientRequestListener listener = new ClientRequestListener()
    {
        public void onCallDag(final long correlationId, final long replyTo, final long deadline, final CallMode mode,
            final DirectBuffer dag, final int dagOffset, final int dagLength, final SourceArgs sourceArgs)
        {
            calls.add("dag " + correlationId + " " + replyTo + " " + deadline + " " + mode + " " +
                text(dag, dagOffset, dagLength) + " " + args(sourceArgs, 0) + " " + args(sourceArgs, 1) + " " +
                args(sourceArgs, 2));
        }

        public void onCallFunction(final long correlationId, final long replyTo, final long deadline, final CallMode mode,
            final long periodNs, final long[] times, final int timesCount, final DirectBuffer function,
            final int functionOffset, final int functionLength, final SourceArgs sourceArgs)
        {
            final StringBuilder at = new StringBuilder();
            for (int t = 0; t < timesCount; t++)
            {
                at.append(times[t]).append(',');
            }
            calls.add("function " + correlationId + " " + mode + " " + periodNs + " " + at + " " +
                text(function, functionOffset, functionLength) + " " + args(sourceArgs, 0) + " " + args(sourceArgs, 1));
        }

        public void onCancel(final long correlationId, final long sessionId)
        {
            calls.add("cancel");
        }

        public void onRegisterFunction(final long correlationId, final long sessionId, final FunctionKind kind,
            final DirectBuffer name, final int nameOffset, final int nameLength, final DirectBuffer frame,
            final int frameOffset, final int frameLength)
        {
            calls.add("register " + correlationId + " " + sessionId + " " + kind + " " + text(name, nameOffset, nameLength) +
                " " + frameOffset + "+" + frameLength);
        }

        public void onDeleteFunction(final long correlationId, final long sessionId, final DirectBuffer name,
            final int nameOffset, final int nameLength)
        {
            calls.add("delete");
        }

        public void onListFunctions(final long correlationId, final long sessionId, final Principal principal)
        {
            calls.add("list");
        }

        public void onRegisterDag(final long correlationId, final long sessionId, final String name,
            final String[] functions, final int[] edgeFrom, final int[] edgeTo, final DirectBuffer frame,
            final int frameOffset, final int frameLength)
        {
            calls.add("registerDag");
        }

        public void onDeleteDag(final long correlationId, final long sessionId, final DirectBuffer name,
            final int nameOffset, final int nameLength)
        {
            calls.add("deleteDag");
        }

        public void onConnect(final long correlationId, final long clientNode, final long sessionToken,
            final DirectBuffer endpoint, final int endpointOffset, final int endpointLength)
        {
            calls.add("connect " + correlationId + " " + clientNode + " " + sessionToken + " " +
                text(endpoint, endpointOffset, endpointLength));
        }

        public void onRejected(final FrameRejection rejection, final DirectBuffer frame, final int offset, final int length)
        {
            calls.add("rejected " + rejection);
        }
    };

    private final ClientRequestAdapter adapter = new ClientRequestAdapter(listener, new MembershipAdapter(
        new MembershipListener()
        {
            public void onHeartbeat(
                final long node, final short roles, final int queueDepth, final int workers, final int freeSlots,
                final long startedAt, final java.util.Set<String> functions, final java.util.Set<String> inline,
                final DirectBuffer endpoint, final int endpointOffset, final int endpointLength, final DirectBuffer summary,
                final int summaryOffset, final int summaryLength)
            {
                calls.add("heartbeat " + node + " " + roles + " " + queueDepth + " " + workers + " " + freeSlots + " " +
                    startedAt + " " + new java.util.TreeSet<>(functions) + " inline " + inline + " " +
                    text(endpoint, endpointOffset, endpointLength) + " " + summaryLength);
            }

            public void onCapacity(final long executor, final long startedAt, final int workers, final int freeSlots)
            {
                calls.add("capacity " + executor + " " + startedAt + " " + workers + " " + freeSlots);
            }

            public void onInvocationCompleted(final long executor, final long invocationId)
            {
                calls.add("completed " + executor + " " + invocationId);
            }
        }));

    @Test
    void decodesCallsWithArgumentsPerSourceStage()
    {
        final CallDagEncoder callDag = new CallDagEncoder().wrapAndApplyHeader(buffer, 8, header)
            .correlationId(5).sessionId(6).replyTo(7).deadline(8).mode(CallMode.NO_RETURN).periodNs(0);
        final CallDagEncoder.SourceArgsEncoder sources = callDag.sourceArgsCount(2);
        sources.next().stage(ClientRequestAdapter.ALL_SOURCES).putArgs(new byte[]{ 1, 2 }, 0, 2);
        sources.next().stage(2).putArgs(new byte[]{ 9 }, 0, 1);
        callDag.dag("pipeline");
        adapter.onFrame(CallDagEncoder.TEMPLATE_ID, buffer, 8, MessageHeaderEncoder.ENCODED_LENGTH + callDag.encodedLength());

        final CallFunctionEncoder callFunction = new CallFunctionEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(11).sessionId(6).replyTo(7).deadline(0).mode(CallMode.PERIOD).periodNs(0);
        final CallFunctionEncoder.TimesEncoder times = callFunction.timesCount(3);
        times.next().at(300);
        times.next().at(100);
        times.next().at(200);
        callFunction.function("tick").putArgs(new byte[]{ 4 }, 0, 1);
        adapter.onFrame(CallFunctionEncoder.TEMPLATE_ID, buffer, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + callFunction.encodedLength());

        assertEquals(List.of(
            "dag 5 7 8 NO_RETURN pipeline 12 12 9",
            "function 11 PERIOD 0 100,200,300, tick 4 -"), calls);
    }

    @Test
    void decodesRegistrationsConnectHeartbeatsAndCompletions()
    {
        final RegisterFunctionEncoder register = new RegisterFunctionEncoder().wrapAndApplyHeader(buffer, 16, header)
            .correlationId(1).sessionId(2).version(0).kind(FunctionKind.JAVA).name("resize").entryPoint("a.B");
        register.putCode(new byte[]{ 1, 2, 3 }, 0, 3);
        final int registerLength = MessageHeaderEncoder.ENCODED_LENGTH + register.encodedLength();
        adapter.onFrame(RegisterFunctionEncoder.TEMPLATE_ID, buffer, 16, registerLength);

        final ConnectEncoder connect = new ConnectEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(3).clientNode(40).timestamp(0).namespaceName("ns").identity("me").replyEndpoint("h:1/2");
        adapter.onFrame(ConnectEncoder.TEMPLATE_ID, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength());

        final HeartbeatEncoder heartbeat = new HeartbeatEncoder().wrapAndApplyHeader(buffer, 0, header)
            .node(12).timestamp(0).roles((short)4).utilisationPerMille(0).queueDepth(3).inFlight(0).startedAt(77)
            .workers(16).freeSlots(5);
        heartbeat.functionsCount(2).next().lane(FunctionLane.POOLED).name("f").next().lane(FunctionLane.INLINE).name("g");
        heartbeat.endpoint("h:0/5012").putCachedKeySummary(new byte[]{ 0, 0 }, 0, 2);
        adapter.onFrame(HeartbeatEncoder.TEMPLATE_ID, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength());

        final CapacityEncoder capacity = new CapacityEncoder().wrapAndApplyHeader(buffer, 0, header)
            .executor(12).startedAt(77).workers(16).freeSlots(9);
        adapter.onFrame(CapacityEncoder.TEMPLATE_ID, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + capacity.encodedLength());

        final InvocationsCompletedEncoder completed = new InvocationsCompletedEncoder().wrapAndApplyHeader(buffer, 0, header)
            .executor(12);
        completed.invocationsCount(2).next().invocationId(5L << 44 | 1).next().invocationId(5L << 44 | 9);
        adapter.onFrame(InvocationsCompletedEncoder.TEMPLATE_ID, buffer, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + completed.encodedLength());

        adapter.onRejected(FrameRejection.TRAILING_BYTES, buffer, 0, 4);

        assertEquals(List.of(
            "register 1 2 JAVA resize 16+" + registerLength,
            "connect 3 40 0 h:1/2",
            "heartbeat 12 4 3 16 5 77 [f, g] inline [g] h:0/5012 2",
            "capacity 12 77 16 9",
            "completed 12 " + (5L << 44 | 1),
            "completed 12 " + (5L << 44 | 9),
            "rejected TRAILING_BYTES"), calls);
    }
}
