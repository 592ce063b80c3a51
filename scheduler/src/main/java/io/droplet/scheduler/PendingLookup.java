package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Lattice;

import java.util.Map;

/**
 * A request that missed in the scheduler's registry cache and waits while the entries it names are read
 * from the KVS. It holds what the request needs to go on (identity, deadline, mode, a copy of its
 * arguments or registration), so no frame is kept and nothing is dispatched again: when the read
 * completes the {@link Registry} applies what was found and hands the lookup back to its {@link Owner},
 * which carries on from the lookup's {@link State}.
 * <p>
 * <b>Note:</b> not thread-safe; lives on the scheduler's thread (miss path: allocated per miss).
 */
final class PendingLookup implements RegistryStorage.Completion
{
    /** What kind of request waits. */
    enum Request
    {
        CALL_DAG, CALL_FUNCTION, DELETE_FUNCTION, DELETE_DAG, REGISTER_DAG
    }

    /** Where the lookup is. */
    enum State
    {
        /** Reading the named DAG or function (for REGISTER_DAG: the DAG and its unknown functions). */
        READING_ENTRY,
        /** Reading the functions of a DAG just read (CALL_DAG only). */
        READING_FUNCTIONS,
        /** The KVS answered: the owner carries on. */
        ANSWERED
    }

    /** Carries on with a request once its lookup is answered. */
    interface Owner
    {
        /**
         * @param lookup answered; its {@link #failure()} says whether the read failed.
         * @param after  the state the answered read was made in.
         */
        void onLookedUp(PendingLookup lookup, State after);
    }

    final Request request;
    final Owner owner;
    final long correlationId;
    final long replyTo;
    final long deadline;
    final CallMode mode;
    final long periodNs;
    final long[] times;
    final String name;
    final SourceArgs args;
    final DagDefinition dag;
    final byte[] frame;
    private Registry registry;
    private State state = State.READING_ENTRY;
    private ErrorCode failure = ErrorCode.NONE;

    private PendingLookup(
        final Request request, final Owner owner, final long correlationId, final long replyTo, final long deadline,
        final CallMode mode, final long periodNs, final long[] times, final String name, final SourceArgs args,
        final DagDefinition dag, final byte[] frame)
    {
        this.request = request;
        this.owner = owner;
        this.correlationId = correlationId;
        this.replyTo = replyTo;
        this.deadline = deadline;
        this.mode = mode;
        this.periodNs = periodNs;
        this.times = times;
        this.name = name;
        this.args = args;
        this.dag = dag;
        this.frame = frame;
    }

    /**
     * A call that waits for its DAG or function.
     *
     * @param args already copied: the frame is gone when the lookup completes.
     * @return the lookup.
     */
    static PendingLookup call(
        final Request request, final Owner owner, final long correlationId, final long replyTo, final long deadline,
        final CallMode mode, final long periodNs, final long[] times, final String name, final SourceArgs args)
    {
        return new PendingLookup(request, owner, correlationId, replyTo, deadline, mode, periodNs, times, name, args, null, null);
    }

    /**
     * A registry request (delete, DAG registration) that waits for the entries it names.
     *
     * @return the lookup.
     */
    static PendingLookup registration(
        final Request request, final Owner owner, final long correlationId, final long caller, final String name,
        final DagDefinition dag, final byte[] frame)
    {
        return new PendingLookup(request, owner, correlationId, caller, 0, null, 0, null, name, null, dag, frame);
    }

    void start(final Registry registry, final State state)
    {
        this.registry = registry;
        this.state = state;
    }

    /**
     * {@inheritDoc}
     */
    public void onComplete(final ErrorCode code, final Map<String, Lattice> found)
    {
        final State after = state;
        state = State.ANSWERED;
        if (code != ErrorCode.NONE)
        {
            failure = code;
        }
        registry.onLookedUp(this, found, after);
    }

    /**
     * @return where the lookup is.
     */
    State state()
    {
        return state;
    }

    /**
     * @return NONE, or why the last read failed (answered instead of "not found").
     */
    ErrorCode failure()
    {
        return failure;
    }
}
