package io.droplet.transport;

/**
 * Told when a duty cycle cannot go on: an {@link Error} (out of memory, stack overflow) or an exception that
 * escaped an agent's {@code doWork} (a bug: exceptions from bad input are answered, counted and never escape a
 * handler). What to do is the owner's choice: a node process ends with a non-zero status so its service
 * manager restarts it; an in-process node fails its client's calls and closes.
 * <p>
 * <b>Note:</b> called at most once per {@link FailStop}, on the thread whose duty cycle failed; it must not
 * block that thread for long, nor close the agents from it (hand that to another thread).
 */
@FunctionalInterface
public interface AgentFailureListener
{
    /**
     * @param agent role name of the agent (or name of the thread) that failed.
     * @param cause what escaped its duty cycle.
     */
    void onAgentFailure(String agent, Throwable cause);
}
