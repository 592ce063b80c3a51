package io.droplet.client;

import io.droplet.api.BroadcastResult;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.droplet.client.RequestsFixture.failure;
import static io.droplet.client.RequestsFixture.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A BROADCAST call completes when every announced executor answered, or at its deadline with what it has.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BroadcastCollectorTest
{
    private final RequestsFixture f = new RequestsFixture();

    private BroadcastCollector broadcast()
    {
        return f.send(new BroadcastCollector(f.nextId(), 0, f.deadline(),
            new FunctionCallMessage("whoami".getBytes(StandardCharsets.UTF_8), new byte[0], CallMode.BROADCAST, 0, 0, new long[0])));
    }

    @Test
    void completesWhenEveryAnnouncedExecutorAnsweredEvenOneBeforeTheAnnouncement()
    {
        final BroadcastCollector call = broadcast();
        f.result(call.correlationId, 10, 1L);
        assertFalse(call.future.isDone(), "an answer before the count waits for the count");
        f.requests.onBroadcastStarted(call.correlationId, 3);
        f.error(call.correlationId, ErrorCode.EXECUTION_ERROR, "boom");
        assertFalse(call.future.isDone(), "two of three");
        f.result(call.correlationId, 12, 3L);

        final BroadcastResult result = assertInstanceOf(BroadcastResult.class, value(call.future));
        assertEquals(Map.of(10L, 1L, 12L, 3L), result.resultsByExecutor());
        assertEquals(ErrorCode.EXECUTION_ERROR, result.errors().get(0).code());
        assertEquals(0, f.pastDeadline(), "done: nothing to time out");
    }

    @Test
    void failsWithTimeoutAtTheDeadlineWhenAnAnnouncedExecutorDidNotAnswer()
    {
        final BroadcastCollector call = broadcast();
        f.requests.onBroadcastStarted(call.correlationId, 2);
        f.result(call.correlationId, 11, 5L);
        f.advance(RequestsFixture.TIMEOUT_NS / 2);
        assertFalse(call.future.isDone());

        assertEquals(1, f.pastDeadline());
        assertEquals(ErrorCode.TIMEOUT, failure(call.future), "a missing executor is not hidden in a partial result");

        f.result(call.correlationId, 12, 6L);
        assertEquals(1, f.lateAnswers(), "an answer after the deadline is dropped and counted");
    }

    @Test
    void timesOutIfTheExecutorsWereNeverAnnounced()
    {
        final BroadcastCollector call = broadcast();
        f.pastDeadline();
        assertEquals(ErrorCode.TIMEOUT, failure(call.future));
    }

    @Test
    void anExecutorsErrorBeforeTheAnnouncementIsCollectedNotFatal()
    {
        final BroadcastCollector call = broadcast();
        f.error(call.correlationId, ErrorCode.EXECUTION_ERROR, "bad input");
        f.error(call.correlationId, ErrorCode.EXECUTION_ERROR, "bad input");
        assertFalse(call.future.isDone());
        f.requests.onBroadcastStarted(call.correlationId, 2);
        final BroadcastResult result = assertInstanceOf(BroadcastResult.class, value(call.future));
        assertEquals(2, result.errors().size());
        assertEquals(Map.of(), result.resultsByExecutor());
    }

    @Test
    void anErrorAfterAnAnnouncementOfNoExecutorsIsTheSchedulerRefusingTheCall()
    {
        final BroadcastCollector call = broadcast();
        f.requests.onBroadcastStarted(call.correlationId, 0);
        f.error(call.correlationId, ErrorCode.FUNCTION_NOT_FOUND, "missing");
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, failure(call.future));
    }
}
