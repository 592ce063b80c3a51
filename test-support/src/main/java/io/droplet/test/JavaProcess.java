package io.droplet.test;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a main class in a JVM of its own, with this JVM's class path and the module flags our stack
 * needs (taken from this JVM's own arguments), its output going to a log file kept with the test's
 * directories.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
public final class JavaProcess
{
    private JavaProcess()
    {
    }

    /**
     * @param mainClass to run.
     * @param log       file for the process's standard output and error.
     * @param args      for its main.
     * @return the started process.
     * @throws IOException if it cannot start.
     */
    public static Process start(final Class<?> mainClass, final File log, final String... args) throws IOException
    {
        return start(mainClass, log, List.of(), args);
    }

    /**
     * Starts a main class with extra JVM options (system properties, say), as {@link #start(Class, File, String...)}.
     *
     * @param mainClass to run.
     * @param log       file that gets its standard output and error.
     * @param jvmArgs   extra JVM options, before the class name.
     * @param args      for its main.
     * @return the started process.
     * @throws IOException if it cannot start.
     */
    public static Process start(final Class<?> mainClass, final File log, final List<String> jvmArgs, final String... args)
        throws IOException
    {
        return start(List.of(), mainClass, log, jvmArgs, args);
    }

    /**
     * Starts a main class through a launcher (for example {@code ip netns exec <namespace>}), as
     * {@link #start(Class, File, List, String...)}.
     *
     * @param launcher  command words before {@code java}.
     * @param mainClass to run.
     * @param log       file that gets its standard output and error.
     * @param jvmArgs   extra JVM options.
     * @param args      for its main.
     * @return the started process.
     * @throws IOException if it cannot start.
     */
    public static Process start(
        final List<String> launcher, final Class<?> mainClass, final File log, final List<String> jvmArgs, final String... args)
        throws IOException
    {
        return start(launcher, mainClass, log, jvmArgs, java.util.Map.of(), args);
    }

    /**
     * Starts a main class through a launcher with extra environment variables, as
     * {@link #start(List, Class, File, List, String...)}.
     *
     * @param launcher    command words before {@code java}.
     * @param mainClass   to run.
     * @param log         file that gets its standard output and error.
     * @param jvmArgs     extra JVM options.
     * @param environment variables added to this process's environment.
     * @param args        for its main.
     * @return the started process.
     * @throws IOException if it cannot start.
     */
    public static Process start(
        final List<String> launcher, final Class<?> mainClass, final File log, final List<String> jvmArgs,
        final java.util.Map<String, String> environment, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>(launcher);
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-Dchronicle"))
            {
                command.add(argument);
            }
        }
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(environment);
        return builder.start();
    }
}
