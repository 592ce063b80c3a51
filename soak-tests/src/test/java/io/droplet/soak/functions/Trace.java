package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import io.droplet.codecs.value.ValueType;

/**
 * trace(x) = the path of executors a chain of traces ran on, as "11>12>13": a source stage starts the
 * path, each later stage appends its executor's address.
 */
public final class Trace implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        final String path = invocation.args().type() == ValueType.STRING ? invocation.args().readString() + ">" : "";
        invocation.result().writeString(path + invocation.mailbox().address());
    }
}
