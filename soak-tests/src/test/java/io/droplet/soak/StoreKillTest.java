package io.droplet.soak;

import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Lattice;
import io.droplet.api.lattice.MaxLattice;
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
 * without being restarted. After the last kill the load goes on (for {@code -Dsoak.storekill.settle}) and
 * the test prints when the link to the new process held puts up: its dead predecessor's subscription holds
 * it until the host's driver reaps that client (its client liveness timeout).
 */
class StoreKillTest
{
    private static final int KILLS = Integer.getInteger("soak.storekill.kills", 2);
    private static final Duration SETTLE = Duration.parse(System.getProperty("soak.storekill.settle", "PT12S"));
    private static final long HELD_NS = TimeUnit.MILLISECONDS.toNanos(500);

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
                final LatencyProbe.Operation probePut = i ->
                {
                    client.put("probe-" + i, MaxLattice.of(i));
                    return i;
                };
                final LatencyProbe before = LatencyProbe.warmThenRun("put", probePut, i -> i);
                final List<Long> acknowledged = new ArrayList<>();
                final Map<ErrorCode, Integer> failed = new EnumMap<>(ErrorCode.class);
                final ArrayDeque<CompletableFuture<Object>> window = new ArrayDeque<>();
                final ArrayDeque<Long> ids = new ArrayDeque<>();
                long next = 0;
                int kills = 0;
                long killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                // After the last kill the load goes on for a while, to see how soon the restarted node takes it
                // in full: its dead predecessor's subscription holds the link until the driver reaps that client.
                long killedAt = 0;
                long servedAt = 0;
                long loadUntil = Long.MAX_VALUE;
                int settleFailed = 0;
                long heldFrom = -1;
                long heldUntil = -1;
                long settlePuts = 0;
                final ArrayDeque<Long> issued = new ArrayDeque<>();
                while (kills < KILLS || System.nanoTime() - loadUntil < 0 || !window.isEmpty())
                {
                    final boolean loading = kills < KILLS || System.nanoTime() - loadUntil < 0;
                    if (kills < KILLS && System.nanoTime() - killAt > 0)
                    {
                        deployment.kill("storage");
                        killedAt = System.nanoTime();
                        kills++;
                        final long restartAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                        while (System.nanoTime() - restartAt < 0)
                        {
                            Thread.onSpinWait();
                        }
                        deployment.restart("storage");
                        // Wait for a put to succeed again before the next kill, so every kill hits a serving node.
                        Await.until(() -> putQuietly(client), Duration.ofSeconds(60), () -> "the restarted storage node serves");
                        servedAt = System.nanoTime();
                        System.out.printf("STORE-KILL kill %d: first put after the restart succeeded %d ms after the kill%n", kills,
                            TimeUnit.NANOSECONDS.toMillis(servedAt - killedAt));
                        killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000 + next % 1_000);
                        if (kills == KILLS)
                        {
                            loadUntil = killedAt + SETTLE.toNanos();
                        }
                    }
                    if (loading && window.size() < 32)
                    {
                        // Puts after the last kill go to keys of their own: what they measure is the link, and the
                        // read-back below checks the keys that went through kills.
                        final long id = kills < KILLS ? next++ : -1 - settlePuts++;
                        window.add(client.putAsync(id >= 0 ? "k-" + id : "settle-" + (settlePuts % 1024), MaxLattice.of(id),
                            AckLevel.ONE));
                        ids.add(id);
                        issued.add(System.nanoTime());
                        continue;
                    }
                    final long id = ids.poll();
                    final long issuedAt = issued.poll();
                    final CompletableFuture<Object> put = window.poll();
                    try
                    {
                        put.get(10, TimeUnit.SECONDS);
                        if (id >= 0)
                        {
                            acknowledged.add(id);
                        }
                    }
                    catch (final java.util.concurrent.ExecutionException | CompletionException ex)
                    {
                        failed.merge(ex.getCause() instanceof DropletException ? ((DropletException)ex.getCause()).code() :
                            ErrorCode.INTERNAL, 1, Integer::sum);
                        if (id < 0)
                        {
                            settleFailed++;
                        }
                    }
                    // A put to a serving node that takes half a second or fails was held up by the link.
                    if (id < 0 && (put.isCompletedExceptionally() || System.nanoTime() - issuedAt > HELD_NS))
                    {
                        if (heldFrom < 0)
                        {
                            heldFrom = issuedAt - killedAt;
                        }
                        heldUntil = System.nanoTime() - killedAt;
                    }
                }
                System.out.printf("STORE-KILL after the last kill: served again %d ms after it; of the %d puts issued from " +
                    "then until %d s after the kill, %d failed; the link held puts up (they failed or took over %d ms) %s%n",
                    TimeUnit.NANOSECONDS.toMillis(servedAt - killedAt), settlePuts, SETTLE.toSeconds(), settleFailed,
                    TimeUnit.NANOSECONDS.toMillis(HELD_NS), heldFrom < 0 ? "never" : "from " +
                    TimeUnit.NANOSECONDS.toMillis(heldFrom) + " to " + TimeUnit.NANOSECONDS.toMillis(heldUntil) +
                    " ms after the kill");

                final LatencyProbe after = LatencyProbe.run("put", probePut, i -> i);

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
                    "client re-introductions %d; %s%n", next, acknowledged.size(), failed, kills, lost, reintroductions,
                    LatencyProbe.compare(before, after));
                assertEquals(0, lost, "acknowledged puts lost");
                assertEquals(0, after.errorCount(), "puts succeed once the storage node is back: " + LatencyProbe.compare(before, after));
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
