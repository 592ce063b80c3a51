package io.droplet.scheduler;

import org.agrona.DirectBuffer;

/**
 * What the scheduler sends to executors (and introductions to host caches); the
 * {@link ExecutorPublisher} encodes it, tests record it. Each returns a
 * {@link io.droplet.transport.SendStatus}.
 * <p>
 * <b>Note:</b> called on the scheduler's thread only.
 */
public interface ExecutorMessages
{
    /**
     * {@code Trigger}: run one source stage of an invocation, with the whole schedule.
     *
     * @param executor      to run it.
     * @param invocationId  of the invocation.
     * @param correlationId of the call.
     * @param replyTo       node the result goes to (0 for none).
     * @param deadline      epoch ns, 0 for none.
     * @param stage         the source stage to run.
     * @param attempt       0, or how often it was re-run.
     * @param schedule      every stage's executor.
     * @param args          buffer holding the stage's arguments.
     * @param argsOffset    of the arguments.
     * @param argsLength    of the arguments.
     * @return a send status.
     */
    int trigger(
        long executor, long invocationId, long correlationId, long replyTo, long deadline, int stage, int attempt,
        Schedule schedule, DirectBuffer args, int argsOffset, int argsLength);

    /**
     * Forwards a registration frame as its client sent it (shipped code, a stateful class).
     *
     * @param executor to load it.
     * @param frame    the {@code RegisterFunction} frame.
     * @return a send status.
     */
    int registration(long executor, byte[] frame);

    /**
     * {@code DeleteFunction}: unload a shipped or stateful function.
     *
     * @param executor  to unload it.
     * @param sessionId sender (the scheduler's node id).
     * @param function  name.
     * @return a send status.
     */
    int deleteFunction(long executor, long sessionId, String function);

    /**
     * {@code CancelInvocation}: the caller cancelled an invocation; the executor stops its stages there.
     *
     * @param executor      a stage of the invocation was placed on.
     * @param invocationId  cancelled.
     * @param correlationId of the call.
     * @return a send status.
     */
    int cancelInvocation(long executor, long invocationId, long correlationId);

    /**
     * {@code Connect}: tells a node of another node's endpoint.
     *
     * @param destination node told.
     * @param node        introduced.
     * @param endpoint    where it receives.
     * @param identity    "" for a caller or executor; the scheduler identity for a scheduler.
     * @param timestamp   epoch ns now.
     * @return a send status.
     */
    int introduce(long destination, long node, String endpoint, String identity, long timestamp);
}
