package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.droplet.client.RequestsFixture.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PERIOD call delivers each run's outcome, lives past any request deadline, and stops on cancel.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PeriodicRunsTest
{
    private final RequestsFixture f = new RequestsFixture();
    private final List<Object> outcomes = new ArrayList<>();

    private PeriodicRuns periodic(final int runs)
    {
        return f.send(new PeriodicRuns(f.nextId(), 0, f.deadline(),
            new FunctionCallMessage("tick".getBytes(StandardCharsets.UTF_8), new byte[0], CallMode.PERIOD, 0, 1_000_000, new long[0]), outcomes::add, runs));
    }

    @Test
    void deliversEachRunUntilCancelledThenNothingAndTheAckEndsIt()
    {
        final PeriodicRuns call = periodic(0);
        f.result(call.correlationId, 10, 1L);
        f.advance(RequestsFixture.TIMEOUT_NS * 5);
        f.error(call.correlationId, ErrorCode.EXECUTION_ERROR, "run 2 failed");
        f.result(call.correlationId, 10, 3L);
        assertEquals(3, outcomes.size(), "every run, long after a request deadline");
        assertEquals(1L, outcomes.get(0));
        assertEquals(ErrorCode.EXECUTION_ERROR, assertInstanceOf(DropletException.class, outcomes.get(1)).code());
        assertTrue(f.requests.isInFlight(call.correlationId));

        call.cancel();
        final CancelRequest cancel = f.send(new CancelRequest(call.correlationId, 0, f.deadline()));
        assertEquals("cancel 1 " + call.correlationId, f.publisher.sent.get(f.publisher.sent.size() - 1));
        assertEquals(null, value(cancel.future), "a Cancel is done once sent");
        f.result(call.correlationId, 10, 4L);
        assertEquals(3, outcomes.size(), "nothing after cancel");

        f.requests.onAck(call.correlationId);
        assertEquals(null, value(call.future));
        assertFalse(f.requests.isInFlight(call.correlationId));
        assertEquals(0, f.lateAnswers(), "the periodic call had no deadline to complete");
    }

    @Test
    void aCallAtGivenTimesEndsAfterItsLastRun()
    {
        final PeriodicRuns call = periodic(2);
        f.result(call.correlationId, 10, 1L);
        assertFalse(call.future.isDone());
        f.result(call.correlationId, 10, 2L);
        assertEquals(List.of(1L, 2L), outcomes);
        assertEquals(null, value(call.future));
        assertFalse(f.requests.isInFlight(call.correlationId));

        f.result(call.correlationId, 10, 3L);
        assertEquals(List.of(1L, 2L), outcomes, "nothing after the last run");
    }
}
