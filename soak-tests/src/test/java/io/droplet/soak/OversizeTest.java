package io.droplet.soak;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Values;
import io.droplet.soak.functions.Echo;
import io.droplet.soak.functions.Grow;
import io.droplet.soak.functions.Size;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * OVERSIZE: against real processes, arguments of exactly the payload limit succeed (through one
 * function and through a DAG whose stages pass them on); one byte more is PAYLOAD_TOO_LARGE; a result
 * one byte over the limit is PAYLOAD_TOO_LARGE too; and the connection stays usable after each.
 */
class OversizeTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aPayloadAtTheLimitPassesAndOneByteMoreIsRefused()
    {
        try (Deployment deployment = new Deployment(watcher, "oversize"))
        {
            deployment.driver(List.of());
            deployment.node("all", "--roles", "storage,scheduler,executor", "--data", new File(deployment.logs(), "data").getPath());
            try (DropletClient client = deployment.client(Duration.ofSeconds(10)))
            {
                client.registerFunction("size", Size.class);
                client.registerFunction("echo", Echo.class);
                client.registerFunction("grow", Grow.class);
                client.registerDag("echo-size", List.of("echo", "size"), List.of(Connection.of("echo", "size")));
                Await.until(() -> Long.valueOf(3).equals(callQuietly(client)), Duration.ofSeconds(60), () -> "served");

                final LatencyProbe before = LatencyProbe.warmThenRun("small call", i -> client.call("size", (Object)new byte[3]), i -> 3L);
                final int limit = client.maxPayloadLength();
                final int atLimit = bytesFor(limit);
                assertEquals(limit, Values.toBytes(List.of(new byte[atLimit]), new CodecRegistry()).length);
                System.out.println("OVERSIZE payload limit " + limit + " bytes: a bytes argument of " + atLimit);

                assertEquals((long)atLimit, client.call("size", (Object)new byte[atLimit]), "exactly at the limit");
                assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, assertThrows(DropletException.class, () ->
                    client.call("size", (Object)new byte[atLimit + 1])).code(), "one byte more");
                assertEquals(3L, client.call("size", (Object)new byte[3]), "usable after a refusal");

                assertEquals((long)atLimit, client.callDag("echo-size", (Object)new byte[atLimit]), "at the limit through a DAG");

                final int resultHeader = Values.toBytes(new byte[0], new CodecRegistry()).length;
                final Object largest = client.call("grow", (long)(limit - resultHeader));
                assertEquals(limit - resultHeader, ((byte[])largest).length, "a result of exactly the limit");
                assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, assertThrows(DropletException.class, () ->
                    client.call("grow", (long)(limit - resultHeader + 1))).code(), "a result one byte over");
                assertEquals(3L, client.call("size", (Object)new byte[3]), "usable after a refused result");
                final LatencyProbe after = LatencyProbe.run("small call", i -> client.call("size", (Object)new byte[3]), i -> 3L);
                System.out.println("OVERSIZE small calls around the refusals: " + LatencyProbe.compare(before, after));
                assertEquals(0, before.errorCount() + after.errorCount(), "small calls succeed");
            }
        }
    }

    private static int bytesFor(final int encodedLength)
    {
        int n = encodedLength - Values.toBytes(List.of(new byte[0]), new CodecRegistry()).length;
        while (Values.toBytes(List.of(new byte[n]), new CodecRegistry()).length > encodedLength)
        {
            n--;
        }
        return n;
    }

    private static Object callQuietly(final DropletClient client)
    {
        try
        {
            return client.call("size", (Object)new byte[3]);
        }
        catch (final DropletException ex)
        {
            return ex;
        }
    }
}
