package io.droplet.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Packs a class directory into jar bytes, so a function's code ships the same way whether the user has a
 * jar or a build's output directory. Entries are sorted and time-stamped 0, so the same classes always
 * give the same bytes.
 * <p>
 * <b>Note:</b> stateless; thread-safe.
 */
final class FunctionJars
{
    private FunctionJars()
    {
    }

    /**
     * @param classDirectory root of the compiled classes.
     * @return the jar's bytes.
     * @throws UncheckedIOException if the directory cannot be read.
     */
    static byte[] pack(final Path classDirectory)
    {
        if (!Files.isDirectory(classDirectory))
        {
            throw new IllegalArgumentException("not a directory: " + classDirectory);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Stream<Path> walk = Files.walk(classDirectory);
            JarOutputStream jar = new JarOutputStream(bytes))
        {
            final List<Path> files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            for (final Path file : files)
            {
                final JarEntry entry = new JarEntry(classDirectory.relativize(file).toString().replace('\\', '/'));
                entry.setTime(0);
                jar.putNextEntry(entry);
                jar.write(Files.readAllBytes(file));
                jar.closeEntry();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot pack " + classDirectory, ex);
        }
        return bytes.toByteArray();
    }
}
