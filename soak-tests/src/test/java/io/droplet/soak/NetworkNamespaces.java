package io.droplet.soak;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on this machine for tests across hosts: one Linux network namespace per host, each with a veth
 * link to a bridge that lives in a namespace of its own (the switch), so traffic stays between these
 * namespaces and never touches the machine's own interfaces. Host i has address 10.77.0.i/24.
 * A host is partitioned away by taking its switch port down, and healed by bringing it up.
 * Needs root and iproute2's {@code ip}; installs iproute2 with apt-get if it is missing.
 * <p>
 * <b>Note:</b> not thread-safe; one per test; close removes everything it made.
 */
final class NetworkNamespaces implements AutoCloseable
{
    private final String prefix;
    private final int hosts;
    private final List<String> made = new ArrayList<>();

    /**
     * Makes the switch and the hosts.
     *
     * @param prefix of the namespace names (short: interface names are at most 15 characters).
     * @param hosts  how many.
     */
    NetworkNamespaces(final String prefix, final int hosts)
    {
        this.prefix = prefix;
        this.hosts = hosts;
        ensureIp();
        try
        {
            final String sw = prefix + "sw";
            run("ip", "netns", "add", sw);
            made.add(sw);
            run("ip", "netns", "exec", sw, "ip", "link", "add", "br0", "type", "bridge");
            run("ip", "netns", "exec", sw, "ip", "link", "set", "br0", "up");
            for (int i = 1; i <= hosts; i++)
            {
                final String host = host(i);
                run("ip", "netns", "add", host);
                made.add(host);
                run("ip", "link", "add", "eth" + i + prefix, "type", "veth", "peer", "name", port(i));
                run("ip", "link", "set", "eth" + i + prefix, "netns", host);
                run("ip", "link", "set", port(i), "netns", sw);
                run("ip", "netns", "exec", host, "ip", "link", "set", "eth" + i + prefix, "name", "eth0");
                run("ip", "netns", "exec", host, "ip", "addr", "add", address(i) + "/24", "dev", "eth0");
                run("ip", "netns", "exec", host, "ip", "link", "set", "eth0", "up");
                run("ip", "netns", "exec", host, "ip", "link", "set", "lo", "up");
                run("ip", "netns", "exec", sw, "ip", "link", "set", port(i), "master", "br0");
                run("ip", "netns", "exec", sw, "ip", "link", "set", port(i), "up");
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * @param i host number, from 1.
     * @return its namespace.
     */
    String host(final int i)
    {
        return prefix + "h" + i;
    }

    /**
     * @param i host number, from 1.
     * @return its address.
     */
    static String address(final int i)
    {
        return "10.77.0." + i;
    }

    /**
     * @param i host number: its switch port goes down, cutting it off from the others.
     */
    void partition(final int i)
    {
        run("ip", "netns", "exec", prefix + "sw", "ip", "link", "set", port(i), "down");
    }

    /**
     * @param i host number: its switch port comes back up.
     */
    void heal(final int i)
    {
        run("ip", "netns", "exec", prefix + "sw", "ip", "link", "set", port(i), "up");
    }

    /**
     * @param i       host number.
     * @param command to run inside that host's namespace.
     * @return the command prefixed so that it runs there.
     */
    List<String> inHost(final int i, final List<String> command)
    {
        final List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", host(i)));
        wrapped.addAll(command);
        return wrapped;
    }

    private String port(final int i)
    {
        return prefix + "p" + i;
    }

    /**
     * Removes the namespaces (their veth links go with them).
     */
    public void close()
    {
        for (int i = made.size() - 1; i >= 0; i--)
        {
            try
            {
                run("ip", "netns", "del", made.get(i));
            }
            catch (final RuntimeException ex)
            {
                System.out.println("could not remove namespace " + made.get(i) + ": " + ex.getMessage());
            }
        }
        made.clear();
    }

    private static void ensureIp()
    {
        if (new File("/usr/sbin/ip").canExecute() || new File("/sbin/ip").canExecute() || new File("/usr/bin/ip").canExecute())
        {
            return;
        }
        System.out.println("iproute2 is missing: installing it with apt-get");
        run("apt-get", "update");
        run("apt-get", "install", "-y", "iproute2");
    }

    static String run(final String... command)
    {
        try
        {
            // Output to a file, not a pipe: reading a pipe to its end would wait past any deadline for a command that hangs.
            final java.io.File out = java.io.File.createTempFile("droplet-command", ".out");
            try
            {
                final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out).start();
                final boolean ended = process.waitFor(120, TimeUnit.SECONDS);
                if (!ended)
                {
                    process.destroyForcibly();
                }
                final String output = java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8);
                if (!ended || process.exitValue() != 0)
                {
                    throw new IllegalStateException(String.join(" ", command) + (ended ? " failed: " : " did not end in 120 s: ") + output);
                }
                return output;
            }
            finally
            {
                java.nio.file.Files.deleteIfExists(out.toPath());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
