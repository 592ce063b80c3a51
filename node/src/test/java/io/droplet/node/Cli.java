package io.droplet.node;

import io.droplet.node.cli.DropletCommand;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs a {@code droplet} subcommand in this JVM and returns what it printed.
 */
final class Cli
{
    private Cli()
    {
    }

    static synchronized String run(final String... args)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            System.setOut(out);
            final int exit = new CommandLine(new DropletCommand()).execute(args);
            assertEquals(0, exit, () -> "droplet " + List.of(args) + " failed");
        }
        finally
        {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
