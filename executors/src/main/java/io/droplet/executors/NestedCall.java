package io.droplet.executors;

import java.util.concurrent.CompletableFuture;

/**
 * One call a running function made to another function or DAG: made on the function's worker thread, handed to
 * the agent through {@link NestedCalls}, sent by the agent, and ended by the answer to the calling executor (or
 * by its deadline).
 * <p>
 * <b>Note:</b> its fields are written by the worker before it is handed over (through a concurrent queue), then
 * used by the agent only; its future is completed off the agent's thread.
 */
final class NestedCall
{
    final boolean dag;
    final byte[] name;
    final byte[] args;
    final long deadline;
    final CompletableFuture<Object> future = new CompletableFuture<>();
    long correlationId;

    /**
     * @param dag      true to call a DAG, false a function.
     * @param name     of the function or DAG, UTF-8.
     * @param args     in the value encoding: a LIST of the arguments.
     * @param deadline epoch nanoseconds.
     */
    NestedCall(final boolean dag, final byte[] name, final byte[] args, final long deadline)
    {
        this.dag = dag;
        this.name = name;
        this.args = args;
        this.deadline = deadline;
    }
}
