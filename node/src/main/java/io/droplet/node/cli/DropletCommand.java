package io.droplet.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code droplet}: the entry point. Each role or tool is a subcommand.
 * <p>
 * <b>Note:</b> run once per process from {@link #main(String[])}.
 */
@Command(
    name = "droplet",
    mixinStandardHelpOptions = true,
    version = "droplet 0.1.0-SNAPSHOT",
    description = "Droplet: a low-latency, stateful serverless runtime for the JVM.",
    subcommands = { DemoCommand.class, LocalCommand.class, NodeCommand.class, EchoBenchCommand.class, BenchCommand.class, DriverCommand.class, StatCommand.class, ErrorsCommand.class })
public final class DropletCommand implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Prints usage when no subcommand is given.
     */
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        final int exitCode = new CommandLine(new DropletCommand()).execute(args);
        // System.exit while the JVM is already shutting down (a driver stopped by SIGTERM) would block
        // forever, so exit explicitly only to report a failure.
        if (exitCode != 0)
        {
            System.exit(exitCode);
        }
    }
}
