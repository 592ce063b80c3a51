package io.droplet.scheduler;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * A function class the rig registers by name (JAVA, STATEFUL_CLASS and KEYED_CLASS registrations must name a
 * loadable function class). Never run by these tests.
 */
public final class EchoFunction implements DropletFunction
{
    /** {@inheritDoc} */
    public void apply(final Invocation invocation)
    {
    }
}
