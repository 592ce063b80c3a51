package io.droplet.soak;

import io.droplet.client.DropletClient;
import io.droplet.client.DropletException;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.lattice.Lattice;
import io.droplet.store.lattice.MaxLattice;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.TransportCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * STORE-KILL: a client writes (ack ONE, 32 in flight) while the storage node's process is killed with
 * SIGKILL mid-write and started again, several times. Every acknowledged put is there afterwards; the
 * restarted node opens its store (no lock left behind) and serves again, and the client finds it again
 * without being restarted.
 */
class StoreKillTest
{
    private static final int KILLS = Integer.getInteger("soak.storekill.kills", 2);

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyAcknowledgedPutSurvivesKillsOfTheStorageNode() throws Exception
    {
        try (Deployment deployment = new Deployment(watcher, "store-kill"))
        {
            deployment.driver(List.of());
            deployment.node("storage", "--roles", "storage", "--data", new File(deployment.logs(), "storage-data").getPath());
            deployment.node("scheduler", "--roles", "scheduler");
            try (DropletClient client = deployment.client(Duration.ofSeconds(2)))
            {
                final List<Long> acknowledged = new ArrayList<>();
                final Map<ErrorCode, Integer> failed = new EnumMap<>(ErrorCode.class);
                final ArrayDeque<CompletableFuture<Object>> window = new ArrayDeque<>();
                final ArrayDeque<Long> ids = new ArrayDeque<>();
                long next = 0;
                int kills = 0;
                long killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (kills < KILLS || !window.isEmpty())
                {
                    if (kills < KILLS && System.nanoTime() - killAt > 0)
                    {
                        deployment.kill("storage");
                        kills++;
                        final long restartAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                        while (System.nanoTime() - restartAt < 0)
                        {
                            Thread.onSpinWait();
                        }
                        deployment.restart("storage");
                        // Wait for a put to succeed again before the next kill, so every kill hits a serving node.
                        Await.until(() -> putQuietly(client), Duration.ofSeconds(60), () -> "the restarted storage node serves");
                        killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000 + next % 1_000);
                    }
                    if (kills < KILLS && window.size() < 32)
                    {
                        final long id = next++;
                        window.add(client.putAsync("k-" + id, MaxLattice.of(id), AckLevel.ONE));
                        ids.add(id);
                        continue;
                    }
                    final long id = ids.poll();
                    try
                    {
                        window.poll().get(10, TimeUnit.SECONDS);
                        acknowledged.add(id);
                    }
                    catch (final java.util.concurrent.ExecutionException | CompletionException ex)
                    {
                        failed.merge(ex.getCause() instanceof DropletException ? ((DropletException)ex.getCause()).code() :
                            ErrorCode.INTERNAL, 1, Integer::sum);
                    }
                }

                int lost = 0;
                for (final long id : acknowledged)
                {
                    final Lattice value = getPatiently(client, "k-" + id);
                    if (!(value instanceof MaxLattice) || ((MaxLattice)value).value() < id)
                    {
                        lost++;
                    }
                }
                final long reintroductions = deployment.sum(TransportCounters.TYPE_ID_BASE + 13, "");
                System.out.printf("STORE-KILL puts %d, acknowledged %d, failed %s, kills %d, acknowledged but lost %d, " +
                    "client re-introductions %d%n", next, acknowledged.size(), failed, kills, lost, reintroductions);
                assertEquals(0, lost, "acknowledged puts lost");
                assertEquals(KILLS, kills);
                assertTrue(acknowledged.size() > next / 2, "most puts acknowledged: " + acknowledged.size() + " of " + next);
                assertTrue(failed.keySet().stream().allMatch(code -> code == ErrorCode.TIMEOUT || code == ErrorCode.NOT_CONNECTED),
                    "failures are typed: " + failed);
            }
        }
    }

    /**
     * Reads a key, trying again for a while: right after a restart the link to the new storage process can
     * be held up to the driver's client liveness timeout by its dead predecessor (what this test checks is
     * that acknowledged data survives, not how soon the node is reachable again).
     */
    private static Lattice getPatiently(final DropletClient client, final String key)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                return client.get(key);
            }
            catch (final DropletException ex)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
            }
        }
    }

    private static boolean putQuietly(final DropletClient client)
    {
        try
        {
            client.put("probe", MaxLattice.of(System.nanoTime()));
            return true;
        }
        catch (final DropletException ex)
        {
            return false;
        }
    }
}
