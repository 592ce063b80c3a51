package io.droplet.api;

/**
 * A function with state kept between calls (Cloudburst's class registration): the executor creates one
 * instance, calls {@link #init()} once, then {@link #apply} for every call. The scheduler pins the
 * function to one executor so all calls see the same instance; if that executor dies the function is
 * pinned to another and initialised afresh (its state is not replicated: keep what must survive in the
 * lattice KVS).
 * <p>
 * <b>Note:</b> never called twice at once: the pinned executor runs its calls one at a time (on its
 * worker pool under the instance's monitor, or inline if it is also a {@link ShortFunction}), so no
 * locking is needed.
 */
public interface StatefulFunction extends DropletFunction
{
    /**
     * Prepares the instance's state, once, before the first call.
     *
     * @throws Exception reported to the error log; calls then fail with FUNCTION_NOT_FOUND.
     */
    void init() throws Exception;
}
