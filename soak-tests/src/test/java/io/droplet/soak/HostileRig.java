package io.droplet.soak;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.codecs.FrameLimits;
import io.droplet.soak.functions.Echo;
import io.droplet.soak.functions.Fail;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Size;
import io.droplet.soak.functions.Square;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.CounterDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * What both hostile-input tests stand on: a media driver and one {@code droplet node} process with every role
 * (storage, cache, scheduler, executor), a client that registered the functions and DAGs the cases use, a raw
 * {@link FuzzerNode} introduced to the node's roles, and a {@link LegitimateCalls} caller ready to start. The node
 * runs with smaller bounds than its defaults where a case drives it past one, so the test reaches them quickly
 * and the heap they let a caller hold stays small next to the growth bound: fan-ins hold at most
 * {@link #FAN_IN_TOTAL_BYTES} and an invocation without a deadline waits at most {@link #FAN_IN_WAIT}; subscribed
 * keys hold at most {@link #SUBSCRIBED_KEY_BYTES}. Its temporary files (where executors unpack shipped code) go to
 * a directory of its own, {@link #nodeTemp()}.
 * <p>
 * <b>Note:</b> not thread-safe; one per test.
 */
final class HostileRig implements AutoCloseable
{
    static final String NODE = "node";
    static final long FAN_IN_TOTAL_BYTES = 16L << 20;
    static final Duration FAN_IN_WAIT = Duration.ofSeconds(5);
    static final long SUBSCRIBED_KEY_BYTES = 16L << 20;
    /** Links each of the node's roles may hold open (a log of three 8 MiB terms each): 768 MiB of shared memory. */
    static final int MAX_LINKS = 32;

    final Deployment deployment;
    final DropletClient client;
    final FuzzerNode fuzzer;
    final NodeHealth health;
    final HostileFrames frames = new HostileFrames();
    final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * FrameLimits.DEFAULT_MAX_FRAME_LENGTH));
    final LegitimateCalls legitimate;
    private final File nodeTemp;

    /**
     * Starts the driver and the node, registers, waits until the DAG is served, introduces the fuzzer.
     *
     * @param watcher of the test.
     * @param label   of the deployment.
     */
    HostileRig(final SystemTestWatcher watcher, final String label)
    {
        deployment = new Deployment(watcher, label);
        DropletClient connected = null;
        FuzzerNode raw = null;
        try
        {
            deployment.driver(List.of());
            nodeTemp = new File(deployment.logs(), "node-tmp");
            if (!nodeTemp.mkdirs() && !nodeTemp.isDirectory())
            {
                throw new IllegalStateException("cannot make " + nodeTemp);
            }
            deployment.node(NODE, List.of(
                "-Ddroplet.executor.fanin.total.bytes=" + FAN_IN_TOTAL_BYTES,
                "-Ddroplet.executor.fanin.wait=" + FAN_IN_WAIT.toMillis() + "ms",
                "-Ddroplet.store.max.subscribed.key.bytes=" + SUBSCRIBED_KEY_BYTES,
                "-Ddroplet.transport.max.links=" + MAX_LINKS,
                "-Djava.io.tmpdir=" + nodeTemp.getPath()),
                "--roles", "storage,cache,scheduler,executor",
                "--data", new File(deployment.logs(), "storage-data").getPath(),
                "--cache-file", new File(deployment.logs(), "host-cache.dat").getPath());
            connected = deployment.client(Duration.ofSeconds(10));
            connected.registerFunction("increment", Increment.class);
            connected.registerFunction("square", Square.class);
            connected.registerFunction("echo", Echo.class);
            connected.registerFunction("fail", Fail.class);
            connected.registerFunction("size", Size.class);
            connected.registerDag("dag", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
            // A fan-in stage whose second parent always fails (item 1).
            connected.registerDag("fan-in", List.of("echo", "fail", "size"),
                List.of(Connection.of("echo", "size"), Connection.of("fail", "size")));
            final DropletClient c = connected;
            Await.until(() -> Long.valueOf(16).equals(quietly(() -> c.callDag("dag", 3L))), Duration.ofSeconds(60),
                () -> "the DAG is served");
            // The executor has loaded the functions the raw triggers name before any arrives.
            Await.until(() -> Long.valueOf(3).equals(quietly(() -> c.call("size", (Object)new byte[3]))), Duration.ofSeconds(60),
                () -> "size is served");
            raw = new FuzzerNode(deployment.dir());
            raw.introduce();
        }
        catch (final RuntimeException | Error ex)
        {
            if (null != raw)
            {
                raw.close();
            }
            if (null != connected)
            {
                connected.close();
            }
            deployment.close();
            throw ex;
        }
        client = connected;
        fuzzer = raw;
        health = new NodeHealth(deployment, NODE);
        legitimate = new LegitimateCalls(client, "dag");
    }

    /**
     * @param counter of the node process.
     * @return the sum of that counter over every node of the host (the fuzzer's and the client's are 0 for
     * every counter the tests read).
     */
    long sum(final CounterDescriptor counter)
    {
        return deployment.sum(counter.typeId(), "");
    }

    /**
     * Waits until a counter has grown by at least {@code delta} from {@code before}.
     */
    void awaitCounter(final CounterDescriptor counter, final long before, final long delta, final Duration timeout)
    {
        Await.until(() -> sum(counter) - before >= delta, timeout, Duration.ofMillis(20),
            () -> "'" + counter.what() + "' grew by " + (sum(counter) - before) + ", expected " + delta);
    }

    /**
     * Waits until a counter (a gauge) is at most {@code most}.
     */
    void awaitCounterAtMost(final CounterDescriptor counter, final long most, final Duration timeout)
    {
        Await.until(() -> sum(counter) <= most, timeout, Duration.ofMillis(20),
            () -> "'" + counter.what() + "' is " + sum(counter) + ", expected at most " + most);
    }

    /**
     * @return the node's temporary directory.
     */
    File nodeTemp()
    {
        return nodeTemp;
    }

    /**
     * @return the files executors left in the node's temporary directory for shipped code.
     */
    List<String> shippedCodeFiles()
    {
        final String[] names = nodeTemp.list((dir, name) -> name.startsWith("droplet-function-"));
        return null == names ? List.of() : List.of(names);
    }

    /**
     * Runs a call, returning its result or the exception it threw.
     */
    static Object quietly(final java.util.concurrent.Callable<Object> call)
    {
        try
        {
            return call.call();
        }
        catch (final Exception ex)
        {
            return ex;
        }
    }

    public void close()
    {
        try
        {
            if (legitimate.isAlive())
            {
                legitimate.stopAndJoin();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            fuzzer.close();
            client.close();
            Deployment.printCounters(deployment.dir());
            deployment.close();
        }
    }
}
