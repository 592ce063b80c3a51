package io.droplet.executors;

import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.CapacityEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionLane;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.InvocationsCompletedEncoder;
import io.droplet.codecs.sbe.KvsGetResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The publishers claim a message's length before encoding it in place: the length they compute must be
 * the length the encoder writes, or a claim would be cut short or padded.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PublisherLengthTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void triggerLength()
    {
        final UnsafeBuffer names = new UnsafeBuffer(bytes("incsquarex"));
        final StageSchedule schedule = new StageSchedule();
        schedule.reset(names);
        schedule.addStage(10, 0, 3);
        schedule.addStage(11, 3, 6);
        schedule.addStage(12, 9, 1);
        schedule.addEdge(0, 1);
        schedule.addEdge(1, 2);

        final TriggerEncoder encoder = new TriggerEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder);
        final TriggerEncoder.ScheduleEncoder stages = encoder.scheduleCount(3);
        for (int s = 0; s < 3; s++)
        {
            stages.next().executor(schedule.executor(s)).putFunction(names, schedule.functionOffset(s), schedule.functionLength(s));
        }
        final TriggerEncoder.EdgesEncoder edges = encoder.edgesCount(2);
        edges.next().fromStage(0).toStage(1);
        edges.next().fromStage(1).toStage(2);
        encoder.putArgs(new byte[17], 0, 17);

        assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), ExecutorPublisher.triggerLength(schedule, 17));
    }

    @Test
    void executorHeartbeatLength()
    {
        final List<byte[]> functions = List.of(bytes("increment"), bytes("ns/square"));
        final byte[] endpoint = bytes("127.0.0.1:0:5010");
        final HeartbeatEncoder encoder = new HeartbeatEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .workers(16).freeSlots(3);
        final HeartbeatEncoder.FunctionsEncoder group = encoder.functionsCount(functions.size());
        for (final byte[] name : functions)
        {
            group.next().lane(FunctionLane.INLINE).putName(name, 0, name.length);
        }
        encoder.putEndpoint(endpoint, 0, endpoint.length).putCachedKeySummary(new byte[0], 0, 0);

        assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
            ExecutorPublisher.heartbeatLength(functions, endpoint.length));
    }

    @Test
    void capacityLength()
    {
        final CapacityEncoder encoder = new CapacityEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .executor(10).startedAt(1).workers(16).freeSlots(2);

        assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), ExecutorPublisher.capacityLength());
    }

    @Test
    void invocationsCompletedLength()
    {
        final InvocationsCompletedEncoder encoder = new InvocationsCompletedEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .executor(10);
        final InvocationsCompletedEncoder.InvocationsEncoder group = encoder.invocationsCount(Completions.BATCH);
        for (int i = 0; i < Completions.BATCH; i++)
        {
            group.next().invocationId(i);
        }

        assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
            ExecutorPublisher.invocationsCompletedLength(Completions.BATCH));
    }

    @Test
    void cacheAnnouncementLength()
    {
        final byte[] endpoint = bytes("127.0.0.1:0:5030");
        final byte[] summary = new byte[64];
        final HeartbeatEncoder whole = new HeartbeatEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder);
        whole.functionsCount(0);
        whole.putEndpoint(endpoint, 0, endpoint.length).putCachedKeySummary(summary, 0, summary.length);

        assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + whole.encodedLength(),
            CachePublisher.announceLength(endpoint.length, summary.length));
    }

    @Test
    void cacheAnswerLength()
    {
        final KvsGetResponseEncoder encoder = new KvsGetResponseEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(1).code(ErrorCode.NONE);
        encoder.entriesCount(1).next().found(BooleanType.TRUE).putKey(bytes("key"), 0, 3).putValue(new byte[40], 0, 40);

        assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), CachePublisher.getResponseLength(3, 40));
    }
}
