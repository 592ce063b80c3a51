package io.droplet.client;

import io.droplet.codecs.sbe.AckEncoder;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.BroadcastStartedEncoder;
import io.droplet.codecs.sbe.ChallengeEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorEncoder;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.FunctionListEncoder;
import io.droplet.codecs.sbe.KvsGetResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ResultEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each template a client receives reaches the listener's typed method once, with its fields, and
 * variable-length fields as views of the received frame.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientAdapterTest
{
    private static final int OFFSET = 8;

    private final List<String> told = new ArrayList<>();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ClientAdapter adapter = new ClientAdapter(new Recording());

    @Test
    void decodesTheSchedulersAnswers()
    {
        final ResultEncoder result = new ResultEncoder();
        result.wrapAndApplyHeader(buffer, OFFSET, header).correlationId(7).invocationId(1).executor(10)
            .putValue(new byte[]{1, 2, 3}, 0, 3);
        adapter.onFrame(ResultEncoder.TEMPLATE_ID, buffer, OFFSET, 0);

        new BroadcastStartedEncoder().wrapAndApplyHeader(buffer, OFFSET, header).correlationId(8).executors(3);
        adapter.onFrame(BroadcastStartedEncoder.TEMPLATE_ID, buffer, OFFSET, 0);

        final FunctionListEncoder list = new FunctionListEncoder();
        final FunctionListEncoder.FunctionsEncoder functions =
            list.wrapAndApplyHeader(buffer, OFFSET, header).correlationId(9).functionsCount(2);
        functions.next().version(0).kind(FunctionKind.JAVA).name("square");
        functions.next().version(1).kind(FunctionKind.LOCAL).name("increment");
        adapter.onFrame(FunctionListEncoder.TEMPLATE_ID, buffer, OFFSET, 0);

        new ChallengeEncoder().wrapAndApplyHeader(buffer, OFFSET, header).correlationId(11).expiresAt(0)
            .putNonce(new byte[]{9, 9}, 0, 2);
        adapter.onFrame(ChallengeEncoder.TEMPLATE_ID, buffer, OFFSET, 0);

        assertEquals(List.of("result 7 10 [1, 2, 3]", "broadcastStarted 8 3", "functionList 9", "name 9 square",
            "name 9 increment", "functionListComplete 9", "challenge 11 [9, 9]"), told);
    }

    @Test
    void decodesTheRepliesEveryNodeSendsAndTheStorageAnswersThroughTheStorageAdapter()
    {
        new AckEncoder().wrapAndApplyHeader(buffer, OFFSET, header).correlationId(1);
        adapter.onFrame(AckEncoder.TEMPLATE_ID, buffer, OFFSET, 0);

        new ErrorEncoder().wrapAndApplyHeader(buffer, OFFSET, header).correlationId(2).code(ErrorCode.NO_SUCH_DAG).detail("gone");
        adapter.onFrame(ErrorEncoder.TEMPLATE_ID, buffer, OFFSET, 0);

        final KvsGetResponseEncoder.EntriesEncoder entries = new KvsGetResponseEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, header).correlationId(3).code(ErrorCode.NONE).entriesCount(2);
        entries.next().found(BooleanType.TRUE).putKey(new byte[]{1}, 0, 1).putValue(new byte[]{4, 5}, 0, 2);
        entries.next().found(BooleanType.FALSE).putKey(new byte[]{2}, 0, 1).putValue(new byte[0], 0, 0);
        adapter.onFrame(KvsGetResponseEncoder.TEMPLATE_ID, buffer, OFFSET, 0);

        assertEquals(List.of("ack 1", "error 2 NO_SUCH_DAG gone", "getResponse 3", "entry 3 0 true [1] [4, 5]",
            "entry 3 1 false [2] []", "getComplete 3"), told);
    }

    private static String bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        return java.util.Arrays.toString(copy);
    }

    private final class Recording implements ClientListener
    {
        public void onResult(final long correlationId, final long executor, final DirectBuffer buffer, final int offset, final int length)
        {
            told.add("result " + correlationId + " " + executor + " " + bytes(buffer, offset, length));
        }

        public void onBroadcastStarted(final long correlationId, final int executors)
        {
            told.add("broadcastStarted " + correlationId + " " + executors);
        }

        public boolean onFunctionList(final long correlationId)
        {
            told.add("functionList " + correlationId);
            return true;
        }

        public void onFunctionName(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            told.add("name " + correlationId + " " + buffer.getStringWithoutLengthUtf8(offset, length));
        }

        public void onFunctionListComplete(final long correlationId)
        {
            told.add("functionListComplete " + correlationId);
        }

        public void onChallenge(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            told.add("challenge " + correlationId + " " + bytes(buffer, offset, length));
        }

        public void onConnected(final long correlationId, final long sessionId)
        {
            told.add("connected " + correlationId + " " + sessionId);
        }

        public void onPutResponse(final long correlationId, final ErrorCode code)
        {
            told.add("putResponse " + correlationId + " " + code);
        }

        public boolean onGetResponse(final long correlationId, final ErrorCode code)
        {
            told.add("getResponse " + correlationId);
            return true;
        }

        public void onGetEntry(
            final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
            final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
        {
            told.add("entry " + correlationId + " " + index + " " + found + " " + bytes(buffer, keyOffset, keyLength) + " " +
                bytes(buffer, valueOffset, valueLength));
        }

        public void onGetComplete(final long correlationId)
        {
            told.add("getComplete " + correlationId);
        }

        public void onAck(final long correlationId)
        {
            told.add("ack " + correlationId);
        }

        public void onKeyUpdate(
            final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength, final int valueOffset,
            final int valueLength)
        {
            told.add("keyUpdate " + source);
        }

        public void onError(
            final long correlationId, final ErrorCode code, final DirectBuffer buffer, final int offset, final int length)
        {
            told.add("error " + correlationId + " " + code + " " + buffer.getStringWithoutLengthUtf8(offset, length));
        }
    }
}
