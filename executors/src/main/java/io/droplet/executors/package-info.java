/**
 * The executor role and the host cache (DESIGN.md section 4, hops 3 and 4).
 * <p>
 * {@link io.droplet.executors.ExecutorAgent} is a duty cycle over the executor's protocol and its state
 * machines. {@code ExecutorAdapter} decodes what arrives (triggers from schedulers and other executors,
 * the host cache's answers and acknowledgements, mailbox messages, the schedulers' introductions and
 * function registrations) once each and calls the agent as its {@code ExecutorListener};
 * {@code ExecutorPublisher} encodes what leaves (triggers, results, errors, cache requests, state puts,
 * mailbox messages, heartbeats) in place. Between them, one job each: {@code StageRunner} runs a stage's
 * function over its arguments, inline if the function is declared short ({@code io.droplet.api.ShortFunction}),
 * otherwise through {@code PooledLane}, which hands it to the {@code WorkerPool} as a {@code PooledRun} (its own
 * copy of the arguments, its own result buffer, its writes logged by {@code PooledState}, its mailbox calls
 * answered by the agent through {@code PooledMailbox}) and, when the run comes back through the hand-back
 * queue, does the rest of the stage on the agent's thread; so the agent thread never runs code that can
 * block, and heartbeats, triggers and cache answers keep flowing while functions run. {@code ReferenceResolver} resolves KVS references through the host cache
 * and parks a trigger whose reference misses until the cache agent answers or its deadline passes;
 * {@code FanIns} makes a stage with several parents wait for all of them and hands it their outputs in
 * stage order; {@code OutputCommit} holds a stage's output until the writes it made are acknowledged;
 * {@code Heartbeats} announces the executor to its schedulers on a period (its functions, each marked inline
 * or pooled, and the pool's workers and free slots) and reports free slots early, in a {@code Capacity}
 * message, when a scheduler may count the pool full and a slot is free again; {@code Completions} tells them,
 * batched, which invocations it answered (so a scheduler re-runs only unanswered ones when an executor dies);
 * {@code PooledLane} cancels pooled runs past their deadline or whose invocation was cancelled
 * ({@code PooledRun#cancel}: flag, interrupt, output dropped); a function's {@code RetryPolicy} is applied where
 * it runs ({@code StageRunner} at once, {@code PooledRun} after its backoff); {@code NestedCalls} sends the calls
 * running functions make ({@code PooledCalls}) to a scheduler and completes their futures off the agent, and a
 * short function that asks to call is moved to the pool ({@code MovedToPool}); {@code KeyedActivations} keeps one
 * {@code Activation} per key of a keyed function ({@code KeyedClass}), loads its state through the host cache and
 * queues a key's calls so the {@code PooledLane} runs them one at a time in arrival order; {@code ShippedFunctions}
 * loads the functions the schedulers forward. Clocks, periods and sizes (the pool's workers and queue among
 * them) come from {@link io.droplet.executors.ExecutorContext}.
 * <p>
 * Process functions: {@code ProcessFunction} speaks the JSON-lines protocol to a {@code ProcessPool} of
 * long-lived {@code FunctionProcess}es per function (at most {@code droplet.executor.process.pool}, default one
 * per worker, started on first need by a worker). A call borrows an idle process and waits for its answer at
 * most until its deadline (the process timeout without one); each process's own threads write its requests,
 * read its answers and drain its standard error into a bounded tail, so neither a worker nor the agent ever
 * blocks on a pipe. A process that exits, does not answer in time, writes what is not the protocol's, or whose
 * call is cancelled is killed with its descendants and replaced, and its call fails with a
 * {@code ProcessFunctionException} naming the reason (counted: processes replaced).
 * <p>
 * Threads: everything above runs on the agent's thread except {@code PooledRun#execute} and what the
 * function it runs calls ({@code PooledState}, {@code PooledMailbox}, the host cache's reads, a
 * {@code ProcessFunction}'s pool), which run on a worker; and a process function's two threads per process. A run is handed between the two through concurrent queues and never shared; publishers,
 * {@code OutputCommit}, {@code FunctionMailbox}, the counters and every table stay single-writer.
 * <p>
 * {@link io.droplet.executors.HostCache} is the host's cache of lattice values, read directly by every
 * executor of the host and written only by {@link io.droplet.executors.CacheAgent}, which fetches what
 * executors miss from the storage nodes and follows the keys it holds ({@code CacheAdapter} in,
 * {@code CachePublisher} out, settings from {@link io.droplet.executors.CacheContext}).
 */
package io.droplet.executors;
