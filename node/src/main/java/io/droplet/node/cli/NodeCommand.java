package io.droplet.node.cli;

import io.droplet.executors.ExecutorAgent;
import io.droplet.executors.ExecutorContext;
import io.droplet.executors.LocalFunctions;
import io.droplet.scheduler.SchedulerAgent;
import io.droplet.scheduler.SchedulerContext;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportConfiguration;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code droplet node}: runs the chosen roles against the host's media driver, composed into one duty
 * cycle on one thread, until SIGINT or SIGTERM. Functions registered by class are loaded from this
 * process's class path (or from the jar a client ships).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run Droplet roles (scheduler, executor) against the host's media driver until SIGINT/SIGTERM.")
public final class NodeCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Aeron directory of the host's media driver.")
    private String dir;

    @Option(names = "--roles", split = ",", required = true, description = "Comma-separated: scheduler, executor.")
    private List<String> roles;

    @Option(names = "--host", description = "This host as peers see it (default: ${DEFAULT-VALUE}).")
    private String host = "127.0.0.1";

    @Option(names = "--scheduler-id", description = "Node id of the scheduler (default: ${DEFAULT-VALUE}).")
    private long schedulerId = 1;

    @Option(names = "--scheduler-endpoint", description = "host:port/stream of the scheduler (default: ${DEFAULT-VALUE}).")
    private String schedulerEndpoint = "127.0.0.1:0/5001";

    @Option(names = "--executor-id", description = "Node id of this node's executor (default: ${DEFAULT-VALUE}).")
    private long executorId = 10;

    @Option(names = "--executor-endpoint", description = "host:port/stream of this node's executor (default: ${DEFAULT-VALUE}).")
    private String executorEndpoint = "127.0.0.1:0/5010";

    @Option(names = "--threading", description = "shared (default: back-off idling) or dedicated (busy-spin).")
    private String threading = "shared";

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final Set<String> chosen = new TreeSet<>();
        for (final String role : roles)
        {
            final String name = role.trim().toLowerCase(Locale.ROOT);
            if (!name.equals("scheduler") && !name.equals("executor"))
            {
                throw new IllegalArgumentException("unknown role " + role + ": scheduler or executor");
            }
            chosen.add(name);
        }
        final ThreadingProfile profile = TransportConfiguration.parseThreading(threading);
        final Endpoint scheduler = Endpoint.parse(schedulerEndpoint);

        final Transport transport = Transport.launch(new TransportContext()
            .embeddedDriver(false)
            .aeronDirectoryName(dir)
            .threadingProfile(ThreadingProfile.INVOKER)
            .localHost(host)
            .name("node-" + String.join("-", chosen)));
        final List<AutoCloseable> resources = new ArrayList<>();
        final List<Agent> agents = new ArrayList<>();
        agents.add(transport.conductorAgent());
        try
        {
            if (chosen.contains("scheduler"))
            {
                final NodeChannels channels = new NodeChannels(transport, schedulerId, scheduler, "scheduler");
                resources.add(channels);
                agents.add(new SchedulerAgent(new SchedulerContext().channels(channels)));
            }
            if (chosen.contains("executor"))
            {
                final NodeChannels channels = new NodeChannels(transport, executorId, Endpoint.parse(executorEndpoint), "executor");
                resources.add(channels);
                final ExecutorAgent executor = new ExecutorAgent(new ExecutorContext()
                    .channels(channels)
                    .functions(new LocalFunctions())
                    .scheduler(schedulerId, scheduler));
                resources.add(executor);
                agents.add(executor);
            }

            try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
                AgentRunner runner = new AgentRunner(
                    profile == ThreadingProfile.DEDICATED ? new BusySpinIdleStrategy() : new BackoffIdleStrategy(100, 10, 1_000, 100_000),
                    transport.errorHandler(), null, new CompositeAgent(agents)))
            {
                AgentRunner.startOnThread(runner);
                System.out.println("droplet node running: roles=" + chosen + " dir=" + dir);
                System.out.flush();
                barrier.await();
                System.out.println("droplet node stopping");
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(resources);
            CloseHelper.quietClose(transport);
        }
        return 0;
    }
}
