package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * fail(anything) throws: a parent of a fan-in stage that never delivers, so the fan-in's other parents' outputs
 * must be let go when the invocation fails.
 */
public final class Fail implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        throw new IllegalStateException("this parent fails by design");
    }
}
