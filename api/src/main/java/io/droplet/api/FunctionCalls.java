package io.droplet.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Calls a running function makes to other functions and DAGs ({@link Invocation#calls()}): each goes through a
 * scheduler as a client's call would and is answered to the calling executor, with the calling invocation's
 * deadline (or the executor's nested-call timeout if it has none). Each returns a future: a function on the
 * worker pool may wait on it; whatever the future's callbacks do runs off the executor's agent thread.
 * <p>
 * A function declared {@link ShortFunction short} runs inline on the agent, which must never wait: the first time
 * it asks for {@link Invocation#calls()} its run is abandoned before it calls anything, and the function is moved to
 * the worker pool for good and run again there from the start (what it wrote before stays written).
 * <p>
 * <b>Note:</b> thread-safe for the function's own thread; valid only while the function runs.
 */
public interface FunctionCalls
{
    /**
     * @param function to call.
     * @param args     its arguments.
     * @return its result, or a {@link DropletException} as a client's call would end.
     */
    CompletableFuture<Object> call(String function, Object... args);

    /**
     * @param dag  to call.
     * @param args given to each of its source stages.
     * @return the result of its sink.
     */
    CompletableFuture<Object> callDag(String dag, Object... args);

    /**
     * Calls {@code function} once per input, all at once (the width is the data's), and gives the results in input
     * order.
     *
     * @param function to call with each input as its one argument.
     * @param inputs   the inputs.
     * @return the results in input order, or the first failure.
     */
    CompletableFuture<List<Object>> map(String function, List<?> inputs);
}
