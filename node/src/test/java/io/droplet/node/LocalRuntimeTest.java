package io.droplet.node;

import io.droplet.api.BroadcastResult;
import io.droplet.api.Connection;
import io.droplet.api.PeriodicCall;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.value.Reference;
import io.droplet.codecs.value.Values;
import io.droplet.api.lattice.LwwLattice;
import org.agrona.concurrent.UnsafeBuffer;
import io.droplet.node.functions.CountingFunction;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.api.lattice.SetLattice;
import io.droplet.test.Await;
import io.droplet.transport.ThreadingProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime end to end through the public client API, on an in-process node: functions, DAGs
 * (chain and fan-in), call modes FG/BG/NO_RETURN, and each typed error a caller can meet.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalRuntimeTest
{
    private static DropletClient droplet;
    private static final Set<Long> RECORDED = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start()
    {
        droplet = Droplet.local(new LocalContext().executors(2).callTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
        droplet.registerFunction("increment", inv -> inv.result().writeLong(inv.args().readLong() + 1));
        droplet.registerFunction("square", inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        });
        droplet.registerFunction("double", inv -> inv.result().writeLong(inv.args().readLong() * 2));
        droplet.registerFunction("sum", inv ->
        {
            long total = 0;
            for (int i = 0; i < inv.argCount(); i++)
            {
                total += inv.args().readLong();
            }
            inv.result().writeLong(total);
        });
        droplet.registerFunction("describe", inv ->
        {
            final String text = inv.args().readString();
            inv.result().writeString(text + " has " + text.length() + " chars");
        });
        droplet.registerFunction("record", inv -> RECORDED.add(inv.args().readLong()));
        droplet.registerFunction("fail", inv ->
        {
            throw new IllegalStateException("bad input: " + inv.args().readLong());
        });
        droplet.registerFunction("slow", inv ->
        {
            // Busy work standing in for a slow function.
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait();
            }
            inv.result().writeLong(1);
        });
        droplet.registerFunction("remember", inv ->
        {
            // remember(key, value): stores the value under the key, from inside the function.
            final byte[] key = inv.args().readString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            final int start = inv.args().position();
            inv.args().skip();
            inv.state().putValue(new UnsafeBuffer(key), 0, key.length, inv.args().buffer(), start, inv.args().position() - start);
            inv.result().writeBoolean(true);
        });
        droplet.registerFunction("recall", inv ->
        {
            final byte[] key = inv.args().readString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (!inv.state().read(new UnsafeBuffer(key), 0, key.length, inv.result()))
            {
                inv.result().writeString("not cached");
            }
        });
        droplet.registerFunction("collect", inv ->
        {
            final byte[] key = inv.args().readString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            final long id = inv.args().readLong();
            final byte[] set = io.droplet.api.lattice.LatticeCodec.toBytes(
                io.droplet.api.lattice.SetLattice.of(Long.toString(id).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            inv.state().merge(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(set), 0, set.length);
            inv.result().writeLong(id);
        });
        droplet.registerFunction("collect-badly", inv ->
        {
            final byte[] key = inv.args().readString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            final byte[] max = io.droplet.api.lattice.LatticeCodec.toBytes(io.droplet.api.lattice.MaxLattice.of(1));
            inv.state().merge(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(max), 0, max.length);
            inv.result().writeLong(0);
        });
        droplet.registerFunction("echo", inv ->
        {
            final int start = inv.args().position();
            inv.args().skip();
            inv.result().writeEncoded(inv.args().buffer(), start, inv.args().position() - start);
        });
        droplet.registerFunction("whoami", inv -> inv.result().writeLong(inv.mailbox().address()));
        droplet.registerFunction("post", inv ->
        {
            final long to = inv.args().readLong();
            final byte[] text = inv.args().readString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            inv.result().writeBoolean(inv.mailbox().send(to, new UnsafeBuffer(text), 0, text.length));
        });
        droplet.registerFunction("inbox", inv ->
        {
            final List<String> received = new java.util.ArrayList<>();
            inv.mailbox().receive((from, buffer, offset, length) ->
                received.add(from + ":" + buffer.getStringWithoutLengthUtf8(offset, length)), 100);
            inv.result().beginList(received.size());
            received.forEach(inv.result()::writeString);
            inv.result().endList();
        });
        droplet.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
        droplet.registerDag("fan-in", List.of("increment", "double", "sum"),
            List.of(Connection.of("increment", "sum"), Connection.of("double", "sum")));
    }

    @AfterAll
    static void stop()
    {
        droplet.close();
    }

    @Test
    void callsAFunction()
    {
        assertEquals(42L, droplet.call("increment", 41L));
        assertEquals("droplet has 7 chars", droplet.call("describe", "droplet"));
        assertTrue(droplet.listFunctions().containsAll(List.of("increment", "square", "sum")));
    }

    @Test
    void callsATwoStageDagManyTimes()
    {
        for (long x = 0; x < 1_000; x++)
        {
            assertEquals((x + 1) * (x + 1), droplet.callDag("pipeline", x));
        }
    }

    @Test
    void fanInStageGetsEveryParentsOutputInStageOrder()
    {
        // increment(5) = 6 and double(5) = 10 both feed sum.
        assertEquals(16L, droplet.callDag("fan-in", 5L));
        // Different arguments per source.
        assertEquals(4L + 14L, droplet.callDagAsync("fan-in", Map.of("increment", List.<Object>of(3L), "double", List.<Object>of(7L)))
            .join());
    }

    @Test
    void backgroundCallsComplete() throws Exception
    {
        final var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Object>>();
        for (long x = 0; x < 200; x++)
        {
            futures.add(droplet.callDagAsync("pipeline", x));
        }
        for (int x = 0; x < 200; x++)
        {
            assertEquals((long)(x + 1) * (x + 1), futures.get(x).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void noReturnCallsRunWithoutAnAnswer()
    {
        droplet.callNoReturn("record", 77L);
        droplet.callDagNoReturn("pipeline", 1L);
        Await.until(() -> RECORDED.contains(77L), Duration.ofSeconds(10), () -> "record(77) ran");
    }

    @Test
    void everyFailureIsATypedError()
    {
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, assertThrows(DropletException.class, () -> droplet.call("missing", 1L)).code());
        assertEquals(ErrorCode.NO_SUCH_DAG, assertThrows(DropletException.class, () -> droplet.callDag("nope", 1L)).code());
        assertEquals(ErrorCode.DAG_ALREADY_EXISTS, assertThrows(DropletException.class, () ->
            droplet.registerDag("pipeline", List.of("increment"), List.of())).code());
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, assertThrows(DropletException.class, () ->
            droplet.registerDag("uses-missing", List.of("increment", "missing"), List.of(Connection.of("increment", "missing")))).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(DropletException.class, () ->
            droplet.registerDag("cycle", List.of("increment", "square"),
                List.of(Connection.of("increment", "square"), Connection.of("square", "increment")))).code());
        assertEquals(ErrorCode.NO_SUCH_DAG, assertThrows(DropletException.class, () -> droplet.deleteDag("never-registered")).code());

        final DropletException failure = assertThrows(DropletException.class, () -> droplet.call("fail", 13L));
        assertEquals(ErrorCode.EXECUTION_ERROR, failure.code());
        assertTrue(failure.getMessage().contains("IllegalStateException: bad input: 13"), failure.getMessage());

        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, assertThrows(DropletException.class, () ->
            droplet.call("increment", (Object)new byte[2 * 1024 * 1024])).code());

        // A function that writes bytes that are not a value: the caller, or the next stage, rejects them.
        droplet.registerFunction("garbage", inv -> inv.result().writeEncoded(new UnsafeBuffer(new byte[]{ 0x7F, 1, 2 }), 0, 3));
        assertEquals(ErrorCode.MALFORMED, assertThrows(DropletException.class, () -> droplet.call("garbage")).code());
        droplet.registerDag("garbage-in", List.of("garbage", "square"), List.of(Connection.of("garbage", "square")));
        final DropletException malformed = assertThrows(DropletException.class, () -> droplet.callDag("garbage-in"));
        assertEquals(ErrorCode.MALFORMED, malformed.code());
        assertTrue(malformed.getMessage().contains("not a valid value"), malformed.getMessage());

        // The runtime keeps serving after all of the above.
        assertEquals(16L, droplet.callDag("pipeline", 3L));
    }

    @Test
    void aCallPastItsDeadlineEndsInTimeout()
    {
        droplet.registerDag("slow-dag", List.of("slow"), List.of());
        final DropletException timeout = assertThrows(DropletException.class, () ->
            droplet.callDagWithin("slow-dag", Duration.ofMillis(50), 1L));
        assertEquals(ErrorCode.TIMEOUT, timeout.code());
        assertEquals(16L, droplet.callDag("pipeline", 3L), "serving goes on after the slow call");
    }

    @Test
    void deletedDagsAreGone()
    {
        droplet.registerDag("temporary", List.of("square"), List.of());
        assertEquals(9L, droplet.callDag("temporary", 3L));
        droplet.deleteDag("temporary");
        assertEquals(ErrorCode.NO_SUCH_DAG, assertThrows(DropletException.class, () -> droplet.callDag("temporary", 3L)).code());
    }

    @Test
    void broadcastReachesEveryExecutorAndKeysResultsByExecutor()
    {
        final BroadcastResult result = droplet.broadcast("increment", 1L);
        assertEquals(Map.of(10L, 2L, 11L, 2L), result.resultsByExecutor(), "both executors of this node answered");
        assertEquals(List.of(), result.errors());

        final BroadcastResult failures = droplet.broadcast("fail", 5L);
        assertEquals(2, failures.errors().size());
        assertEquals(ErrorCode.EXECUTION_ERROR, failures.errors().get(0).code());
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, assertThrows(DropletException.class, () -> droplet.broadcast("missing")).code());
    }

    @Test
    void runningFunctionsSendEachOtherMessages()
    {
        final Map<Long, Object> addresses = droplet.broadcast("whoami").resultsByExecutor();
        assertEquals(Map.of(10L, 10L, 11L, 11L), addresses, "each executor's mailbox is addressed by its node id");

        // "post" runs on whichever executor the scheduler picks; the messages go to executor 11's mailbox.
        for (int i = 0; i < 5; i++)
        {
            assertEquals(true, droplet.call("post", 11L, "hello " + i));
        }
        assertEquals(false, droplet.call("post", 999L, "nobody"), "an unknown address is refused, not lost silently");

        final List<Object> atEleven = new java.util.ArrayList<>();
        final List<Object> atTen = new java.util.ArrayList<>();
        io.droplet.test.Await.until(() ->
        {
            final Map<Long, Object> inboxes = droplet.broadcast("inbox").resultsByExecutor();
            atEleven.addAll((List<?>)inboxes.get(11L));
            atTen.addAll((List<?>)inboxes.get(10L));
            return atEleven.size() >= 5;
        }, java.time.Duration.ofSeconds(10), () -> "messages reached executor 11: " + atEleven);
        final List<String> texts = new java.util.ArrayList<>();
        for (final Object message : atEleven)
        {
            final String text = (String)message;
            assertTrue(text.startsWith("10:") || text.startsWith("11:"), "sender's address comes with it: " + text);
            texts.add(text.substring(3));
        }
        // Each once; order is kept per sender, not across the two senders (two links).
        texts.sort(null);
        assertEquals(List.of("hello 0", "hello 1", "hello 2", "hello 3", "hello 4"), texts, "each message once");
        assertEquals(List.of(), atTen, "nothing went to the other mailbox");
    }

    @Test
    void aCallAtGivenTimesRunsOnceAtEach()
    {
        final List<Long> runTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Object> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.time.Instant start = java.time.Instant.now();
        final List<java.time.Instant> times = List.of(start.plusMillis(300), start.plusMillis(100), start.plusMillis(200));
        droplet.callAt("increment", times, outcome ->
        {
            runTimes.add(System.currentTimeMillis());
            outcomes.add(outcome);
        }, 41L);
        io.droplet.test.Await.until(() -> outcomes.size() == 3, java.time.Duration.ofSeconds(10), () -> "three runs: " + outcomes);
        assertEquals(List.of(42L, 42L, 42L), outcomes);
        for (int i = 0; i < 3; i++)
        {
            // No run before its instant (results arrive after the run starts, so each is at or after it).
            assertTrue(runTimes.get(i) >= start.plusMillis(100L * (i + 1)).toEpochMilli(),
                "run " + i + " not early: " + (runTimes.get(i) - start.toEpochMilli()) + " ms after the call");
        }
        final PeriodicCall late = droplet.callAt("increment", List.of(java.time.Instant.now().minusSeconds(1)), outcomes::add, 1L);
        io.droplet.test.Await.until(() -> outcomes.size() == 4, java.time.Duration.ofSeconds(10), () -> "a past instant runs at once");
        assertEquals(2L, outcomes.get(3));
        late.cancel();
    }

    @Test
    void shippedCodeRunsInALoaderPerVersion(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path temp) throws Exception
    {
        // Classes compiled now, on no class path: only the shipped code can run them.
        final String className = "shipped.example.Adder";
        final java.nio.file.Path v1 = ShippedCode.compile(temp.resolve("v1"), className, ShippedCode.adder(className, 100));
        final java.nio.file.Path v2 = ShippedCode.compile(temp.resolve("v2"), className, ShippedCode.adder(className, 200));
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));

        final java.nio.file.Path jar = temp.resolve("adder-v1.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar)))
        {
            out.putNextEntry(new java.util.jar.JarEntry("shipped/example/Adder.class"));
            out.write(java.nio.file.Files.readAllBytes(v1.resolve("shipped/example/Adder.class")));
            out.closeEntry();
        }
        droplet.registerFunction("adder", className, java.nio.file.Files.readAllBytes(jar), 1);
        assertEquals(101L, droplet.call("adder", 1L));
        assertEquals(Map.of(10L, 102L, 11L, 102L), droplet.broadcast("adder", 2L).resultsByExecutor(), "every executor loaded it");

        // Version 2 of the same class name, shipped as a class directory, replaces version 1 everywhere.
        droplet.registerFunction("adder", className, v2, 2);
        assertEquals(Map.of(10L, 203L, 11L, 203L), droplet.broadcast("adder", 3L).resultsByExecutor());
        droplet.deleteFunction("adder");
        assertEquals(ErrorCode.FUNCTION_NOT_FOUND, assertThrows(DropletException.class, () -> droplet.call("adder", 1L)).code());
    }

    @Test
    void aPeriodicCallRunsUntilCancelled()
    {
        final List<Object> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final PeriodicCall periodic = droplet.callPeriodic("increment", Duration.ofMillis(20), outcomes::add, 41L);
        Await.until(() -> outcomes.size() >= 5, Duration.ofSeconds(20), () -> "five runs, got " + outcomes.size());
        periodic.cancel();
        final int afterCancel = outcomes.size();
        for (int i = 0; i < 20; i++)
        {
            assertEquals(16L, droplet.callDag("pipeline", 3L));
        }
        assertEquals(afterCancel, outcomes.size(), "nothing after cancel() returned");
        assertTrue(outcomes.stream().allMatch(value -> Long.valueOf(42).equals(value)), outcomes::toString);
    }

    @Test
    void aStatefulFunctionKeepsItsStateBetweenCalls()
    {
        // Two executors run here: pinning makes every call reach the one initialised instance.
        droplet.registerStatefulFunction("counter", CountingFunction.class);
        for (long expected = 1; expected <= 50; expected++)
        {
            assertEquals(expected, droplet.call("counter"));
        }
    }

    @Test
    void putAndGetLatticesThroughTheClient()
    {
        assertEquals(null, droplet.get("absent"));
        droplet.put("visits", MaxLattice.of(3));
        droplet.put("visits", MaxLattice.of(7));
        droplet.put("visits", MaxLattice.of(5));
        assertEquals(MaxLattice.of(7), droplet.get("visits"), "a put is a merge");

        droplet.put("tags", SetLattice.of("a".getBytes(), "b".getBytes()));
        droplet.putAsync("tags", SetLattice.of("c".getBytes()), AckLevel.ALL).join();
        assertEquals(SetLattice.of("a".getBytes(), "b".getBytes(), "c".getBytes()), droplet.get("tags"));

        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(DropletException.class, () ->
            droplet.put("visits", SetLattice.of("x".getBytes()))).code(), "a put of another lattice type is refused");
    }

    @Test
    void referencesAreResolvedThroughTheHostCache()
    {
        droplet.putValue("greeting", "hello");
        assertEquals("hello has 5 chars", droplet.call("describe", Reference.of("greeting")), "a miss fetched from storage");
        assertEquals("hello has 5 chars", droplet.call("describe", Reference.of("greeting")), "then a hit");

        // The cache follows updates pushed by the storage node.
        droplet.putValue("greeting", "good morning");
        Await.until(() -> "good morning has 12 chars".equals(droplet.call("describe", Reference.of("greeting"))),
            Duration.ofSeconds(10), () -> "cache updated");

        droplet.put("score", MaxLattice.of(41));
        assertEquals(42L, droplet.call("increment", Reference.of("score")), "a MAX lattice reads as its long");
        assertEquals(ErrorCode.EXECUTION_ERROR, assertThrows(DropletException.class, () ->
            droplet.call("increment", Reference.of("never-written"))).code(), "an absent key reads as null");

        // References inside lists and maps, at any depth, are resolved too (two misses: two fetches).
        droplet.putValue("nested-a", "alpha");
        droplet.put("nested-b", MaxLattice.of(7));
        assertEquals(List.of("alpha", Map.of("b", 7L, "plain", 1L), List.of(List.of("alpha"))),
            droplet.call("echo", List.of(Reference.of("nested-a"), Map.of("b", Reference.of("nested-b"), "plain", 1L),
                List.of(List.of(Reference.of("nested-a"))))));
    }

    @Test
    void aProcessFunctionSpeaksJsonLinesInAnyLanguage() throws Exception
    {
        final String script = java.nio.file.Paths.get(LocalRuntimeTest.class.getResource("/square.py").toURI()).toString();
        droplet.registerProcessFunction("py-square", List.of("python3", script));
        assertEquals(Map.of("square", 49L, "saw_invocation", true), droplet.call("py-square", 7L));

        droplet.registerDag("to-python", List.of("increment", "py-square"), List.of(Connection.of("increment", "py-square")));
        assertEquals(Map.of("square", 100L, "saw_invocation", true), droplet.callDag("to-python", 9L));

        final DropletException failure = assertThrows(DropletException.class, () -> droplet.call("py-square", "boom"));
        assertEquals(ErrorCode.EXECUTION_ERROR, failure.code());
        assertTrue(failure.getMessage().contains("boom from python"), failure.getMessage());
    }

    @Test
    void functionsReadAndWriteStateWithoutBlocking()
    {
        assertEquals(true, droplet.call("remember", "memo", "written inside a function"));
        assertEquals("written inside a function", droplet.call("recall", "memo"), "the host cache sees its own host's writes");
        // Output commit: the result left the executor only once storage had the write, so it is there now.
        assertEquals("written inside a function",
            Values.fromBytes(((LwwLattice)droplet.get("memo")).value().toByteArray()));

        // Any lattice merges in; a DAG's later stage and the caller see the stage's writes in storage.
        for (long id = 1; id <= 20; id++)
        {
            assertEquals(id, droplet.call("collect", "collected", id));
        }
        assertEquals(20, ((io.droplet.api.lattice.SetLattice)droplet.get("collected")).elements().size());
        final DropletException refused = assertThrows(DropletException.class, () -> droplet.call("collect-badly", "collected"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code(), "a write of the wrong lattice type withholds the output");

        droplet.putValue("elsewhere", 5L);
        assertEquals("not cached", droplet.call("recall", "elsewhere"), "a read never blocks: a miss starts a fetch");
        Await.until(() -> Long.valueOf(5).equals(droplet.call("recall", "elsewhere")), Duration.ofSeconds(10),
            () -> "fetched into the host cache");
    }

    @Test
    void theInvokerProfileRunsOnTheCallersThread()
    {
        try (DropletClient single = Droplet.local(new LocalContext().threading(ThreadingProfile.INVOKER)))
        {
            single.registerFunction("increment", inv -> inv.result().writeLong(inv.args().readLong() + 1));
            single.registerFunction("square", inv ->
            {
                final long x = inv.args().readLong();
                inv.result().writeLong(x * x);
            });
            single.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
            for (long x = 0; x < 100; x++)
            {
                assertEquals((x + 1) * (x + 1), single.callDag("pipeline", x));
            }
        }
    }
}
