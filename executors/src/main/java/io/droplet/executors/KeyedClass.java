package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import io.droplet.api.KeyedFunction;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * A keyed function's class as installed in {@link LocalFunctions}: not run itself, but the maker of one
 * {@link Activation} per key, which the {@link PooledLane} runs one call at a time ({@link KeyedActivations}).
 * <p>
 * <b>Note:</b> thread-safe: immutable; instances are made on the worker that runs an activation's first call.
 */
final class KeyedClass implements DropletFunction
{
    private final Constructor<? extends KeyedFunction> constructor;

    /**
     * @param type implementing {@link KeyedFunction}.
     * @throws NoSuchMethodException if it has no no-argument constructor.
     */
    KeyedClass(final Class<? extends KeyedFunction> type) throws NoSuchMethodException
    {
        this.constructor = type.getDeclaredConstructor();
    }

    /**
     * @return a new instance, for a new activation.
     * @throws Exception what the constructor threw.
     */
    KeyedFunction newInstance() throws Exception
    {
        try
        {
            return constructor.newInstance();
        }
        catch (final InvocationTargetException ex)
        {
            throw ex.getCause() instanceof Exception ? (Exception)ex.getCause() : ex;
        }
    }

    /**
     * Never runs a call: a keyed call goes through its key's activation on the worker pool.
     */
    public void apply(final Invocation invocation)
    {
        throw new IllegalStateException("a keyed function runs through its key's activation, on an executor's worker pool");
    }
}
