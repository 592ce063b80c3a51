package io.droplet.perf.harness;

import io.droplet.client.ClientConductor;
import io.droplet.client.DropletClient;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.executors.ExecutorAgent;
import io.droplet.executors.ExecutorContext;
import io.droplet.executors.LocalFunctions;
import io.droplet.scheduler.SchedulerAgent;
import io.droplet.scheduler.SchedulerContext;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.CompositeAgent;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Droplet split over two "hosts" on loopback, each with its own embedded media driver, talking UDP:
 * host A (127.0.0.1) runs the client and the scheduler, host B (127.0.0.2) runs the executor. So a
 * 2-function DAG goes client -> scheduler over IPC, scheduler -> executor over UDP, executor -> itself
 * over IPC, executor -> client over UDP. One thread (the caller's) drives both drivers and every agent,
 * as the invoker profile of a local node does.
 * <p>
 * <b>Note:</b> not thread-safe; the client it hands out is used from one thread.
 */
final class TwoHostNode
{
    private TwoHostNode()
    {
    }

    /**
     * @return a connected client; closing it stops both hosts.
     */
    static DropletClient start()
    {
        final Transport hostA = Transport.launch(new TransportContext()
            .embeddedDriver(true).threadingProfile(ThreadingProfile.INVOKER).localHost("127.0.0.1").name("perf-host-a"));
        final Transport hostB = Transport.launch(new TransportContext()
            .embeddedDriver(true).threadingProfile(ThreadingProfile.INVOKER).localHost("127.0.0.2").name("perf-host-b"));
        final List<AutoCloseable> resources = new ArrayList<>();
        try
        {
            final Endpoint schedulerEndpoint = new Endpoint("127.0.0.1", freePort("127.0.0.1"), 5001);
            final Endpoint clientEndpoint = new Endpoint("127.0.0.1", freePort("127.0.0.1"), 5100);
            final Endpoint executorEndpoint = new Endpoint("127.0.0.2", freePort("127.0.0.2"), 5010);

            final NodeChannels schedulerChannels = new NodeChannels(hostA, 1, schedulerEndpoint, "scheduler");
            resources.add(schedulerChannels);
            final SchedulerAgent scheduler = new SchedulerAgent(new SchedulerContext().channels(schedulerChannels));
            final NodeChannels clientChannels = new NodeChannels(hostA, 1000, clientEndpoint, "client");
            resources.add(clientChannels);
            final ClientConductor conductor = new ClientConductor(clientChannels, 1, schedulerEndpoint, new CodecRegistry(), 65_536);

            final LocalFunctions functions = new LocalFunctions();
            final NodeChannels executorChannels = new NodeChannels(hostB, 10, executorEndpoint, "executor");
            resources.add(executorChannels);
            final ExecutorAgent executor = new ExecutorAgent(new ExecutorContext()
                .channels(executorChannels)
                .functions(functions)
                .scheduler(1, schedulerEndpoint));
            resources.add(executor);

            final List<Agent> agents = List.of(hostA.conductorAgent(), hostB.conductorAgent(), scheduler, executor, conductor);
            final AgentInvoker invoker = new AgentInvoker(hostA.errorHandler(), null, new CompositeAgent(agents));
            invoker.start();
            final DropletClient client = new DropletClient(conductor, TimeUnit.SECONDS.toNanos(10), functions::install,
                (future, deadlineNs) ->
                {
                    do
                    {
                        invoker.invoke();
                    }
                    while (!future.isDone() && System.nanoTime() - deadlineNs < 0);
                },
                () ->
                {
                    CloseHelper.quietClose(invoker);
                    for (int i = resources.size() - 1; i >= 0; i--)
                    {
                        CloseHelper.quietClose(resources.get(i));
                    }
                    CloseHelper.quietClose(hostB);
                    CloseHelper.quietClose(hostA);
                },
                new CodecRegistry());
            client.connect();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (scheduler.liveExecutorCount() < 1)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    client.close();
                    throw new IllegalStateException("the executor on host B did not join within 10 s");
                }
                invoker.invoke();
            }
            return client;
        }
        catch (final RuntimeException ex)
        {
            for (int i = resources.size() - 1; i >= 0; i--)
            {
                CloseHelper.quietClose(resources.get(i));
            }
            CloseHelper.quietClose(hostB);
            CloseHelper.quietClose(hostA);
            throw ex;
        }
    }

    private static int freePort(final String host)
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName(host)))
        {
            return socket.getLocalPort();
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException("no free UDP port on " + host, ex);
        }
    }
}
