package io.droplet.node.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import io.droplet.codecs.value.ValueWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Writes the long 1 under the key its first argument names (a qualified key: functions see keys as
 * they are on the wire), and returns the key.
 */
public final class WriteKeyFunction implements DropletFunction
{
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        final String key = invocation.args().readString();
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final int length = new ValueWriter().wrap(value, 0, value.capacity()).writeLong(1).encodedLength();
        invocation.state().putValue(new UnsafeBuffer(keyBytes), 0, keyBytes.length, value, 0, length);
        invocation.result().writeString(key);
    }
}
