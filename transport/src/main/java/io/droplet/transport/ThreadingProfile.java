package io.droplet.transport;

/**
 * How a process's agents and its media driver map to threads (DESIGN.md section 5).
 * <p>
 * Count spinning threads against cores: on a 2-core host three busy-spinning threads (a driver
 * thread plus two agents) collapse UDP round trips from microseconds to milliseconds.
 */
public enum ThreadingProfile
{
    /**
     * No threads of our own: the embedded driver's and the Aeron client's conductors are invoked
     * from the caller's duty cycle ({@link Transport#invoke()}). The default for a one-process node
     * and for tests; one thread does everything, so nothing competes for cores.
     */
    INVOKER,

    /**
     * The driver's agents share one thread, and so do the node's (composed into one duty cycle), both
     * idling with back-off. The default for a standalone per-host driver, for a node's roles and for small
     * hosts.
     */
    SHARED,

    /**
     * A thread per agent, busy-spinning: each role's agent, the Aeron client's conductor and an embedded
     * driver's agents each run on a thread of their own. The explicit low-latency profile for hosts with a
     * free core per spinning thread.
     */
    DEDICATED
}
