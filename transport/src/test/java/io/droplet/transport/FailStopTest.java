package io.droplet.transport;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What escapes a duty cycle stops its runner and is reported once; an agent asking to terminate is not a failure.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FailStopTest
{
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Throwable> logged = new CopyOnWriteArrayList<>();
    private final FailStop failStop = new FailStop((agent, cause) -> failures.add(agent + ": " + cause.getMessage()));

    /** Throws what it is given on its first duty cycle. */
    private static final class Throwing implements Agent
    {
        private final String name;
        private final RuntimeException exception;
        private final Error error;

        Throwing(final String name, final RuntimeException exception, final Error error)
        {
            this.name = name;
            this.exception = exception;
            this.error = error;
        }

        public int doWork()
        {
            if (null != error)
            {
                throw error;
            }
            throw exception;
        }

        public String roleName()
        {
            return name;
        }
    }

    @Test
    void anErrorIsRecordedReportedAndEndsTheDutyCycle()
    {
        final OutOfMemoryError oom = new OutOfMemoryError("heap");
        final Agent guarded = failStop.guard(new Throwing("storage", null, oom), logged::add);

        final AgentTerminationException stop = assertThrows(AgentTerminationException.class, guarded::doWork);
        assertSame(oom, stop.getCause());
        assertTrue(stop.isExpected(), "already recorded: the runner only stops");
        assertEquals(List.of(oom), logged);
        assertEquals(List.of("storage: heap"), failures);
        assertTrue(failStop.hasFailed());
        assertFalse(failStop.holdsHeapReserve(), "the reserve is let go for the report and the close");
    }

    @Test
    void onlyTheFirstFailureIsReportedButEachIsRecorded()
    {
        final IllegalStateException bug = new IllegalStateException("bug");
        assertThrows(AgentTerminationException.class, failStop.guard(new Throwing("a", bug, null), logged::add)::doWork);
        assertThrows(AgentTerminationException.class, failStop.guard(new Throwing("b", bug, null), logged::add)::doWork);
        assertEquals(List.of("a: bug"), failures);
        assertEquals(2, logged.size());
    }

    @Test
    void anAgentAskingToTerminateIsNoFailure()
    {
        final AgentTerminationException asked = new AgentTerminationException("the media driver was lost");
        final Agent guarded = failStop.guard(new Throwing("conductor", asked, null), logged::add);
        assertSame(asked, assertThrows(AgentTerminationException.class, guarded::doWork));
        assertEquals(List.of(), failures);
        assertEquals(List.of(), logged);
    }

    @Test
    void aRunnerWhoseCompositeFailsStopsAndNamesTheAgent() throws Exception
    {
        final Agent healthy = new Agent()
        {
            public int doWork()
            {
                return 0;
            }

            public String roleName()
            {
                return "healthy";
            }
        };
        final Agent failing = new Agent()
        {
            public int doWork()
            {
                throw new StackOverflowError("deep");
            }

            public String roleName()
            {
                return "failing";
            }
        };
        final Agent composite = new CompositeAgent(healthy, failing);
        final List<Throwable> causes = new CopyOnWriteArrayList<>();
        final FailStop stop = new FailStop((agent, cause) -> causes.add(cause));
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), logged::add, null,
            stop.guard(composite, logged::add));
        AgentRunner.startOnThread(runner);
        try
        {
            io.droplet.test.Await.until(runner::isClosed, Duration.ofSeconds(10), () -> "runner stopped itself");
            assertEquals(1, causes.size());
            assertInstanceOf(StackOverflowError.class, causes.get(0));
            final String line = FailStop.describe("droplet node", composite.roleName(), causes.get(0));
            assertTrue(line.startsWith("droplet node: fatal: java.lang.StackOverflowError: deep escaped the duty cycle of " +
                "FailStopTest$2 (of [healthy,failing])"), line);
        }
        finally
        {
            runner.close();
        }
    }

    @Test
    void anErrorEndingAThreadOfTheFactoryIsReported() throws Exception
    {
        final AgentRunner runner = new AgentRunner(new BusySpinIdleStrategy(), logged::add, null,
            new Throwing("aeron-driver-conductor", null, new OutOfMemoryError("direct buffer memory")));
        final Thread thread = AgentRunner.startOnThread(runner, failStop.threadFactory("aeron-driver-conductor"));
        thread.join(10_000);
        assertEquals(List.of("aeron-driver-conductor: direct buffer memory"), failures);
        runner.close();
    }
}
