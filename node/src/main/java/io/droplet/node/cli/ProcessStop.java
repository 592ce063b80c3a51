package io.droplet.node.cli;

import io.droplet.transport.FailStop;
import org.agrona.SystemUtil;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a node process ({@code droplet local}, {@code droplet node}) stops: on SIGTERM or SIGINT, or when a duty
 * cycle fails, the main thread wakes from {@link #await()}, closes the node in order (roles stopped, the store
 * closed and marked clean, the cache file and an embedded driver's directory removed), calls
 * {@link #closed()}, and the process exits with the status it returns:
 * <pre>
 *   0    stopped by SIGTERM or SIGINT, closed in order
 *   70   a duty cycle failed (an Error such as OutOfMemoryError, or an exception no handler caught); one line on
 *        standard error names it; the node was closed as far as it could be
 *   71   the node did not close within the shutdown timeout ({@value #SHUTDOWN_TIMEOUT_PROP_NAME}, default 10s)
 *        after a signal: the process was halted, and the store is recovered at the next start
 * </pre>
 * SIGTERM and SIGINT are taken from the JVM (whose own handling starts the JVM's shutdown at once, racing the
 * node's close with every shutdown hook, Chronicle Map's closing of open maps included, and exiting 143): the
 * handler only wakes the main thread. Where the JVM does not let a handler be installed, or for any other exit
 * of the JVM, a shutdown hook does the same and waits for the close. A watchdog halts the process if the
 * close does not end within the timeout, so a stuck close (after an {@code OutOfMemoryError}, say) cannot
 * leave a process that looks alive.
 * <p>
 * <b>Note:</b> one per process; {@link #await()} and {@link #closed()} on the main thread, the rest from any.
 */
final class ProcessStop
{
    /** Exit status after a SIGTERM or SIGINT and a close in order. */
    static final int EXIT_STOPPED = 0;
    /** Exit status after a duty cycle failed. */
    static final int EXIT_AGENT_FAILED = 70;
    /** Exit status when the close did not end within the shutdown timeout. */
    static final int EXIT_SHUTDOWN_TIMED_OUT = 71;
    /** How long the node may take to close once stopping (a duration such as "10s"), before the process halts. */
    static final String SHUTDOWN_TIMEOUT_PROP_NAME = "droplet.shutdown.timeout";
    /** Default of {@link #SHUTDOWN_TIMEOUT_PROP_NAME}. */
    static final String SHUTDOWN_TIMEOUT_DEFAULT = "10s";

    private final String process;
    private final long shutdownTimeoutNs;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private final Thread watchdog;
    private final AtomicBoolean watching = new AtomicBoolean();
    private final String timedOutLine;
    private volatile int status = EXIT_STOPPED;

    private ProcessStop(final String process, final long shutdownTimeoutNs)
    {
        this.process = process;
        this.shutdownTimeoutNs = shutdownTimeoutNs;
        this.hook = new Thread(this::onJvmShutdown, process + "-shutdown");
        // Made now, while there is heap: after an OutOfMemoryError starting it must not need to allocate.
        this.timedOutLine = process + ": did not close within " + TimeUnit.NANOSECONDS.toMillis(shutdownTimeoutNs) +
            " ms (" + SHUTDOWN_TIMEOUT_PROP_NAME + "); halting";
        this.watchdog = new Thread(this::haltUnlessClosedInTime, process + "-shutdown-watchdog");
        this.watchdog.setDaemon(true);
    }

    /**
     * Takes SIGTERM and SIGINT for this process.
     *
     * @param process name, first on the lines this writes.
     * @return the process's stop.
     */
    static ProcessStop install(final String process)
    {
        final ProcessStop processStop = new ProcessStop(process, SystemUtil.parseDuration(
            SHUTDOWN_TIMEOUT_PROP_NAME, System.getProperty(SHUTDOWN_TIMEOUT_PROP_NAME, SHUTDOWN_TIMEOUT_DEFAULT)));
        Runtime.getRuntime().addShutdownHook(processStop.hook);
        processStop.handle("TERM");
        processStop.handle("INT");
        return processStop;
    }

    /**
     * Blocks the main thread until a signal or a failure asks the process to stop.
     */
    void await()
    {
        boolean interrupted = false;
        while (stop.getCount() > 0)
        {
            try
            {
                stop.await();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return true once the process was asked to stop.
     */
    boolean isStopping()
    {
        return stop.getCount() == 0;
    }

    /**
     * Asks the process to stop, as SIGTERM does.
     */
    void requestStop()
    {
        armWatchdog();
        stop.countDown();
    }

    private void armWatchdog()
    {
        if (watching.compareAndSet(false, true))
        {
            watchdog.start();
        }
    }

    /**
     * The node's {@link io.droplet.transport.AgentFailureListener}: writes one line on standard error naming the
     * cause, and stops the process with {@link #EXIT_AGENT_FAILED}.
     *
     * @param agent that failed.
     * @param cause what escaped its duty cycle.
     */
    void agentFailed(final String agent, final Throwable cause)
    {
        status = EXIT_AGENT_FAILED;
        // The watchdog first: if writing the line fails for want of memory, the process still ends.
        armWatchdog();
        try
        {
            System.err.println(FailStop.describe(process, agent, cause) + "; stopping with status " + EXIT_AGENT_FAILED);
            System.err.flush();
        }
        catch (final Throwable ignore)
        {
            // Out of memory for the line: the exit status still says it.
        }
        stop.countDown();
    }

    /**
     * Says the node is closed; the process may exit.
     *
     * @return the status to exit with.
     */
    int closed()
    {
        closed.countDown();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // The JVM is already shutting down (a signal we could not take): the hook has seen the close.
        }
        return status;
    }

    private void haltUnlessClosedInTime()
    {
        try
        {
            if (!closed.await(shutdownTimeoutNs, TimeUnit.NANOSECONDS))
            {
                final int exit = status == EXIT_STOPPED ? EXIT_SHUTDOWN_TIMED_OUT : status;
                System.err.println(timedOutLine);
                System.err.flush();
                Runtime.getRuntime().halt(exit);
            }
        }
        catch (final InterruptedException ignore)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Throwable ex)
        {
            Runtime.getRuntime().halt(status == EXIT_STOPPED ? EXIT_SHUTDOWN_TIMED_OUT : status);
        }
    }

    private void onJvmShutdown()
    {
        // Some other exit of the JVM (a signal we do not take, System.exit elsewhere): close in order all the same.
        requestStop();
        try
        {
            closed.await(shutdownTimeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ignore)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Installs a handler of the named signal that asks the process to stop. {@code sun.misc.Signal} (module
     * jdk.unsupported, exported to everyone) is reached by reflection: compiling against it is a warning no
     * annotation silences, and builds fail on warnings. Without it the shutdown hook still closes in order.
     */
    private void handle(final String signalName)
    {
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Constructor<?> signalOf = signalClass.getConstructor(String.class);
            final Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            final Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[]{ handlerClass },
                (proxy, method, args) ->
                {
                    switch (method.getName())
                    {
                        case "handle":
                            requestStop();
                            return null;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            return process + " " + signalName + " handler";
                    }
                });
            handle.invoke(null, signalOf.newInstance(signalName), handler);
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            System.err.println(process + ": cannot take SIG" + signalName + " (" + ex +
                "); the JVM's shutdown closes the node instead");
        }
    }
}
