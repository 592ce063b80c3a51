package io.droplet.node;

import io.droplet.client.ClientConductor;
import io.droplet.client.DropletClient;
import io.droplet.client.Waiter;
import io.droplet.client.Waiters;
import io.droplet.scheduler.SchedulerAgent;
import io.droplet.store.ring.HashRing;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The entry point for first use and tests: {@link #local()} starts a whole node in this process (an
 * embedded media driver, a scheduler, executors, a storage node, the host cache and the client's agent,
 * started by the same {@link NodeLauncher} as {@code droplet node}, on threads as
 * {@link LocalContext#threading()} says) and hands back the same {@link DropletClient} API a service uses
 * against a deployment.
 * <pre>
 *   try (DropletClient droplet = Droplet.local()) { ... }
 * </pre>
 * If a duty cycle of the node fails (an {@code OutOfMemoryError}, say), the node does not end the application's
 * JVM: it is closed, every call of its client fails at once with INTERNAL naming the cause, and
 * {@link LocalContext#nodeFailureHandler} is told.
 * <p>
 * <b>Note:</b> thread-safe; each call starts an independent node.
 */
public final class Droplet
{
    /** Node id of the local node's scheduler. */
    public static final long SCHEDULER_NODE = NodeContext.FIRST_SCHEDULER;
    /** Where the local node's scheduler receives. */
    public static final Endpoint SCHEDULER_ENDPOINT = NodeContext.FIRST_SCHEDULER_ENDPOINT;
    /** Node id of the local node's storage node. */
    public static final long STORAGE_NODE = NodeContext.STORAGE;
    /** Where the local node's storage node receives. */
    public static final Endpoint STORAGE_ENDPOINT = NodeContext.STORAGE_ENDPOINT;

    private Droplet()
    {
    }

    /**
     * @param index of a local node's scheduler, from 0.
     * @return its node id.
     */
    public static long schedulerNode(final int index)
    {
        return NodeContext.schedulerId(index);
    }

    /**
     * @param index of a local node's scheduler, from 0.
     * @return where it receives.
     */
    public static Endpoint schedulerEndpoint(final int index)
    {
        return NodeContext.schedulerEndpoint(index);
    }

    /**
     * @return a client of a new in-process node with default settings (one executor, a shared thread).
     */
    public static DropletClient local()
    {
        return local(new LocalContext());
    }

    /**
     * @param context settings.
     * @return a client of a new in-process node; closing it stops the node.
     */
    public static DropletClient local(final LocalContext context)
    {
        final boolean temporary = null == context.dataDirectory();
        final File dataDirectory;
        try
        {
            dataDirectory = temporary ? Files.createTempDirectory("droplet-local-").toFile() : context.dataDirectory();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the local node's data directory", ex);
        }
        final Runnable removeData = () ->
        {
            if (temporary)
            {
                IoUtil.delete(dataDirectory, true);
            }
        };
        final LocalNodeFailure failure = new LocalNodeFailure(context.nodeFailureHandler());
        final NodeLauncher launcher;
        try
        {
            launcher = NodeLauncher.launch(nodeContext(context, dataDirectory).agentFailureListener(failure));
        }
        catch (final RuntimeException ex)
        {
            removeData.run();
            throw ex;
        }
        try
        {
            final NodeChannels clientChannels = launcher.channels(
                new NodeContext.Role(NodeContext.LOCAL_CLIENT, NodeContext.LOCAL_CLIENT_ENDPOINT, "client"));
            final ClientConductor conductor = new ClientConductor(
                clientChannels, SCHEDULER_NODE, SCHEDULER_ENDPOINT, context.codecs(), 65_536);
            launcher.agent(conductor).start();
            final AgentInvoker invoker = launcher.invoker();
            final Waiter waiter = null != invoker ?
                (future, deadlineNs) -> drive(invoker, future, deadlineNs) : Waiters::spinThenPark;
            final DropletClient client = new DropletClient(conductor, context.callTimeoutNs(), launcher.functions()::install, waiter,
                closeOnce(() ->
                {
                    launcher.close();
                    removeData.run();
                }),
                context.codecs());
            failure.attach(client, invoker);
            try
            {
                client.connect();
                client.useStorage(Map.of(STORAGE_NODE, STORAGE_ENDPOINT), 1, HashRing.DEFAULT_VIRTUAL_NODES);
                for (final SchedulerAgent scheduler : launcher.schedulers())
                {
                    awaitExecutors(scheduler, context.executors(), waiter);
                }
            }
            catch (final RuntimeException ex)
            {
                client.close();
                throw ex;
            }
            return client;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(launcher);
            removeData.run();
            throw ex;
        }
    }

    /**
     * The roles of an in-process node: one storage node, the schedulers and executors the context asks for, the
     * host cache, at the ids and streams {@link NodeContext} gives a one-host node.
     */
    private static NodeContext nodeContext(final LocalContext context, final File dataDirectory)
    {
        final NodeContext node = new NodeContext()
            .transportContext(new TransportContext()
                .embeddedDriver(true)
                .aeronDirectoryName(context.aeronDirectoryName())
                .localHost("127.0.0.1")
                .name("droplet-local"))
            .threading(context.threading())
            .storageNode(STORAGE_NODE, STORAGE_ENDPOINT)
            .runStorage(STORAGE_NODE, "storage", dataDirectory, 100_000)
            .replicationFactor(1)
            .runCache(NodeContext.CACHE, NodeContext.CACHE_ENDPOINT,
                new File(shmOrTemp(), "droplet-cache-" + UUID.randomUUID() + ".dat"));
        for (int i = 0; i < context.schedulers(); i++)
        {
            node.runScheduler(schedulerNode(i), schedulerEndpoint(i), "scheduler-" + i);
        }
        for (int i = 0; i < context.executors(); i++)
        {
            node.runExecutor(NodeContext.executorId(i), NodeContext.executorEndpoint(i), "executor-" + i);
        }
        return node;
    }

    private static File shmOrTemp()
    {
        final File shm = new File("/dev/shm");
        return shm.isDirectory() && shm.canWrite() ? shm : new File(System.getProperty("java.io.tmpdir"));
    }

    /**
     * @return a close that runs once; a second caller (the application, while a failed node is closed for it)
     * returns when the first has finished.
     */
    private static Runnable closeOnce(final Runnable close)
    {
        final boolean[] closed = new boolean[1];
        return () ->
        {
            synchronized (closed)
            {
                if (!closed[0])
                {
                    closed[0] = true;
                    close.run();
                }
            }
        };
    }

    private static void awaitExecutors(final SchedulerAgent scheduler, final int expected, final Waiter waiter)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        final CompletableFuture<Void> never = new CompletableFuture<>();
        while (scheduler.liveExecutorCount() < expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("executors did not join the scheduler within 10 s");
            }
            waiter.await(never, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static void drive(final AgentInvoker invoker, final CompletableFuture<?> future, final long deadlineNs)
    {
        // At least one duty cycle, so a caller can let the node work once without waiting for anything.
        do
        {
            invoker.invoke();
        }
        while (!future.isDone() && System.nanoTime() - deadlineNs < 0);
    }
}
