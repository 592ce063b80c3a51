package io.droplet.api;

import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueWriter;

/**
 * One run of a function: its arguments (the caller's for a DAG's source stage, the parents' results,
 * in stage order, otherwise), where its result goes, and the invocation id.
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
     * @return the lattice KVS from inside the function (non-blocking reads through the host cache,
     * asynchronous puts); on an executor without a host cache every read misses and puts are dropped.
     */
    FunctionState state();

    /**
     * @return this executor's mailbox: send messages to other running functions, take those sent here.
     */
    Mailbox mailbox();
}
