package io.droplet.api;

import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueWriter;

/**
 * One run of a function: its arguments (the caller's for a DAG's source stage, the parents' results,
 * in stage order, otherwise), where its result goes, the invocation id, its deadline and whether it has
 * been cancelled.
 * <p>
 * A function that runs long (one not declared {@link ShortFunction short}, on the executor's worker pool)
 * should stop when {@link #isCancelled()} turns true: its invocation's deadline passed or its caller
 * cancelled it. Its worker thread is interrupted then too, so blocking calls that honour interrupts
 * (sleeps, waits, interruptible I/O) end with an exception. Whatever a cancelled run returns is dropped.
 * <p>
 * <b>Note:</b> a flyweight reused by the executor: valid only during {@link DropletFunction#apply}.
 */
public interface Invocation
{
    /**
     * @return the number of arguments.
     */
    int argCount();

    /**
     * @return a reader positioned on the first argument; read them in order.
     */
    ValueReader args();

    /**
     * @return where the function writes its one result value.
     */
    ValueWriter result();

    /**
     * @return the id of this DAG invocation (or call), the same for every stage of it.
     */
    long invocationId();

    /**
     * @return the index of the stage being run within its DAG (0 for a single call).
     */
    int stage();

    /**
     * @return the invocation's deadline in nanoseconds since the epoch (the system clock's, as
     * {@code Instant}'s), or 0 if it has none.
     */
    long deadlineNs();

    /**
     * @return true once this run is cancelled: its deadline has passed, or its caller cancelled the call.
     */
    boolean isCancelled();

    /**
     * @return 0 for the first run of this stage of the invocation, n for its n-th run again (after its
     * executor died, or a retry).
     */
    int attempt();

    /**
     * @return the lattice KVS from inside the function (non-blocking reads through the host cache,
     * asynchronous puts); on an executor without a host cache every read misses and puts are dropped.
     */
    FunctionState state();

    /**
     * @return this executor's mailbox: send messages to other running functions, take those sent here.
     */
    Mailbox mailbox();

    /**
     * @return calls to other functions and DAGs from this function (see {@link FunctionCalls}: a short function
     * that asks for them is moved to the worker pool).
     */
    FunctionCalls calls();
}
