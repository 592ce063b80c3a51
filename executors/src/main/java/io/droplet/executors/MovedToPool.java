package io.droplet.executors;

/**
 * Thrown out of a short function's inline run when it asks for {@code Invocation.calls()}: a function that calls
 * others may wait on them, which the agent must never do, so the run is abandoned before it calls anything and the
 * function is moved to the worker pool. An {@link Error}, so that a function's {@code catch (Exception)} does not
 * swallow it; the invocation remembers it was thrown in case a {@code catch (Throwable)} does.
 * <p>
 * <b>Note:</b> one preallocated instance without a stack trace; immutable.
 */
final class MovedToPool extends Error
{
    private static final long serialVersionUID = 1L;

    /** The one instance. */
    static final MovedToPool INSTANCE = new MovedToPool();

    private MovedToPool()
    {
        super("a short function that calls other functions runs on the worker pool", null, false, false);
    }
}
