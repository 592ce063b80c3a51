package io.droplet.client;

import io.droplet.api.DropletException;
import io.droplet.api.KeyedFunction;
import io.droplet.codecs.sbe.CallMode;

import java.util.concurrent.CompletableFuture;

/**
 * A handle on one key of a keyed function ({@link KeyedFunction}): its calls reach the key's one activation,
 * which runs them one at a time in the order they arrive. Made by {@link DropletClient#instance}; cheap, and
 * any number may exist for one key.
 * <p>
 * On the wire a keyed call is an ordinary call whose first argument is the key: the scheduler places the call by
 * the key, the executor runs it on the key's activation, and the function sees the arguments after it. Its
 * arguments are not resolved as references (resolving could let a later call of the key overtake an earlier one):
 * read the KVS from inside through {@code invocation.state()}.
 * <p>
 * <b>Note:</b> thread-safe: immutable, over a thread-safe client.
 */
public final class KeyedInstance
{
    private final Calls calls;
    private final ClientSession session;
    private final String function;
    private final String key;

    KeyedInstance(final Calls calls, final ClientSession session, final String function, final String key)
    {
        this.calls = calls;
        this.session = session;
        this.function = function;
        this.key = key;
    }

    /**
     * @return the function's name.
     */
    public String function()
    {
        return function;
    }

    /**
     * @return the key.
     */
    public String key()
    {
        return key;
    }

    /**
     * Calls the key's activation and waits for its result (FG).
     *
     * @param args the call's arguments.
     * @return its result.
     * @throws DropletException with the typed reason if it failed or the deadline passed.
     */
    public Object call(final Object... args)
    {
        return session.join(callAsync(args));
    }

    /**
     * Calls the key's activation (BG).
     *
     * @param args the call's arguments.
     * @return the result's future; it fails with a {@link DropletException}.
     */
    public CompletableFuture<Object> callAsync(final Object... args)
    {
        return calls.callFunction(function, withKey(args), CallMode.BG, session.defaultTimeoutNs());
    }

    private Object[] withKey(final Object[] args)
    {
        final Object[] keyed = new Object[args.length + 1];
        keyed[0] = key;
        System.arraycopy(args, 0, keyed, 1, args.length);
        return keyed;
    }
}
