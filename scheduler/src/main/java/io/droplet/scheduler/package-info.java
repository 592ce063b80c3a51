/**
 * The scheduler role: the registry of functions and DAGs, executor membership by heartbeat, placement
 * of each invocation's stages ({@link io.droplet.scheduler.PlacementPolicy}), and the first hop of a
 * call (DESIGN.md section 4, hops 1 and 2): it answers registrations, and turns {@code CallDag} and
 * {@code CallFunction} into {@code Trigger}s for the source stages, carrying the whole schedule.
 * <p>
 * The scheduler also introduces nodes to each other: when a caller connects, or an executor first
 * heartbeats, it sends a {@code Connect} naming the newcomer's endpoint to every executor, so results
 * can go straight from the sink's executor to the caller.
 * <p>
 * Every invocation started is kept in a bounded {@link io.droplet.scheduler.InvocationLog}; when an
 * executor stops heartbeating, the invocations placed on it that have not reached their deadline are
 * run again on live executors (at least once: the client delivers each correlation's result once).
 * <p>
 * Until namespaces and authentication arrive, the {@code sessionId} a client sends with control
 * requests is the node id it connected with, and replies go there.
 * <p>
 * This first version keeps its registry in memory (one scheduler per deployment); storing it in the
 * lattice KVS, so that any scheduler can serve any call, is the next step.
 */
package io.droplet.scheduler;
