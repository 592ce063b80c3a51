package io.droplet.node;

import io.droplet.transport.ThreadingProfile;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threading profiles keep their promise: DEDICATED a thread per agent, SHARED one thread for all, INVOKER
 * the caller's thread. No media driver: the agents only note the thread they ran on.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RoleThreadsTest
{
    /** Notes each thread it runs on; counts down once it has run. */
    private static final class ThreadNoting implements Agent
    {
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch ran = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        final String name;

        ThreadNoting(final String name)
        {
            this.name = name;
        }

        public int doWork()
        {
            threads.add(Thread.currentThread());
            ran.countDown();
            return 0;
        }

        public void onClose()
        {
            closed.countDown();
        }

        public String roleName()
        {
            return name;
        }
    }

    private final ThreadNoting first = new ThreadNoting("first");
    private final ThreadNoting second = new ThreadNoting("second");
    private final ThreadNoting third = new ThreadNoting("third");

    @Test
    void dedicatedRunsEachAgentOnAThreadOfItsOwn() throws InterruptedException
    {
        try (RoleThreads threads = RoleThreads.start(ThreadingProfile.DEDICATED, List.of(first, second, third), Throwable::printStackTrace, null))
        {
            assertEquals(3, threads.threadCount());
            assertNull(threads.invoker());
            awaitRun();
            assertTrue(threads.isRunning());
            final Thread a = only(first);
            final Thread b = only(second);
            final Thread c = only(third);
            assertFalse(a == b || b == c || a == c, "three agents, three threads");
            assertFalse(Thread.currentThread() == a);
        }
        assertTrue(first.closed.await(10, TimeUnit.SECONDS));
        assertTrue(third.closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void sharedRunsAllAgentsOnOneThread() throws InterruptedException
    {
        try (RoleThreads threads = RoleThreads.start(ThreadingProfile.SHARED, List.of(first, second, third), Throwable::printStackTrace, null))
        {
            assertEquals(1, threads.threadCount());
            awaitRun();
            final Thread shared = only(first);
            assertSame(shared, only(second));
            assertSame(shared, only(third));
            assertFalse(Thread.currentThread() == shared);
        }
        assertTrue(second.closed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void invokerRunsAgentsOnlyWhenTheCallerDrivesThem()
    {
        try (RoleThreads threads = RoleThreads.start(ThreadingProfile.INVOKER, List.of(first, second), Throwable::printStackTrace, null))
        {
            assertEquals(0, threads.threadCount());
            assertEquals(1, first.ran.getCount(), "nothing runs until invoked");
            assertNotNull(threads.invoker());
            threads.invoker().invoke();
            assertSame(Thread.currentThread(), only(first));
            assertSame(Thread.currentThread(), only(second));
            assertTrue(threads.isRunning());
        }
        assertEquals(0, first.closed.getCount());
    }

    @Test
    void aDutyCycleThatFailsStopsItsRunnerAndIsReportedOnce()
    {
        final java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Agent failing = new Agent()
        {
            public int doWork()
            {
                throw new OutOfMemoryError("Java heap space");
            }

            public String roleName()
            {
                return "failing";
            }
        };
        final io.droplet.transport.FailStop failStop =
            new io.droplet.transport.FailStop((agent, cause) -> failures.add(cause.getMessage()));
        for (final ThreadingProfile profile : new ThreadingProfile[]{ ThreadingProfile.SHARED, ThreadingProfile.DEDICATED })
        {
            failures.clear();
            try (RoleThreads threads = RoleThreads.start(profile, List.of(first, failing), Throwable::printStackTrace,
                new io.droplet.transport.FailStop((agent, cause) -> failures.add(cause.getMessage()))))
            {
                io.droplet.test.Await.until(() -> !threads.isRunning(), java.time.Duration.ofSeconds(10),
                    () -> profile + ": the failed runner stopped");
                assertEquals(List.of("Java heap space"), failures, profile.name());
            }
        }
        failures.clear();
        try (RoleThreads threads = RoleThreads.start(ThreadingProfile.INVOKER, List.of(first, failing), Throwable::printStackTrace,
            failStop))
        {
            threads.invoker().invoke();
            assertFalse(threads.isRunning(), "the invoker closed itself");
            assertEquals(List.of("Java heap space"), failures);
        }
    }

    private void awaitRun() throws InterruptedException
    {
        assertTrue(first.ran.await(10, TimeUnit.SECONDS));
        assertTrue(second.ran.await(10, TimeUnit.SECONDS));
        assertTrue(third.ran.await(10, TimeUnit.SECONDS));
    }

    private static Thread only(final ThreadNoting agent)
    {
        assertEquals(1, agent.threads.size(), agent.name + " ran on " + agent.threads);
        return agent.threads.iterator().next();
    }
}
