package io.droplet.node;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.node.cli.DropletCommand;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.echo.EchoListener;
import io.droplet.transport.echo.EchoPair;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standalone {@code droplet driver} process serves two nodes of this JVM that connect to it as an
 * external driver; {@code droplet stat} then reads their counters from outside, through the driver's
 * CnC file; on SIGTERM the driver exits and removes its directory.
 */
class ExternalDriverTest implements EchoListener
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private long pongs;
    private long errors;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void nodesShareAStandaloneDriverProcess() throws Exception
    {
        final String dir = watcher.aeronDirectory("external");
        final File log = new File(watcher.dataDirectory("driver-log"), "driver.log");
        final Process driver = new ProcessBuilder(
            new File(System.getProperty("java.home"), "bin/java").getPath(),
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            DropletCommand.class.getName(), "driver", "--dir", dir, "--term-length", "1m")
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
        try
        {
            Await.until(() -> new File(dir, "cnc.dat").exists() || !driver.isAlive(), Duration.ofSeconds(30),
                () -> "driver started at " + dir);
            assertTrue(driver.isAlive(), "driver process exited early, see " + log);

            try (EchoPair pair = new EchoPair(false, dir, null, context -> context.embeddedDriver(false), this))
            {
                assertTrue(pair.requesterTransport().isInvoker(), "client conductor still runs in our duty cycle");
                Await.until(pair::dutyCycle, pair::isConnected, Duration.ofSeconds(20), () -> "connected");
                // Short, so a killed process's subscriptions (which hold its restarted successor's links) go soon.
                assertEquals(TimeUnit.SECONDS.toNanos(3), clientLivenessTimeoutNs(dir), "the driver's client liveness timeout");
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
                for (int i = 0; i < 10_000; i++)
                {
                    final long id = pair.requester().ping(payload, 0, 16, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                    assertTrue(id > 0);
                    final long expected = pongs + errors + 1;
                    Await.until(pair::dutyCycle, () -> pongs + errors == expected, Duration.ofSeconds(10), () -> "pong");
                }
                assertEquals(10_000, pongs);
                assertEquals(0, errors);

                final String stat = Cli.run("stat", "--dir", dir);
                assertTrue(stat.contains("droplet responder: frames received"), stat);
                assertTrue(stat.lines().anyMatch(line -> line.contains("10,000") && line.contains("responder: frames received")), stat);
            }
        }
        finally
        {
            driver.destroy();
            assertTrue(driver.waitFor(30, TimeUnit.SECONDS), "driver stops on SIGTERM");
        }
        Await.until(() -> !new File(dir).exists(), Duration.ofSeconds(10), () -> "driver removed its directory");
    }

    private static long clientLivenessTimeoutNs(final String dir)
    {
        final java.nio.MappedByteBuffer cnc = org.agrona.IoUtil.mapExistingFile(new File(dir, io.aeron.CncFileDescriptor.CNC_FILE), "cnc");
        try
        {
            return io.aeron.CncFileDescriptor.clientLivenessTimeoutNs(io.aeron.CncFileDescriptor.createMetaDataBuffer(cnc));
        }
        finally
        {
            org.agrona.IoUtil.unmap(cnc);
        }
    }

    public void onPong(final long correlationId, final long sentTimeNs, final DirectBuffer payload, final int offset, final int length)
    {
        pongs++;
    }

    public void onError(final long correlationId, final ErrorCode code)
    {
        errors++;
    }
}
