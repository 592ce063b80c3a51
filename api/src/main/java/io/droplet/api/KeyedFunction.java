package io.droplet.api;

/**
 * A keyed stateful function (Orleans' grains, Restate's virtual objects, Dapr's actors): a class of which
 * the deployment keeps one activation per key, made on the first call to that key on the executor the key
 * is placed on. Calls to one key run one at a time, in the order its executor received them; calls to
 * different keys run in parallel on the worker pool. Register the class with
 * {@code registerKeyedFunction(name, type)} and call a key with {@code instance(name, key).call(args...)}.
 * <pre>
 *   public final class Account implements KeyedFunction {
 *       public void apply(Invocation inv, KeyedState state) {
 *           long balance = state.isEmpty() ? 0 : state.read().readLong();
 *           balance += inv.args().readLong();
 *           state.write().writeLong(balance);           // kept in the KVS before the result goes
 *           inv.result().writeLong(balance);
 *       }
 *   }
 * </pre>
 * An activation's state ({@link KeyedState}) is one value kept in the lattice KVS under
 * {@link #stateKey(String, String)}, as a last-writer-wins value: a call that writes it returns its result
 * only once the store has acknowledged the write (output commit), so a key whose executor dies is
 * activated elsewhere with the state of its last answered call. A call that fails leaves the state as it
 * was. Fields of the instance are the activation's own: lost when it is evicted or its executor dies.
 * <p>
 * <b>Note:</b> an instance serves one key and is never called twice at once, so it needs no locking. Calls run
 * at least once: a call re-run after its executor died may apply twice if its write had landed.
 */
@FunctionalInterface
public interface KeyedFunction
{
    /**
     * Runs one call of the activation.
     *
     * @param invocation the call's arguments (after the key) and result, as for any function.
     * @param state      the activation's key and state.
     * @throws Exception reported to the caller as EXECUTION_ERROR; the state keeps its value from before the call.
     */
    void apply(Invocation invocation, KeyedState state) throws Exception;

    /**
     * @param function name of the keyed function, as registered (with its namespace, if any).
     * @param key      of the activation.
     * @return the KVS key its state is kept under: {@code function@key}, inside the function's namespace.
     */
    static String stateKey(final String function, final String key)
    {
        return function + '@' + key;
    }
}
