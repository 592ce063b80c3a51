package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.RetryPolicy;
import io.droplet.api.ShortFunction;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueRejection;
import io.droplet.codecs.value.ValueType;
import io.droplet.codecs.value.ValueValidator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Runs a stage's function over its arguments (DESIGN.md section 4, hops 3 and 4). The arguments are
 * the caller's LIST for a source stage, with its KVS references resolved ({@link ReferenceResolver},
 * which may park the trigger until the host cache answers); the one parent's output for a stage with
 * one parent; the parents' outputs in stage order for a fan-in stage ({@link FanIns}, which makes the
 * stage wait for all of them). The output goes through {@link OutputCommit}.
 * <p>
 * Lanes: a function declared short ({@link ShortFunction}) runs here, inline on the agent's thread, the
 * microsecond path; any other function is handed to the {@link PooledLane} (the worker pool), so the
 * agent thread never runs code that can block. With no pooled lane (tests that drive a runner without
 * threads) every function runs inline.
 * <p>
 * Failures are values sent to the caller: FUNCTION_NOT_FOUND, EXECUTION_ERROR with the exception's
 * text, TIMEOUT when a trigger arrives after its deadline, PAYLOAD_TOO_LARGE for an oversized result,
 * MALFORMED for a trigger that is inconsistent, FORBIDDEN for a reference outside the function's
 * namespace. A failing function never stops the agent.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent. Allocation-free on the success path.
 */
final class StageRunner
{
    private static final int MAX_DETAIL = 1000;
    private static final int LIST_HEADER = 1 + 4 + 4;
    private static final int APPLIED = 0;
    private static final int MOVED = 1;
    private static final int FAILED = 2;

    private final LocalFunctions functions;
    private final ReferenceResolver resolver;
    private final FanIns fanIns;
    private final OutputCommit commit;
    private final StageOutputs outputs;
    private final StageNamespace namespace;
    private final StageInvocation invocation;
    private final FunctionMailbox mailbox;
    private final PooledLane lane;
    private final ExecutorCounters counters;
    private final EpochNanoClock clock;
    private final long nodeId;
    private final int payloadLimit;
    private final UnsafeBuffer args;
    private final UnsafeBuffer result;
    private Throwable failure;

    /**
     * @param functions        the executor runs.
     * @param resolver         of references, or null if the executor has no host cache.
     * @param fanIns           of the executor.
     * @param commit           of the executor's outputs.
     * @param outputs          of the executor, for failures.
     * @param namespace        of the running function.
     * @param invocation       reused for every run, its state and mailbox set.
     * @param mailbox          of the executor.
     * @param lane             the worker pool's lane, or null to run every function inline.
     * @param counters         of the executor.
     * @param clock            epoch clock deadlines are read against.
     * @param nodeId           of the executor, for error texts.
     * @param maxMessageLength of the transport.
     * @param payloadLimit     largest result.
     */
    StageRunner(
        final LocalFunctions functions, final ReferenceResolver resolver, final FanIns fanIns, final OutputCommit commit,
        final StageOutputs outputs, final StageNamespace namespace, final StageInvocation invocation,
        final FunctionMailbox mailbox, final PooledLane lane, final ExecutorCounters counters, final EpochNanoClock clock,
        final long nodeId, final int maxMessageLength, final int payloadLimit)
    {
        this.functions = functions;
        this.resolver = resolver;
        this.fanIns = fanIns;
        this.commit = commit;
        this.outputs = outputs;
        this.namespace = namespace;
        this.invocation = invocation;
        this.mailbox = mailbox;
        this.lane = lane;
        this.counters = counters;
        this.clock = clock;
        this.nodeId = nodeId;
        this.payloadLimit = payloadLimit;
        this.args = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.result = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
    }

