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
 * Capacity: every executor advertises its pool's workers and free slots (workers not busy) in its heartbeats,
 * and marks each function inline (declared short: it runs on the executor's agent and takes no slot) or
 * pooled; between heartbeats it sends a {@code Capacity} report, at most once per report interval, when this
 * scheduler may count it full and it has a slot free again. An {@link io.droplet.scheduler.ExecutorView}
 * keeps the last report less the pooled source stages placed since. A pooled stage is placed only on an
 * executor with a free slot (locality first, then most free slots, then least load), judged before the
 * invocation takes any, so an idle executor takes any invocation whole; a stage after a source is triggered
 * by its parents' executors later and takes no slot here (its executor's next report counts it). Queue slots
 * of an executor are not advertised: a call placed there would wait behind whatever runs, however long,
 * while a worker elsewhere may free sooner; the executor's queue is the slack for what no scheduler sees
 * (placements crossing a report, other schedulers', child stages). A call that finds every executor able to
 * run it full waits here ({@code WaitingCalls}: {@code droplet.scheduler.queue.capacity} calls and
 * {@code droplet.scheduler.queue.bytes} of arguments; full, it is answered NO_RESOURCES at once), starts in
 * arrival order among the calls the freed slot can serve as soon as a heartbeat or report shows one, and is
 * answered TIMEOUT when its deadline passes (a call without a deadline waits at most
 * {@code droplet.scheduler.queue.timeout}). Calls of short functions never take a slot or wait: their path
 * reads one field per executor more than before. Re-runs and BROADCAST legs never wait (their executor's queue
 * holds them). A scheduler learns the lane of a function from heartbeats only (a function registered but not
 * yet announced counts as pooled); an executor announces a changed function table at once, so the window
 * is short.
 * <p>
 * Hostile or unlucky input is answered at the door, counted, and never reaches what would fail later: a
 * call's arguments are validated once ({@code ArgumentCheck}, MALFORMED) before placement reads them; a
 * periodic call more frequent than {@code droplet.scheduler.period.min} is refused INVALID_ARGUMENT and a
 * caller's periodic calls past {@code droplet.scheduler.periodic.per.caller} NO_RESOURCES; a registration is
 * refused INVALID_ARGUMENT when execution would refuse it (a DAG with more edges than executors hold, a class
 * that does not load or is not a function: {@code FunctionClassCheck}).
 * <p>
 * Every invocation started is kept in a bounded {@link io.droplet.scheduler.InvocationLog}; when an
 * executor stops heartbeating, the invocations placed on it that have not reached their deadline are
 * run again on live executors (at least once: the client delivers each correlation's result once).
 * <p>
 * The {@code sessionId} a client sends with control requests is the node id it connected with, and
 * replies go there; in a secured deployment the transport's session gate has checked, before any of
 * this runs, that the frame comes from the identity that holds that node id.
 * <p>
 * The registry lives in the lattice KVS ({@link io.droplet.scheduler.RegistryStore}): each function or
 * DAG registration is an LWW lattice holding the registration frame, written with ack ALL before the
 * caller is answered. A scheduler's in-memory tables are a cache of it: a miss (a call, delete or DAG
 * registration naming something not cached) waits as a {@code PendingLookup}
 * holding what the request needs while the entry is read from the KVS, then carries on, so any
 * scheduler serves any call and registrations are read-your-writes. Cached
 * entries are subscribed to, so deletions and re-registrations through another scheduler arrive by push.
 * Two schedulers registering the same DAG name at the same moment both succeed; the later write wins.
 * A stateful function is pinned by rendezvous hashing of its name over the live executors, so
 * schedulers that agree on membership pin it to the same executor.
 * <p>
 * Shape (protocol first): the {@link io.droplet.scheduler.ClientRequestAdapter} and
 * {@link io.droplet.scheduler.MembershipAdapter} decode each inbound template once and call typed
 * listeners; the {@link io.droplet.scheduler.ClientPublisher} and
 * {@link io.droplet.scheduler.ExecutorPublisher} encode what goes out. Between them, state machines with
 * one job each: {@code Registry}, {@code Registrations}, {@code Calls},
 * {@code InvocationLauncher} (with {@code WaitingCalls}), {@code Broadcast}, {@code PeriodicCalls} (on a timer wheel),
 * {@code Membership}, {@code CodeShipping}, {@code StatefulPins}, {@code KeyedPlacement} (keyed functions'
 * calls by key). The
 * {@link io.droplet.scheduler.SchedulerAgent} is only their duty cycle; every clock, period and size
 * comes from the {@link io.droplet.scheduler.SchedulerContext}.
 */
package io.droplet.scheduler;
