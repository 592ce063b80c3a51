package io.droplet.node.cli;

import io.droplet.transport.ErrorLogFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code droplet errors}: prints the distinct error logs of the Droplet processes using a driver
 * directory (files named {@code droplet-<name>-<pid>-errors.dat}), read from outside those processes.
 */
@Command(name = "errors", mixinStandardHelpOptions = true,
    description = "Print the distinct error logs of Droplet processes in an Aeron directory.")
public final class ErrorsCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Aeron directory of the driver.")
    private String dir;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final File[] files = new File(dir).listFiles((d, name) -> name.startsWith("droplet-") && name.endsWith("-errors.dat"));
        if (null == files || files.length == 0)
        {
            System.out.println("no Droplet error logs in " + dir);
            return 0;
        }
        for (final File file : files)
        {
            System.out.println("== " + file.getName());
            final int distinct = ErrorLogFile.read(file, (count, first, last, text) ->
                System.out.printf("%d observations from %s to %s:%n%s%n", count,
                    Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), text));
            System.out.println(distinct + " distinct errors");
        }
        return 0;
    }
}
