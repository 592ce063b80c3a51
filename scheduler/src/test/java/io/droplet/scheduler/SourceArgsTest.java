package io.droplet.scheduler;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class SourceArgsTest
{
    @Test
    void aCopyOwnsTheSpanOnceAndKeepsEachStageView()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[]{ 0, 0, 1, 2, 3, 0, 9 });
        final SourceArgs shared = new SourceArgs().wrap(frame).allStages(2, 3);
        final SourceArgs sharedCopy = shared.copy();
        assertEquals(3, sharedCopy.buffer().capacity(), "arguments shared by every stage are copied once");
        assertEquals(2, sharedCopy.buffer().getByte(sharedCopy.offset(SourceArgs.MAX_STAGES - 1) + 1));

        final SourceArgs perStage = new SourceArgs().wrap(frame).stage(0, 6, 1).stage(3, 2, 2);
        final SourceArgs copy = perStage.copy();
        frame.setMemory(0, frame.capacity(), (byte)0);
        assertEquals(9, copy.buffer().getByte(copy.offset(0)));
        assertEquals(1, copy.length(0));
        assertEquals(1, copy.buffer().getByte(copy.offset(3)));
        assertEquals(2, copy.buffer().getByte(copy.offset(3) + 1));
        assertEquals(-1, copy.length(1), "a stage without arguments stays without");
        assertEquals(0, new SourceArgs().wrap(frame).copy().buffer().capacity());
    }
}
