package io.droplet.scheduler;

import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A trigger is claimed before it is encoded: the length claimed must be the length encoded.
 */
@Timeout(10)
class ExecutorPublisherTest
{
    @Test
    void triggerLengthIsTheEncodedLength()
    {
        final DagDefinition[] dags = {
            DagDefinition.single("f"),
            DagDefinition.of("d", new String[]{ "a", "bé", "long-function-name" }, new int[]{ 0, 1 }, new int[]{ 2, 2 }),
        };
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final byte[] args = new byte[37];
        for (final DagDefinition dag : dags)
        {
            final TriggerEncoder encoder = new TriggerEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
            final TriggerEncoder.ScheduleEncoder schedule = encoder.scheduleCount(dag.stageCount());
            for (int s = 0; s < dag.stageCount(); s++)
            {
                schedule.next().executor(s).putFunction(dag.functionBytes(s), 0, dag.functionBytes(s).length);
            }
            final TriggerEncoder.EdgesEncoder edges = encoder.edgesCount(dag.edgeCount());
            for (int e = 0; e < dag.edgeCount(); e++)
            {
                edges.next().fromStage(dag.edgeFrom(e)).toStage(dag.edgeTo(e));
            }
            encoder.putArgs(args, 0, args.length);
            assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
                ExecutorPublisher.triggerLength(dag, args.length), dag.name());
        }
    }
}
