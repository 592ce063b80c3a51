package io.droplet.client;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.SendStatus;
import io.droplet.transport.security.Action;
import io.droplet.transport.security.Credentials;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.droplet.client.RequestsFixture.SCHEDULER;
import static io.droplet.client.RequestsFixture.failure;
import static io.droplet.client.RequestsFixture.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-shot requests (calls, registry requests, function lists, Connects): each completes on its answer,
 * fails with TIMEOUT at its deadline, and an answer after that is dropped and counted.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InFlightRequestsTest
{
    private final RequestsFixture f = new RequestsFixture();

    private OneShotCall call(final CallMode mode)
    {
        return new OneShotCall(f.nextId(), 0, f.deadline(),
            new FunctionCallMessage("increment".getBytes(StandardCharsets.UTF_8), new byte[0], mode, 0, 0, new long[0]));
    }

    @Test
    void oneShotCallGoesToTheSchedulerAndCompletesOnItsResult()
    {
        final OneShotCall call = f.send(call(CallMode.BG));
        assertEquals(List.of("callFunction 1 " + call.correlationId), f.publisher.sent);
        assertFalse(call.future.isDone());

        f.result(call.correlationId, 10, 42L);
        assertEquals(42L, value(call.future));
        assertFalse(f.requests.isInFlight(call.correlationId));
        assertEquals(0, f.pastDeadline(), "answered: nothing left to time out");
        assertEquals(0, f.lateAnswers());
    }

    @Test
    void dagCallFailsWithTheRuntimesTypedError()
    {
        final OneShotCall call = f.send(new OneShotCall(f.nextId(), 0, f.deadline(),
            new DagCallMessage("pipeline".getBytes(StandardCharsets.UTF_8), new int[]{65534}, new byte[][]{new byte[0]}, CallMode.BG, 0)));
        assertEquals(List.of("callDag 1 " + call.correlationId), f.publisher.sent);
        f.error(call.correlationId, ErrorCode.FUNCTION_NOT_FOUND, "no such function");
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, failure(call.future));
    }

    @Test
    void oneShotCallTimesOutAtItsDeadlineAndALateResultIsDroppedAndCounted()
    {
        final OneShotCall call = f.send(call(CallMode.BG));
        assertEquals(0, f.advance(RequestsFixture.TIMEOUT_NS / 2));
        assertFalse(call.future.isDone(), "not before the deadline");

        assertEquals(1, f.pastDeadline());
        assertEquals(ErrorCode.TIMEOUT, failure(call.future));
        assertEquals(1, f.counters.requestsTimedOut.get());

        f.result(call.correlationId, 10, 42L);
        assertEquals(ErrorCode.TIMEOUT, failure(call.future), "the late result changes nothing");
        assertEquals(1, f.lateAnswers());
    }

    @Test
    void noReturnCallCompletesOnceSentAndAwaitsNothing()
    {
        final OneShotCall call = f.send(call(CallMode.NO_RETURN));
        assertEquals(null, value(call.future));
        assertFalse(f.requests.isInFlight(call.correlationId));
        assertEquals(0, f.pastDeadline());
    }

    @Test
    void backPressuredRequestIsSentAgainUntilItsDeadlineThenFailsWithTimeout()
    {
        f.publisher.refuse(SendStatus.BACK_PRESSURED, 2);
        final OneShotCall sent = f.send(call(CallMode.BG));
        f.advance(1_000_000);
        f.advance(1_000_000);
        assertEquals(3, f.publisher.sent.size(), "sent again on each duty cycle until accepted");
        f.result(sent.correlationId, 10, 7L);
        assertEquals(7L, value(sent.future));

        f.publisher.refuse(SendStatus.BACK_PRESSURED, 1_000);
        final OneShotCall refused = f.send(call(CallMode.BG));
        f.pastDeadline();
        assertEquals(ErrorCode.TIMEOUT, failure(refused.future));
    }

    @Test
    void requestToAnUnknownNodeFailsNotConnected()
    {
        f.publisher.refuse(SendStatus.UNKNOWN_DESTINATION, 1);
        final OneShotCall call = f.send(call(CallMode.BG));
        assertEquals(ErrorCode.NOT_CONNECTED, failure(call.future));
        assertFalse(f.requests.isInFlight(call.correlationId));
    }

    @Test
    void registryRequestCompletesOnAckAndTimesOutWithoutOne()
    {
        final RegistryRequest register = f.send(new RegistryRequest(f.nextId(), 0, f.deadline(),
            (publisher, id) -> publisher.deleteFunction(id, "increment")));
        assertEquals(List.of("deleteFunction 1 " + register.correlationId), f.publisher.sent);
        f.requests.onAck(register.correlationId);
        assertEquals(null, value(register.future));

        final RegistryRequest unanswered = f.send(new RegistryRequest(f.nextId(), 0, f.deadline(),
            (publisher, id) -> publisher.deleteDag(id, "pipeline")));
        f.pastDeadline();
        assertEquals(ErrorCode.TIMEOUT, failure(unanswered.future));
        f.requests.onAck(unanswered.correlationId);
        assertEquals(1, f.lateAnswers(), "the late Ack is counted and dropped");
    }

    @Test
    void functionListCollectsTheNamesAndTimesOutWithoutThem()
    {
        final FunctionListRequest list = f.send(new FunctionListRequest(f.nextId(), 0, f.deadline()));
        assertTrue(f.requests.onFunctionList(list.correlationId));
        final UnsafeBuffer names = new UnsafeBuffer("squareincrement".getBytes(StandardCharsets.UTF_8));
        f.requests.onFunctionName(list.correlationId, names, 0, 6);
        f.requests.onFunctionName(list.correlationId, names, 6, 9);
        f.requests.onFunctionListComplete(list.correlationId);
        assertEquals(List.of("square", "increment"), value(list.future));

        final FunctionListRequest late = f.send(new FunctionListRequest(f.nextId(), 0, f.deadline()));
        f.pastDeadline();
        assertEquals(ErrorCode.TIMEOUT, failure(late.future));
        assertFalse(f.requests.onFunctionList(late.correlationId), "a late list is skipped");
        assertEquals(1, f.lateAnswers());
    }

    @Test
    void connectCompletesOnConnectedAndChallengeWithoutCredentialsFailsUnauthorised()
    {
        final ConnectRequest connect = f.send(new ConnectRequest(f.nextId(), 0, f.deadline(), 0, "", "", true));
        assertEquals(List.of("connect 1 " + connect.correlationId), f.publisher.sent);
        f.requests.onConnected(connect.correlationId, 0);
        assertEquals(null, value(connect.future));

        final ConnectRequest challenged = f.send(new ConnectRequest(f.nextId(), 0, f.deadline(), 0, "", "", true));
        final UnsafeBuffer nonce = new UnsafeBuffer(new byte[16]);
        f.requests.onChallenge(challenged.correlationId, nonce, 0, 16);
        assertEquals(ErrorCode.UNAUTHORISED, failure(challenged.future));
        assertEquals(0, f.pastDeadline());
    }

    @Test
    void challengeIsAnsweredOncePerNonceAndTheSessionIsCarriedAfterConnected()
    {
        f.handshake.credentials(new Credentials("alice", "team", new byte[32], Set.of(Action.values())));
        final ConnectRequest connect = f.send(new ConnectRequest(f.nextId(), 0, f.deadline(), 0, "team", "alice", true));
        final UnsafeBuffer nonce = new UnsafeBuffer(new byte[16]);
        nonce.putLong(0, 12345);
        f.requests.onChallenge(connect.correlationId, nonce, 0, 16);
        f.requests.onChallenge(connect.correlationId, nonce, 0, 16);
        assertEquals(List.of("connect 1 " + connect.correlationId, "authenticate 1 " + connect.correlationId),
            f.publisher.sent, "a nonce is answered once");
        assertFalse(connect.future.isDone(), "Connected ends it, not the proof");

        f.requests.onConnected(connect.correlationId, 777);
        assertEquals(null, value(connect.future));
        assertEquals(SCHEDULER, f.publisher.sessionNode);
        assertEquals(777, f.publisher.sessionId);
    }

    @Test
    void failAllEndsEveryRequestInFlightOrWaitingForARetry()
    {
        final OneShotCall inFlight = f.send(call(CallMode.BG));
        f.publisher.refuse(SendStatus.NOT_CONNECTED, 10);
        final OneShotCall waiting = f.send(call(CallMode.BG));
        assertEquals(2, f.requests.failAll(ErrorCode.NOT_CONNECTED, "the media driver was lost"));
        assertEquals(ErrorCode.NOT_CONNECTED, failure(inFlight.future));
        assertEquals(ErrorCode.NOT_CONNECTED, failure(waiting.future));
    }
}
