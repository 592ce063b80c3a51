package io.droplet.node;

import io.droplet.api.DropletException;
import io.droplet.api.KeyedFunction;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.Values;
import io.droplet.node.functions.KeyedCounter;
import io.droplet.node.functions.KeyedGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyed stateful functions in a whole local node with two executors: one activation per key, calls to one key
 * one at a time and in order, different keys in parallel, and each key's state in the KVS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyedFunctionsTest
{
    private static final int KEYS = 10;
    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 250;

    private DropletClient droplet;

    @BeforeEach
    void start()
    {
        droplet = Droplet.local(new LocalContext().executors(2).callTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
        droplet.registerKeyedFunction("counter", KeyedCounter.class);
    }

    @AfterEach
    void stop()
    {
        droplet.close();
    }

    @Test
    void thousandCallsOverTenKeysFromFourThreadsKeepEachKeysCount() throws Exception
    {
        final int overlapsBefore = KeyedCounter.OVERLAPS.get();
        final int activationsBefore = KeyedCounter.ACTIVATIONS.get();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final long[][] callsByThreadAndKey = new long[THREADS][KEYS];
        final List<Thread> threads = new ArrayList<>();
        final long startNs = System.nanoTime();
        for (int t = 0; t < THREADS; t++)
        {
            final int thread = t;
            threads.add(new Thread(() ->
            {
                try
                {
                    // All of a thread's calls in flight at once, so calls to one key queue on its executor.
                    final List<CompletableFuture<Object>> results = new ArrayList<>();
                    final int[] keys = new int[CALLS_PER_THREAD];
                    for (int i = 0; i < CALLS_PER_THREAD; i++)
                    {
                        keys[i] = (i * 7 + thread) % KEYS;
                        callsByThreadAndKey[thread][keys[i]]++;
                        results.add(droplet.instance("counter", "key-" + keys[i]).callAsync(1L));
                    }
                    final long[] lastSeen = new long[KEYS];
                    for (int i = 0; i < CALLS_PER_THREAD; i++)
                    {
                        final long count = (Long)results.get(i).get(60, TimeUnit.SECONDS);
                        // One sender's calls to a key reach it in the order sent, and run in that order.
                        if (count <= lastSeen[keys[i]])
                        {
                            throw new AssertionError("key-" + keys[i] + " counted " + count + " after " + lastSeen[keys[i]]);
                        }
                        lastSeen[keys[i]] = count;
                    }
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            }, "keyed-caller-" + t));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(100));
        }
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(failures.isEmpty(), () -> "calls failed: " + failures);

        long total = 0;
        for (int k = 0; k < KEYS; k++)
        {
            long expected = 0;
            for (int t = 0; t < THREADS; t++)
            {
                expected += callsByThreadAndKey[t][k];
            }
            total += expected;
            final String key = "key-" + k;
            assertEquals(expected, droplet.instance("counter", key).call(0L), key + "'s count is its number of calls");
            // Output commit: each call's state was in storage before its result went, so the last is there now.
            final LwwLattice stored = (LwwLattice)droplet.get(KeyedFunction.stateKey("counter", key));
            assertEquals(expected, Values.fromBytes(stored.value().toByteArray()), key + "'s state in the KVS");
        }
        assertEquals(THREADS * CALLS_PER_THREAD, total);
        assertEquals(overlapsBefore, KeyedCounter.OVERLAPS.get(), "calls to one key never overlapped");
        assertEquals(KEYS, KeyedCounter.ACTIVATIONS.get() - activationsBefore, "one activation per key");
        System.out.printf("keyed: %,d calls over %d keys from %d threads in %,d ms%n", total, KEYS, THREADS, tookMs);
    }

    @Test
    void aBusyKeyHoldsOnlyItsOwnCalls() throws Exception
    {
        KeyedGate.started = new CountDownLatch(1);
        KeyedGate.release = new CountDownLatch(1);
        droplet.registerKeyedFunction("gate", KeyedGate.class);
        try
        {
            final CompletableFuture<Object> blocked = droplet.instance("gate", "a").callAsync("block");
            assertTrue(KeyedGate.started.await(30, TimeUnit.SECONDS), "key a's call started");
            final CompletableFuture<Object> behind = droplet.instance("gate", "a").callAsync("next");
            for (int i = 0; i < 20; i++)
            {
                droplet.instance("gate", "b").call("x");
            }
            assertEquals("x;", droplet.instance("gate", "other-" + 0).call("x"), "other keys are served meanwhile");
            assertFalse(blocked.isDone());
            assertFalse(behind.isDone(), "a's next call waits for the one running");
            KeyedGate.release.countDown();
            assertEquals("block;", blocked.get(30, TimeUnit.SECONDS));
            assertEquals("block;next;", behind.get(30, TimeUnit.SECONDS), "then runs on the state a's first call left");
        }
        finally
        {
            KeyedGate.release.countDown();
        }
    }

    @Test
    void aFunctionCallsAKeyWithTheKeyAsItsFirstArgument()
    {
        droplet.registerFunction("twice", inv ->
        {
            final String key = inv.args().readString();
            inv.calls().call("counter", key, 1L).get(20, TimeUnit.SECONDS);
            inv.result().writeLong((Long)inv.calls().call("counter", key, 1L).get(20, TimeUnit.SECONDS));
        });
        assertEquals(2L, droplet.call("twice", "nested"));
        assertEquals(3L, droplet.instance("counter", "nested").call(1L), "the same activation from the client");
    }

    @Test
    void aCallWithoutAKeyIsRefused()
    {
        final DropletException refused = assertThrows(DropletException.class, () -> droplet.call("counter", 1L));
        assertTrue(refused.code() == ErrorCode.INVALID_ARGUMENT || refused.code() == ErrorCode.NO_RESOURCES,
            "refused as a keyed call without its key: " + refused);
    }
}
