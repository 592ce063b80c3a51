package io.droplet.test;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Gives each test unique directories (Aeron directories under /dev/shm, data directories under the
 * build's target) and deletes them after a passing test. After a failing test it keeps them and
 * prints where they are, so driver state and logs can be examined.
 * <pre>
 *   &#64;RegisterExtension final SystemTestWatcher watcher = new SystemTestWatcher();
 *   String aeronDir = watcher.aeronDirectory("ipc");
 * </pre>
 * <b>Note:</b> not thread-safe; one instance per test instance.
 */
public final class SystemTestWatcher implements AfterEachCallback
{
    private final List<File> directories = new ArrayList<>();

    /**
     * @param label for the directory name.
     * @return a unique Aeron directory path under /dev/shm (or the temp directory), not yet created.
     */
    public String aeronDirectory(final String label)
    {
        final File shm = new File("/dev/shm");
        final File parent = shm.isDirectory() && shm.canWrite() ? shm : new File(System.getProperty("java.io.tmpdir"));
        final File dir = new File(parent, "droplet-test-" + label + "-" + UUID.randomUUID());
        directories.add(dir);
        return dir.getPath();
    }

    /**
     * @param label for the directory name.
     * @return a unique, created directory under {@code target/test-data}.
     */
    public File dataDirectory(final String label)
    {
        final File dir = new File("target/test-data", label + "-" + UUID.randomUUID());
        if (!dir.mkdirs())
        {
            throw new IllegalStateException("cannot create " + dir.getAbsolutePath());
        }
        directories.add(dir);
        return dir;
    }

    /**
     * {@inheritDoc}
     */
    public void afterEach(final ExtensionContext context)
    {
        if (context.getExecutionException().isPresent())
        {
            for (final File dir : directories)
            {
                if (dir.exists())
                {
                    System.err.println("kept for " + context.getDisplayName() + ": " + dir.getAbsolutePath());
                }
            }
        }
        else
        {
            directories.forEach(SystemTestWatcher::delete);
        }
        directories.clear();
    }

    private static void delete(final File dir)
    {
        if (!dir.exists())
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir.toPath()))
        {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
        catch (final IOException ex)
        {
            System.err.println("could not delete " + dir + ": " + ex);
        }
    }
}