    /**
     * A trigger arrived (or was resumed): run its stage if its arguments are complete.
     *
     * @param absentIsNull true when resumed after the cache answered: a key still missing reads as null.
     */
    void onTrigger(
        final long invocationId, final long correlationId, final long replyTo, final long deadline, final int target,
        final int from, final int attempt, final StageSchedule schedule, final DirectBuffer buffer, final int inputOffset,
        final int inputLength, final boolean absentIsNull)
    {
        if (target >= schedule.stages())
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.MALFORMED, "target stage is not scheduled");
            return;
        }
        if (deadline != 0 && clock.nanoTime() - deadline > 0)
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.TIMEOUT, "deadline passed before stage " + target + " ran");
            return;
        }
        if (ValueValidator.validate(buffer, inputOffset, inputLength, ValueValidator.DEFAULT_MAX_DEPTH) != ValueRejection.NONE)
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.MALFORMED, "arguments are not a valid value");
            return;
        }
        final DirectBuffer names = schedule.names();
        final int nameOffset = schedule.functionOffset(target);
        final int nameLength = schedule.functionLength(target);
        final DropletFunction function = functions.lookup(names, nameOffset, nameLength);
        if (null == function)
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.FUNCTION_NOT_FOUND,
                "no function " + names.getStringWithoutLengthUtf8(nameOffset, nameLength) + " on executor " + nodeId);
            return;
        }
        namespace.enter(names, nameOffset, nameLength);

        final int parents = schedule.parents(target);
        DirectBuffer argsBuffer = args;
        int argsOffset = 0;
        final int argsLength;
        if (parents == 0)
        {
            if (inputLength < 1 || buffer.getByte(inputOffset) != ValueType.LIST.tag())
            {
                // A source stage's arguments are the list its caller gave. A frame no client writes can hold any one
                // valid value instead, which the invocation could not read as arguments (on a pooled run that ended
                // the worker's thread, and the caller was never answered).
                outputs.fail(invocationId, replyTo, correlationId, ErrorCode.MALFORMED, "a source stage's arguments are not a list");
                return;
            }
            // A keyed call is not resolved: a parked call would overtake its key's order (see PooledLane).
            final int resolved = null == resolver || function instanceof KeyedClass ? ReferenceResolver.NO_REFERENCES :
                resolver.resolve(buffer, inputOffset, inputLength, absentIsNull, namespace, args);
            switch (resolved)
            {
                case ReferenceResolver.MISSED:
                    resolver.park(invocationId, correlationId, replyTo, deadline, target, from, attempt, schedule,
                        buffer, inputOffset, inputLength);
                    return;
                case ReferenceResolver.TOO_LARGE:
                    outputs.fail(invocationId, replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE, "resolved references exceed the message limit");
                    return;
                case ReferenceResolver.FORBIDDEN:
                    counters.keysRefused.incrementRelease();
                    outputs.fail(invocationId, replyTo, correlationId, ErrorCode.FORBIDDEN,
                        "a reference names a key outside the function's namespace");
                    return;
                case ReferenceResolver.NO_REFERENCES:
                    argsBuffer = buffer;
                    argsOffset = inputOffset;
                    argsLength = inputLength;
                    break;
                default:
                    argsLength = resolved;
                    break;
            }
        }
        else if (parents == 1)
        {
            args.putByte(0, ValueType.LIST.tag());
            args.putInt(1, 1, LITTLE_ENDIAN);
            args.putInt(5, inputLength, LITTLE_ENDIAN);
            args.putBytes(LIST_HEADER, buffer, inputOffset, inputLength);
            argsLength = LIST_HEADER + inputLength;
        }
        else
        {
            argsLength = fanIns.collect(invocationId, replyTo, correlationId, target, schedule.slot(target, from), parents,
                deadline, buffer, inputOffset, inputLength, args);
            switch (argsLength)
            {
                case FanIns.WAITING:
                case FanIns.DROPPED:
                    return;
                case FanIns.TOO_LARGE:
                    outputs.fail(invocationId, replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE,
                        "fan-in arguments exceed the message limit");
                    return;
                case FanIns.NO_RESOURCES:
                    outputs.fail(invocationId, replyTo, correlationId, ErrorCode.NO_RESOURCES,
                        "fan-ins waiting on executor " + nodeId + " hold as many bytes as they may");
                    return;
                case FanIns.MALFORMED:
                    outputs.fail(invocationId, replyTo, correlationId, ErrorCode.MALFORMED,
                        "the trigger's stage is not a parent of its target");
                    return;
                default:
                    break;
            }
        }
        run(function, invocationId, correlationId, replyTo, deadline, target, attempt, schedule, argsBuffer, argsOffset, argsLength);
    }

    /**
     * The cache agent answered a miss: run the parked trigger again.
     */
    void onCacheAnswer(final long correlationId, final ErrorCode code)
    {
        if (null == resolver)
        {
            return;
        }
        final TriggerCopy trigger = resolver.onCacheAnswer(correlationId);
        if (null != trigger)
        {
            try
            {
                onTrigger(trigger.invocationId, trigger.correlationId, trigger.replyTo, trigger.deadline, trigger.targetStage,
                    trigger.fromStage, trigger.attempt, trigger.schedule, trigger.buffer, trigger.valueOffset,
                    trigger.valueLength, code != ErrorCode.NONE);
            }
            finally
            {
                resolver.release(trigger);
            }
        }
    }

    /**
     * The cache agent could not fetch a key a parked trigger waits for.
     */
    void onCacheError(final long correlationId, final ErrorCode code)
    {
        if (null != resolver)
        {
            resolver.onCacheError(correlationId, code);
        }
    }

    private void run(
        final DropletFunction function, final long invocationId, final long correlationId, final long replyTo,
        final long deadline, final int target, final int attempt, final StageSchedule schedule,
        final DirectBuffer argsBuffer, final int argsOffset, final int argsLength)
    {
        if (null != lane && !(function instanceof ShortFunction))
        {
            lane.dispatch(function, invocationId, correlationId, replyTo, deadline, target, attempt, schedule,
                argsBuffer, argsOffset, argsLength);
            return;
        }
        // A result may be as large as the payload limit: the messages that carry it keep room for the rest.
        invocation.wrap(argsBuffer, argsOffset, argsLength, result, payloadLimit, invocationId, target, deadline, attempt);
        if (null != mailbox)
        {
            mailbox.invocation(invocationId);
        }
        commit.beginStage();
        // The hot path is kept small (failures, retries and moves are in methods of their own) so that it is inlined.
        final int applied = apply(function, attempt);
        if (applied != APPLIED)
        {
            notApplied(applied, function, invocationId, correlationId, replyTo, deadline, target, attempt, schedule,
                argsBuffer, argsOffset, argsLength);
            return;
        }
        int resultLength = invocation.result().encodedLength();
        if (resultLength <= 0)
        {
            resultLength = emptyOrTooLarge(resultLength, invocationId, correlationId, replyTo, schedule);
            if (resultLength < 0)
            {
                return;
            }
        }
        counters.stagesRun.incrementRelease();
        commit.complete(invocationId, correlationId, replyTo, deadline, target, attempt, schedule, result, 0, resultLength);
    }

    /**
     * Applies a short function, retrying at once (without backoff: the agent never waits) as its policy says.
     *
     * @return {@link #APPLIED}, {@link #MOVED} (it asked to call others) or {@link #FAILED} (see {@link #failure}).
     */
    private int apply(final DropletFunction function, final int attempt)
    {
        for (int retry = 0; true; retry++)
        {
            try
            {
                function.apply(invocation);
                return invocation.movedToPool() ? MOVED : APPLIED;
            }
            catch (final Throwable ex)
            {
                if (invocation.movedToPool())
                {
                    return MOVED;
                }
                final RetryPolicy policy = function.retryPolicy();
                if (retry + 1 < policy.maxAttempts() && policy.retries(RetryPolicy.codeOf(ex)))
                {
                    counters.retries.incrementRelease();
                    invocation.retry(attempt + retry + 1);
                    continue;
                }
                failure = ex;
                return FAILED;
            }
        }
    }

    private void notApplied(
        final int applied, final DropletFunction function, final long invocationId, final long correlationId,
        final long replyTo, final long deadline, final int target, final int attempt, final StageSchedule schedule,
        final DirectBuffer argsBuffer, final int argsOffset, final int argsLength)
    {
        if (applied == MOVED)
        {
            moveToPool(function, invocationId, correlationId, replyTo, deadline, target, attempt, schedule,
                argsBuffer, argsOffset, argsLength);
            return;
        }
        final String text = String.valueOf(failure);
        failure = null;
        outputs.failStage(invocationId, replyTo, correlationId, ErrorCode.EXECUTION_ERROR,
            text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) : text, schedule);
    }

    /**
     * @return the length of a null result if the function wrote nothing, or -1 (the caller was answered) if its
     * result was larger than the payload limit or not closed.
     */
    private int emptyOrTooLarge(
        final int resultLength, final long invocationId, final long correlationId, final long replyTo, final StageSchedule schedule)
    {
        if (resultLength < 0)
        {
            outputs.failStage(invocationId, replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE,
                "result larger than the payload limit of " + payloadLimit + " bytes, or a list or map not closed", schedule);
            return -1;
        }
        // A function that writes nothing returns null.
        return invocation.result().wrap(result, 0, result.capacity()).writeNull().encodedLength();
    }

    /**
     * A short function asked to call others: it runs on the pool from now on (installed again, not short), and this
     * stage is run there from the start.
     */
    private void moveToPool(
        final DropletFunction function, final long invocationId, final long correlationId, final long replyTo,
        final long deadline, final int target, final int attempt, final StageSchedule schedule,
        final DirectBuffer argsBuffer, final int argsOffset, final int argsLength)
    {
        if (null == lane)
        {
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.EXECUTION_ERROR,
                "a short function cannot call other functions on an executor without a worker pool");
            return;
        }
        final DirectBuffer names = schedule.names();
        final String name = names.getStringWithoutLengthUtf8(schedule.functionOffset(target), schedule.functionLength(target));
        functions.install(name, new PooledFunction(function));
        counters.functionsMovedToPool.incrementRelease();
        lane.dispatch(function, invocationId, correlationId, replyTo, deadline, target, attempt, schedule,
            argsBuffer, argsOffset, argsLength);
    }

    /**
     * A short function moved to the pool: the same function and policy, no longer declared short.
     */
    private static final class PooledFunction implements DropletFunction
    {
        private final DropletFunction function;

        PooledFunction(final DropletFunction function)
        {
            this.function = function;
        }

        public void apply(final io.droplet.api.Invocation invocation) throws Exception
        {
            function.apply(invocation);
        }

        public RetryPolicy retryPolicy()
        {
            return function.retryPolicy();
        }
    }
}
