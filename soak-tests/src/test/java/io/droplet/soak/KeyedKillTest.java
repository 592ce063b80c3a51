package io.droplet.soak;

import io.droplet.api.DropletException;
import io.droplet.client.DropletClient;
import io.droplet.scheduler.SchedulerCounters;
import io.droplet.soak.functions.KeyedTally;
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

/**
 * KEYED-KILL: keyed activations outlive their executor. Two executor processes (each with its host cache) serve
 * a keyed counter; ten keys are called twenty times each; the executor process holding one key is killed with
 * SIGKILL; the key's next call is activated on the other executor and continues from the state its last answered
 * call stored; once the killed executor is back the key moves back to it (rendezvous placement) and still
 * continues from the stored state.
 */
class KeyedKillTest
{
    private static final int KEYS = 10;
    private static final int CALLS = 20;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aKeysStateIsThereOnItsNextActivationAfterItsExecutorIsKilled()
    {
        try (Deployment deployment = new Deployment(watcher, "keyed-kill"))
        {
            deployment.driver(List.of());
            deployment.core();
            for (final long id : new long[]{ 10, 11 })
            {
                final long cache = 30 + 2 * (id - 10);
                deployment.node("executor-" + id, "--roles", "cache,executor",
                    "--executor-id", Long.toString(id), "--executor-endpoint", "127.0.0.1:0/" + (5000 + id),
                    "--cache-id", Long.toString(cache), "--cache-endpoint", "127.0.0.1:0/" + (5000 + cache),
                    "--cache-file", new File(deployment.logs(), "cache-" + cache + ".dat").getPath());
            }
            try (DropletClient client = deployment.client(Duration.ofSeconds(10)))
            {
                Await.until(() -> liveExecutors(deployment) == 2, Duration.ofSeconds(120), () -> "both executors live");
                client.registerKeyedFunction("tally", KeyedTally.class);
                // A warm-up key answers once the registration reached its executor.
                Await.until(() -> callQuietly(client, "warm-up") instanceof List, Duration.ofSeconds(60), () -> "tally is served");

                final long[] owner = new long[KEYS];
                for (int k = 0; k < KEYS; k++)
                {
                    for (long expected = 1; expected <= CALLS; expected++)
                    {
                        final List<?> answer = (List<?>)client.instance("tally", "key-" + k).call();
                        assertEquals(expected, answer.get(0), "key-" + k + " counts its calls");
                        owner[k] = (Long)answer.get(1);
                    }
                }
                final long pid10 = deployment.pid("executor-10");
                final String victim = owner[0] == pid10 ? "executor-10" : "executor-11";
                final long survivor = owner[0] == pid10 ? deployment.pid("executor-11") : pid10;

                deployment.kill(victim);
                Await.until(() -> liveExecutors(deployment) < 2, Duration.ofSeconds(30), () -> "the scheduler noticed the kill");
                for (int k = 0; k < KEYS; k++)
                {
                    final List<?> answer = (List<?>)client.instance("tally", "key-" + k).call();
                    assertEquals((long)CALLS + 1, answer.get(0), "key-" + k + " continues from its stored state");
                    assertEquals(survivor, answer.get(1), "key-" + k + " is served by the surviving executor");
                }

                deployment.restart(victim);
                Await.until(() -> liveExecutors(deployment) == 2, Duration.ofSeconds(120), () -> "the killed executor is back");
                final long restarted = deployment.pid(victim);
                // Keys that belonged to the restarted executor move back to it: a fresh activation, state from storage.
                // Each probe is a call of key-0 too, counted.
                final long[] probes = new long[1];
                final Object[] last = new Object[1];
                Await.until(() ->
                {
                    final Object answer = callQuietly(client, "key-0");
                    if (answer instanceof List)
                    {
                        probes[0]++;
                        last[0] = answer;
                        return restarted == (Long)((List<?>)answer).get(1);
                    }
                    return false;
                }, Duration.ofSeconds(60), () -> "key-0 moved back to the restarted executor");
                System.out.printf("KEYED-KILL killed %s; key-0 after the restart: %s after %d probes%n", victim, last[0], probes[0]);
                assertEquals(CALLS + 1 + probes[0], ((List<?>)last[0]).get(0),
                    "key-0's count continued across both moves (its state in storage, not a stale cache's)");
            }
        }
    }

    private static long liveExecutors(final Deployment deployment)
    {
        return deployment.sum(SchedulerCounters.TYPE_ID_BASE + 2, "");
    }

    private static Object callQuietly(final DropletClient client, final String key)
    {
        try
        {
            return client.instance("tally", key).call();
        }
        catch (final DropletException ex)
        {
            return ex;
        }
    }
}
