package io.droplet.executors;

import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Values;
import io.droplet.test.Await;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProcessFunction} and its {@link ProcessPool} with real processes: small shell programs that answer,
 * exit, hang, write garbage or chatter on standard error, as the request asks. Each failure must be a
 * {@link ProcessFunctionException} with its reason, the process gone (a new pid answers next), and the next
 * call answered within a second (the bound; the measured figure is printed).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessFunctionTest
{
    /** Answers with its own pid, or misbehaves as its first argument asks. $1 is where "hang" writes its child's pid. */
    private static final String PROGRAM = String.join("\n",
        "while read -r line; do",
        "  case \"$line\" in",
        "    *'\"exit\"'*) echo 'exiting on request' >&2; exit 3 ;;",
        "    *'\"hang\"'*) sleep 60 & echo $! > \"$1\"; wait ;;",
        "    *'\"garbage\"'*) echo 'not-json' ;;",
        "    *'\"unexpected\"'*) echo '{\"surprise\": 1}' ;;",
        "    *'\"fail\"'*) echo '{\"error\": \"failed on request\"}' ;;",
        // Both lines in one write, so the second is surely waiting when the next request comes.
        "    *'\"twice\"'*) printf '{\"result\": %s}\\n{\"result\": %s}\\n' $$ $$ ;;",
        "    *'\"chatty\"'*) i=0; while [ $i -lt 3000 ]; do echo \"chatter on standard error, line $i\" >&2; i=$((i+1)); done;" +
            " echo \"{\\\"result\\\": $$}\" ;;",
        "    *'\"once\"'*) echo \"{\\\"result\\\": $$}\"; exit 0 ;;",
        "    *) echo \"{\\\"result\\\": $$}\" ;;",
        "  esac",
        "done");
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path dir;

    private final SystemEpochNanoClock clock = new SystemEpochNanoClock();
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(4 * 1024)));
    private final AtomicCounter replaced = counters.newCounter("processes replaced");
    private final List<Throwable> logged = Collections.synchronizedList(new ArrayList<>());
    private final List<ProcessFunction> functions = new ArrayList<>();

    @AfterEach
    void close()
    {
        functions.forEach(ProcessFunction::close);
    }

    @Test
    void aLongLivedProcessAnswersCallAfterCall() throws Exception
    {
        final ProcessFunction function = program(4);
        final long pid = (long)call(function, "pid", SECOND_NS * 5);
        for (int i = 0; i < 20; i++)
        {
            assertEquals(pid, call(function, "pid", SECOND_NS * 5), "one call at a time reuses the one process");
        }
        assertEquals(1, function.pool().live(), "started on first need only");
        assertEquals(0, replaced.get());
    }

    @Test
    void aProcessThatExitsIsReplacedAndTheCallFailsTyped() throws Exception
    {
        final ProcessFunction function = program(2);
        final long pid = (long)call(function, "pid", SECOND_NS * 5);

        final ProcessFunctionException failure = failure(function, "exit", SECOND_NS * 5, ProcessFunctionException.Reason.EXITED);
        assertTrue(failure.getMessage().contains("exited with code 3"), failure.getMessage());
        assertTrue(failure.getMessage().contains("exiting on request"), "its standard error is quoted: " + failure.getMessage());

        assertReplacedAndServing(function, pid, 1);
        assertEquals(1, logged.size(), "the error log hears of it");
    }

    @Test
    void aProcessThatHangsIsKilledWithItsChildrenAtTheDeadline() throws Exception
    {
        final ProcessFunction function = program(2);
        final long pid = (long)call(function, "pid", SECOND_NS * 5);

        final long start = System.nanoTime();
        final ProcessFunctionException failure = failure(function, "hang", SECOND_NS, ProcessFunctionException.Reason.NO_ANSWER);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("a hanging process with a 1 s deadline failed after " + tookMs + " ms: " + failure.getMessage());
        assertTrue(tookMs < 5_000, "bounded by the deadline, not the process timeout: " + tookMs + " ms");

        final long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).trim());
        Await.until(() -> ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) == false, Duration.ofSeconds(10),
            () -> "the hanging process's child " + child + " was killed too");
        assertReplacedAndServing(function, pid, 1);
    }

    @Test
    void aProcessThatWritesGarbageIsReplaced() throws Exception
    {
        final ProcessFunction function = program(2);
        long pid = (long)call(function, "pid", SECOND_NS * 5);

        ProcessFunctionException failure = failure(function, "garbage", SECOND_NS * 5, ProcessFunctionException.Reason.MALFORMED_REPLY);
        assertTrue(failure.getMessage().contains("\"not-json\""), failure.getMessage());
        pid = assertReplacedAndServing(function, pid, 1);

        failure = failure(function, "unexpected", SECOND_NS * 5, ProcessFunctionException.Reason.MALFORMED_REPLY);
        assertTrue(failure.getMessage().contains("\"result\" or \"error\""), failure.getMessage());
        pid = assertReplacedAndServing(function, pid, 2);

        // Two lines for one request: the second is found waiting when the next request would be written, so that
        // process is replaced and the next request, which it never saw, goes to its replacement.
        assertEquals(pid, call(function, "twice", SECOND_NS * 5));
        assertReplacedAndServing(function, pid, 3);
        assertEquals(3, logged.size(), "each replacement is in the error log");
        assertTrue(logged.get(2).getMessage().contains("MALFORMED_REPLY"), logged.get(2).getMessage());
    }

    @Test
    void anErrorReplyFailsTheCallButKeepsTheProcess() throws Exception
    {
        final ProcessFunction function = program(2);
        final long pid = (long)call(function, "pid", SECOND_NS * 5);
        final ExecutionException failure = assertThrows(ExecutionException.class, () -> callAsync(function, "fail", SECOND_NS * 5).get());
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertEquals("failed on request", failure.getCause().getMessage());
        assertEquals(pid, call(function, "pid", SECOND_NS * 5));
        assertEquals(0, replaced.get());
    }

    @Test
    void aChattyStandardErrorNeitherBlocksTheProcessNorGrowsWithoutBound() throws Exception
    {
        final ProcessFunction function = program(1);
        final long pid = (long)call(function, "pid", SECOND_NS * 5);
        // About 100 KB on standard error per call, more than a pipe holds: undrained, the process would stall.
        for (int i = 0; i < 3; i++)
        {
            assertEquals(pid, call(function, "chatty", SECOND_NS * 10));
        }
        final ProcessFunctionException failure = failure(function, "exit", SECOND_NS * 5, ProcessFunctionException.Reason.EXITED);
        assertTrue(failure.getMessage().contains("exiting on request"), failure.getMessage());
        assertFalse(failure.getMessage().contains("line 0\n"), "only the tail of standard error is kept");
        assertTrue(failure.getMessage().length() < 1_000, failure.getMessage());
    }

    @Test
    void aCancelledCallKillsItsProcess() throws Exception
    {
        final ProcessFunction function = program(2);
        final long pid = (long)call(function, "pid", SECOND_NS * 5);

        // Cancelled by interrupting the worker, as the executor does at a deadline or a caller's cancel.
        final AtomicReference<Thread> worker = new AtomicReference<>();
        final CompletableFuture<Object> interrupted = callAsync(function, "hang", SECOND_NS * 20, worker, null);
        Await.until(() -> Files.exists(dir.resolve("child.pid")), Duration.ofSeconds(10), () -> "the process got the request");
        worker.get().interrupt();
        assertReason(interrupted, ProcessFunctionException.Reason.CANCELLED);
        final long next = assertReplacedAndServing(function, pid, 1);

        // Cancelled through the invocation's flag alone.
        Files.delete(dir.resolve("child.pid"));
        final AtomicReference<StageInvocation> invocation = new AtomicReference<>();
        final CompletableFuture<Object> flagged = callAsync(function, "hang", SECOND_NS * 20, null, invocation);
        Await.until(() -> Files.exists(dir.resolve("child.pid")), Duration.ofSeconds(10), () -> "the process got the request");
        invocation.get().cancel();
        assertReason(flagged, ProcessFunctionException.Reason.CANCELLED);
        assertReplacedAndServing(function, next, 2);
    }

    @Test
    void aCallWaitsForABusyProcessNoLongerThanItsDeadline() throws Exception
    {
        final ProcessFunction function = program(1);
        final CompletableFuture<Object> hanging = callAsync(function, "hang", SECOND_NS * 2, null, null);
        Await.until(() -> Files.exists(dir.resolve("child.pid")), Duration.ofSeconds(10), () -> "the process got the request");

        final ProcessFunctionException waited = failure(function, "pid", SECOND_NS / 4, ProcessFunctionException.Reason.NO_PROCESS);
        assertTrue(waited.getMessage().contains("all 1 of its processes"), waited.getMessage());
        assertEquals(0, replaced.get(), "the busy process is not the waiting call's to kill");

        assertReason(hanging, ProcessFunctionException.Reason.NO_ANSWER);
        assertEquals(1, replaced.get());
        assertTrue(call(function, "pid", SECOND_NS * 5) instanceof Long);
    }

    @Test
    void aProcessThatExitedWhileIdleIsReplacedOnTheNextCall() throws Exception
    {
        final ProcessFunction function = program(1);
        final long pid = (long)call(function, "once", SECOND_NS * 5);
        Await.until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false, Duration.ofSeconds(10),
            () -> "the process exited after its answer");
        assertReplacedAndServing(function, pid, 1);
    }

    @Test
    void aProgramThatCannotStartFailsTypedAndLeavesNoSlotTaken() throws Exception
    {
        final ProcessFunction function = track(new ProcessFunction("missing", List.of(dir.resolve("no-such-program").toString()),
            1, SECOND_NS * 5, 1 << 20, clock, replaced, logged::add));
        for (int i = 0; i < 3; i++)
        {
            failure(function, "pid", SECOND_NS * 5, ProcessFunctionException.Reason.START_FAILED);
        }
        assertEquals(0, function.pool().live());
    }

    @Test
    void closingKillsEveryProcessAndRefusesLaterCalls() throws Exception
    {
        final ProcessFunction function = program(2);
        final long pid = (long)call(function, "pid", SECOND_NS * 5);
        function.close();
        Await.until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false, Duration.ofSeconds(10),
            () -> "the idle process was killed");
        failure(function, "pid", SECOND_NS * 5, ProcessFunctionException.Reason.CLOSED);
    }

    @Test
    void withoutADeadlineTheProcessTimeoutBoundsTheCall() throws Exception
    {
        final ProcessFunction function = track(new ProcessFunction("shell", command(), 1, SECOND_NS / 2, 1 << 20, clock,
            replaced, logged::add));
        final ProcessFunctionException failure = failure(function, "hang", 0, ProcessFunctionException.Reason.NO_ANSWER);
        assertTrue(failure.getMessage().contains("did not answer"), failure.getMessage());
        assertEquals(1, replaced.get());
    }

    /**
     * Asserts the process that served {@code oldPid} is gone, the replacements counted, and the next call
     * answered, by a new process, within a second.
     *
     * @return the new process's pid.
     */
    private long assertReplacedAndServing(final ProcessFunction function, final long oldPid, final long replacements) throws Exception
    {
        final long start = System.nanoTime();
        final long pid = (long)call(function, "pid", SECOND_NS * 5);
        final long tookUs = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        System.out.println("next call after a replacement answered in " + tookUs + " us");
        assertTrue(tookUs < 1_000_000, "the next call is answered within a second, took " + tookUs + " us");
        assertNotEquals(oldPid, pid, "a new process answers");
        Await.until(() -> ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false) == false, Duration.ofSeconds(10),
            () -> "process " + oldPid + " is gone");
        assertEquals(replacements, replaced.get(), "replacements counted");
        return pid;
    }

    private ProcessFunction program(final int poolSize)
    {
        return track(new ProcessFunction("shell", command(), poolSize, SECOND_NS * 10, 1 << 20, clock, replaced, logged::add));
    }

    private List<String> command()
    {
        return List.of("sh", "-c", PROGRAM, "sh", dir.resolve("child.pid").toString());
    }

    private ProcessFunction track(final ProcessFunction function)
    {
        functions.add(function);
        return function;
    }

    private Object call(final ProcessFunction function, final String argument, final long withinNs) throws Exception
    {
        try
        {
            return callAsync(function, argument, withinNs).get();
        }
        catch (final ExecutionException ex)
        {
            throw (Exception)ex.getCause();
        }
    }

    private ProcessFunctionException failure(
        final ProcessFunction function, final String argument, final long withinNs, final ProcessFunctionException.Reason reason)
    {
        final ProcessFunctionException failure = assertThrows(ProcessFunctionException.class, () -> call(function, argument, withinNs));
        assertEquals(reason, failure.reason(), failure.getMessage());
        return failure;
    }

    private static void assertReason(final CompletableFuture<Object> call, final ProcessFunctionException.Reason reason)
    {
        final ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
        final ProcessFunctionException cause = assertInstanceOf(ProcessFunctionException.class, failure.getCause());
        assertEquals(reason, cause.reason(), cause.getMessage());
    }

    private CompletableFuture<Object> callAsync(final ProcessFunction function, final String argument, final long withinNs)
    {
        return callAsync(function, argument, withinNs, null, null);
    }

    /**
     * Calls on a thread of its own, as a worker would.
     *
     * @param withinNs deadline from now; 0 for none.
     */
    private CompletableFuture<Object> callAsync(
        final ProcessFunction function, final String argument, final long withinNs,
        final AtomicReference<Thread> thread, final AtomicReference<StageInvocation> invocationOut)
    {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final Thread worker = new Thread(() ->
        {
            final byte[] args = Values.toBytes(List.of(argument));
            final ExpandableArrayBuffer resultBuffer = new ExpandableArrayBuffer(256);
            final StageInvocation invocation = new StageInvocation(clock);
            invocation.wrap(new UnsafeBuffer(args), 0, args.length, resultBuffer, 1 << 20, 7, 0,
                0 == withinNs ? 0 : clock.nanoTime() + withinNs, 0);
            if (null != invocationOut)
            {
                invocationOut.set(invocation);
            }
            try
            {
                function.apply(invocation);
                result.complete(Values.fromBuffer(resultBuffer, 0, invocation.result().encodedLength(), new CodecRegistry()));
            }
            catch (final Throwable ex)
            {
                result.completeExceptionally(ex);
            }
        }, "test-worker");
        if (null != thread)
        {
            thread.set(worker);
        }
        worker.setDaemon(true);
        worker.start();
        return result;
    }
}
