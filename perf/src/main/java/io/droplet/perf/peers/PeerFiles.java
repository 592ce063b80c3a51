package io.droplet.perf.peers;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The temporary directories peers run in (scripts, logs, worker space), removed when a peer closes.
 * <p>
 * <b>Note:</b> stateless, thread-safe.
 */
final class PeerFiles
{
    private PeerFiles()
    {
    }

    /**
     * Deletes a directory tree, ignoring what cannot be deleted (a peer's close must not fail over it).
     *
     * @param directory to delete.
     */
    static void deleteQuietly(final File directory)
    {
        try
        {
            Files.walkFileTree(directory.toPath(), new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
                    throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(final Path file, final IOException ex)
                {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException ex) throws IOException
                {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ignore)
        {
            // Left behind in the temporary directory: the operating system's cleaning will find it.
        }
    }
}
