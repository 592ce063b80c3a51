package io.droplet.node;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.transport.ThreadingProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An in-process node with a thread per role (and a dedicated transport) serves a DAG call end to end: the
 * roles share no thread, so each must touch only its own channels. Tagged slow: its eight or so threads
 * busy-spin, which on a small host takes tens of seconds and the host's every core.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DedicatedProfileTest
{
    @Test
    void aThreadPerRoleServesDagCalls()
    {
        try (DropletClient droplet = Droplet.local(new LocalContext().threading(ThreadingProfile.DEDICATED)))
        {
            droplet.registerFunction("increment", inv -> inv.result().writeLong(inv.args().readLong() + 1));
            droplet.registerFunction("square", inv ->
            {
                final long x = inv.args().readLong();
                inv.result().writeLong(x * x);
            });
            droplet.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
            for (long x = 0; x < 20; x++)
            {
                assertEquals((x + 1) * (x + 1), droplet.callDag("pipeline", x));
            }
        }
    }
}
