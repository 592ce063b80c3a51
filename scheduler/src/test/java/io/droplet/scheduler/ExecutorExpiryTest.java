package io.droplet.scheduler;

import io.droplet.codecs.sbe.Role;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Re-runs when an executor expires: of the logged invocations placed on it, those no executor reported
 * answered ({@code InvocationsCompleted}) and whose deadline has not passed.
 */
@Timeout(10)
class ExecutorExpiryTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void reRunsOnlyTheUnfinishedInvocationsOfTheExpiredExecutor()
    {
        final long[] target = { 10 };
        final SchedulerRig rig = new SchedulerRig((function, executors) -> executors.isEmpty() ? 0 : target[0], false, SECOND, 16);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.heartbeat(11, "host-b", 0, "f");
        rig.register("f", FunctionKind.LOCAL);
        final long start = SchedulerRig.EPOCH_START;

        rig.callFunction(1, "f", start + 60 * SECOND, new byte[]{ 1 });   // on 10, time left: re-run
        rig.callFunction(2, "f", start + SECOND / 2, new byte[]{ 2 });    // on 10, deadline passes first: not re-run
        rig.callFunction(3, "f", 0, new byte[]{ 3 });                     // on 10, no deadline: never logged
        target[0] = 11;
        rig.callFunction(4, "f", start + 60 * SECOND, new byte[]{ 4 });   // on 11: untouched
        rig.callFunction(5, "f", start + 60 * SECOND, CallMode.BROADCAST, new byte[]{ 5 }); // legs stay put
        final int before = rig.publisher.triggers.size();
        final long firstInvocation = rig.publisher.triggers.get(0).invocationId();

        // Executor 11 keeps heartbeating; 10 falls silent past the timeout.
        target[0] = 11;
        for (int i = 0; i < 20; i++)
        {
            rig.advance(SECOND / 10);
            rig.heartbeat(11, "host-b", 0, "f");
            rig.membership.doWork(rig.clock.nanoTime());
        }

        assertEquals(1, rig.counters.executorsExpired.get());
        assertEquals(1, rig.membership.liveExecutors().size());
        final List<RecordingPublisher.Trigger> reRuns = rig.publisher.triggers.subList(before, rig.publisher.triggers.size());
        assertEquals(1, reRuns.size(), "only the invocation on the dead executor with time left: " + reRuns);
        final RecordingPublisher.Trigger reRun = reRuns.get(0);
        assertEquals(1, reRun.correlationId());
        assertEquals(firstInvocation, reRun.invocationId(), "same invocation, so the client keeps one outcome");
        assertEquals(1, reRun.attempt());
        assertEquals(11, reRun.executor());
        assertEquals(1, reRun.args()[0], "the logged arguments travel again");
        assertEquals(1, rig.counters.reruns.get());

        // Expiring 11 as well re-runs the re-run (attempt 2) and invocation 4, but no live executor takes them.
        rig.runFor(2 * SECOND);
        assertEquals(0, rig.membership.liveExecutors().size());
        assertTrue(rig.publisher.errors.stream().allMatch(e -> e.correlationId() == 1 || e.correlationId() == 4),
            "refused re-runs answer their callers: " + rig.publisher.errors);
        assertEquals(2, rig.publisher.errors.size());
    }

    @Test
    void invocationsReportedAnsweredAreNotReRun()
    {
        final long[] target = { 10 };
        final SchedulerRig rig = new SchedulerRig((function, executors) -> executors.isEmpty() ? 0 : target[0], false, SECOND, 16);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.heartbeat(11, "host-b", 0, "f");
        rig.register("f", FunctionKind.LOCAL);
        final long deadline = SchedulerRig.EPOCH_START + 60 * SECOND;
        for (int c = 1; c <= 3; c++)
        {
            rig.callFunction(c, "f", deadline, new byte[]{ (byte)c });
        }
        final long answered = rig.publisher.triggers.get(1).invocationId();
        // Executor 10 answered the second call; a report of an id this scheduler never started changes nothing.
        rig.membership.onInvocationCompleted(10, answered);
        rig.membership.onInvocationCompleted(10, answered + 1000);
        rig.membership.onInvocationCompleted(10, answered);
        assertEquals(1, rig.counters.invocationsCompleted.get(), "one logged invocation forgotten, once");

        final int before = rig.publisher.triggers.size();
        target[0] = 11;
        for (int i = 0; i < 20; i++)
        {
            rig.advance(SECOND / 10);
            rig.heartbeat(11, "host-b", 0, "f");
            rig.membership.doWork(rig.clock.nanoTime());
        }
        assertEquals(1, rig.counters.executorsExpired.get());
        final List<RecordingPublisher.Trigger> reRuns = List.copyOf(
            rig.publisher.triggers.subList(before, rig.publisher.triggers.size()));
        assertEquals(List.of(1L, 3L), reRuns.stream().map(RecordingPublisher.Trigger::correlationId).toList(),
            "only the calls no executor answered are re-run");

        // Executor 11 answers the re-run of the first call: when it expires too, only the third is re-run again.
        rig.membership.onInvocationCompleted(11, reRuns.get(0).invocationId());
        rig.heartbeat(12, "host-c", 0, "f");
        target[0] = 12;
        final int beforeSecond = rig.publisher.triggers.size();
        for (int i = 0; i < 20; i++)
        {
            rig.advance(SECOND / 10);
            rig.heartbeat(12, "host-c", 0, "f");
            rig.membership.doWork(rig.clock.nanoTime());
        }
        assertEquals(2, rig.counters.executorsExpired.get());
        final List<RecordingPublisher.Trigger> second = rig.publisher.triggers.subList(beforeSecond, rig.publisher.triggers.size());
        assertEquals(1, second.size(), "only the unanswered re-run runs again: " + second);
        assertEquals(3, second.get(0).correlationId());
        assertEquals(2, second.get(0).attempt());
        assertEquals(3, rig.counters.reruns.get());
    }

    @Test
    void aRestartedExecutorIsExpiredAndJoinsAgain()
    {
        final SchedulerRig rig = new SchedulerRig((function, executors) -> executors.isEmpty() ? 0 : 10, false, SECOND, 16);
        rig.heartbeat(10, "host-a", 0, "f");
        rig.register("f", FunctionKind.LOCAL);
        rig.callFunction(1, "f", SchedulerRig.EPOCH_START + 60 * SECOND, new byte[]{ 1 });

        // Same node id, new incarnation (startedAt differs): what the old one had is lost.
        final org.agrona.concurrent.UnsafeBuffer endpoint = SchedulerRig.utf8("host-a:0/5010");
        rig.membership.onHeartbeat(10, Role.EXECUTOR.value(), 0, SchedulerRig.WORKERS, SchedulerRig.WORKERS, 8,
            java.util.Set.of("f"), java.util.Set.of("f"), endpoint, 0, endpoint.capacity(), endpoint, 0, 0);

        assertEquals(1, rig.counters.executorsExpired.get());
        assertEquals(1, rig.membership.liveExecutors().size(), "the new incarnation joined");
        // The old incarnation's invocations are re-run as it is expired, before the new one joins: with no
        // other executor the re-run is refused, and the caller hears it at once instead of at its deadline.
        assertEquals(1, rig.publisher.triggers.size());
        assertEquals(1, rig.publisher.errors.size());
        assertEquals(io.droplet.codecs.sbe.ErrorCode.NO_RESOURCES, rig.publisher.errors.get(0).code());
    }
}
