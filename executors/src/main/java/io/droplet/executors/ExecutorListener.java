package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import org.agrona.DirectBuffer;

/**
 * What an executor hears, decoded once by the {@link ExecutorAdapter}: triggers (from schedulers and
 * from other executors), the host cache's answers and acknowledgements, mailbox messages, and the
 * schedulers' introductions and function registrations. Buffers are views valid only during the call.
 * <p>
 * <b>Note:</b> called on the executor agent's thread only.
 */
interface ExecutorListener
{
    /**
     * Run one stage of an invocation.
     *
     * @param invocationId  of the DAG invocation.
     * @param correlationId of the caller's request.
     * @param replyTo       the caller's node (0: nobody to answer).
     * @param deadline      epoch nanoseconds, or 0 for none.
     * @param targetStage   the stage to run.
     * @param fromStage     the stage whose output this is (the target itself for a source stage).
     * @param attempt       of the invocation (re-runs count up).
     * @param schedule      of the DAG, names viewed in {@code buffer}.
     * @param buffer        holding the arguments.
     * @param argsOffset    of the arguments' value.
     * @param argsLength    of the arguments' value.
     */
    void onTrigger(
        long invocationId, long correlationId, long replyTo, long deadline, int targetStage, int fromStage, int attempt,
        StageSchedule schedule, DirectBuffer buffer, int argsOffset, int argsLength);

    /**
     * A trigger whose schedule cannot be held or is inconsistent.
     *
     * @param replyTo       the caller's node.
     * @param correlationId of the caller's request.
     * @param reason        for the caller.
     */
    void onMalformedTrigger(long replyTo, long correlationId, String reason);

    /**
     * The cache agent answered a miss.
     *
     * @param correlationId of the miss (the park id).
     * @param code          NONE if the key was found.
     */
    void onCacheAnswer(long correlationId, ErrorCode code);

    /**
     * The cache agent could not fetch a key.
     *
     * @param correlationId of the miss.
     * @param code          why.
     */
    void onCacheError(long correlationId, ErrorCode code);

    /**
     * The cache agent acknowledged (or refused) a function's write.
     *
     * @param correlationId of the write.
     * @param code          NONE if the key's primary replica has it.
     */
    void onPutResponse(long correlationId, ErrorCode code);

    /**
     * A message for the mailbox of this executor's functions.
     *
     * @param from          sender's address.
     * @param to            addressee.
     * @param invocationId  of the sending function.
     * @param buffer        holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     */
    void onFunctionMessage(long from, long to, long invocationId, DirectBuffer buffer, int offset, int length);

    /**
     * A scheduler introduced a node this executor must reach (control path).
     *
     * @param node          the node's id.
     * @param identity      who it is ({@code Introductions.SCHEDULER_IDENTITY} for another scheduler).
     * @param replyEndpoint where it receives.
     */
    void onIntroduction(long node, String identity, String replyEndpoint);

    /**
     * A function registered by class or command, forwarded by a scheduler (control path).
     *
     * @param name          of the function.
     * @param sessionId     of the registering client.
     * @param correlationId of the registration.
     * @param version       of the registration.
     * @param kind          of function.
     * @param entryPoint    class name, or command line of a process function.
     * @param code          buffer holding the shipped classes.
     * @param codeOffset    of the code.
     * @param codeLength    of the code.
     */
    void onRegisterFunction(
        String name, long sessionId, long correlationId, long version, FunctionKind kind, String entryPoint,
        DirectBuffer code, int codeOffset, int codeLength);

    /**
     * A function was deleted (control path).
     *
     * @param name of the function.
     */
    void onDeleteFunction(String name);

    /**
     * {@code CancelInvocation}: the invocation's caller cancelled it; stop its stages running here.
     *
     * @param invocationId  cancelled.
     * @param correlationId of the call.
     */
    void onCancelInvocation(long invocationId, long correlationId);

    /**
     * {@code Result}: the answer to a call a running function made.
     *
     * @param correlationId of the nested call.
     * @param buffer        holding the value.
     * @param offset        of the value.
     * @param length        of the value.
     */
    void onCallResult(long correlationId, DirectBuffer buffer, int offset, int length);
}
