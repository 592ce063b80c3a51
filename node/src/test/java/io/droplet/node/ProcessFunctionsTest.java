package io.droplet.node;

import io.droplet.api.DropletException;
import io.droplet.api.ShortFunction;
import io.droplet.client.DropletClient;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.aeron.Aeron;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Process functions in a whole local node (the acceptance): a process that exits, hangs past its
 * call's 2 s deadline, or writes what is not JSON fails its call with a typed error each time, is replaced
 * (a new pid answers, and the executor counts it), the next call is answered within a second, and the node
 * goes on serving every other function.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessFunctionsTest
{
    /** Answers with its pid, or exits, hangs or writes garbage as its first argument asks. */
    private static final String PROGRAM = String.join("\n",
        "while read -r line; do",
        "  case \"$line\" in",
        "    *'\"exit\"'*) echo 'exiting on request' >&2; exit 3 ;;",
        "    *'\"hang\"'*) sleep 60 ;;",
        "    *'\"garbage\"'*) echo 'not-json' ;;",
        "    *) echo \"{\\\"result\\\": $$}\" ;;",
        "  esac",
        "done");
    private static final String REPLACED = "executor function processes replaced";
    private static final String LATE = "executor late results dropped";

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    void aProcessThatExitsHangsOrWritesGarbageIsReplacedAndTheNodeKeepsServing()
    {
        final String dir = watcher.aeronDirectory("process-functions");
        try (DropletClient droplet = Droplet.local(new LocalContext()
                .aeronDirectoryName(dir)
                .callTimeoutNs(TimeUnit.SECONDS.toNanos(2)));
            Aeron counters = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir)))
        {
            droplet.registerFunction("micro", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
            droplet.registerFunction("pooled", inv -> inv.result().writeLong(inv.args().readLong() * 2));
            droplet.registerProcessFunction("shell", List.of("sh", "-c", PROGRAM));
            long pid = (long)droplet.call("shell", "pid");
            assertEquals(pid, droplet.call("shell", "pid"), "one long-lived process serves call after call");

            DropletException failure = assertThrows(DropletException.class, () -> droplet.call("shell", "exit"));
            assertEquals(ErrorCode.EXECUTION_ERROR, failure.code(), failure.getMessage());
            assertTrue(failure.getMessage().contains("EXITED") && failure.getMessage().contains("exited with code 3") &&
                failure.getMessage().contains("exiting on request"), failure.getMessage());
            pid = nextCallByANewProcess(droplet, pid);

            final long hangStart = System.nanoTime();
            failure = assertThrows(DropletException.class, () -> droplet.call("shell", "hang"));
            System.out.println("a hanging process function's call ended after " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - hangStart) + " ms: " + failure.getMessage());
            assertEquals(ErrorCode.TIMEOUT, failure.code(), "the caller's 2 s deadline answers: " + failure.getMessage());
            pid = nextCallByANewProcess(droplet, pid);

            failure = assertThrows(DropletException.class, () -> droplet.call("shell", "garbage"));
            assertEquals(ErrorCode.EXECUTION_ERROR, failure.code(), failure.getMessage());
            assertTrue(failure.getMessage().contains("MALFORMED_REPLY") && failure.getMessage().contains("not-json"),
                failure.getMessage());
            nextCallByANewProcess(droplet, pid);

            // Every process that failed was counted as replaced; the hung one was killed at its deadline, and its
            // failure, back too late for its caller, dropped (how a late run is counted is the pooled lane's business).
            Await.until(() -> sum(counters, REPLACED) == 3, Duration.ofSeconds(10), () -> "replaced " + sum(counters, REPLACED));
            System.out.println("processes replaced " + sum(counters, REPLACED) + ", late results dropped " + sum(counters, LATE));

            // The node is healthy: the agent's lane, the worker pool and the process function all answer.
            for (long x = 0; x < 100; x++)
            {
                assertEquals(x + 1, droplet.call("micro", x));
                assertEquals(x * 2, droplet.call("pooled", x));
            }
            assertTrue(droplet.call("shell", "pid") instanceof Long);
        }
    }

    /**
     * @return the pid of the process that answered the call after a failure: a new one, within a second.
     */
    private static long nextCallByANewProcess(final DropletClient droplet, final long failedPid)
    {
        final long start = System.nanoTime();
        final long pid = (long)droplet.call("shell", "pid");
        final long tookUs = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        System.out.println("the call after a process failed was answered in " + tookUs + " us");
        assertTrue(tookUs < 1_000_000, "answered within a second: " + tookUs + " us");
        assertNotEquals(failedPid, pid, "a new process answered");
        return pid;
    }

    private static long sum(final Aeron aeron, final String labelEnd)
    {
        final long[] sum = {0};
        aeron.countersReader().forEach((value, typeId, label) ->
        {
            if (label.endsWith(labelEnd))
            {
                sum[0] += value;
            }
        });
        return sum[0];
    }
}
