package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Shipped code is kept in a file only while its function is installed: a jar that does not load is deleted at once,
 * a replaced or removed one with its function, and none is left when the loader closes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FunctionLoaderTest
{
    private final FunctionLoader loader = new FunctionLoader();
    private final String name = "loader-test-" + System.nanoTime();

    /** Loaded through the test's class path (a shipped loader asks its parent first). */
    public static final class Echo implements DropletFunction
    {
        public void apply(final Invocation invocation)
        {
            invocation.result().writeNull();
        }
    }

    @AfterEach
    void close()
    {
        loader.close();
    }

    private long jarsOnDisk() throws IOException
    {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir"))))
        {
            return files.filter(path -> path.getFileName().toString().startsWith("droplet-function-" + name)).count();
        }
    }

    private static byte[] jar() throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes))
        {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write(new byte[]{ 'h', 'i' });
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void garbageJarsAreDeletedAtOnce() throws IOException
    {
        final byte[] garbage = new byte[200 * 1024];
        new Random(7).nextBytes(garbage);
        for (int version = 1; version <= 100; version++)
        {
            final int v = version;
            assertThrows(RuntimeException.class, () -> loader.load(name, "no.such.Function", garbage, v));
        }
        assertEquals(0, jarsOnDisk());
        assertEquals(0, loader.jarsHeld());
    }

    @Test
    void aJarIsKeptWhileItsFunctionIsInstalledAndDeletedWhenReplacedOrRemoved() throws IOException
    {
        assertNotNull(loader.load(name, Echo.class.getName(), jar(), 1));
        assertEquals(1, jarsOnDisk());
        assertNotNull(loader.load(name, Echo.class.getName(), jar(), 2));
        assertEquals(1, jarsOnDisk(), "the replaced version's file is gone");
        assertThrows(RuntimeException.class, () -> loader.load(name, "no.such.Function", jar(), 3));
        assertEquals(1, jarsOnDisk(), "a failed replacement leaves the installed version's file");

        loader.unload(name);
        assertEquals(0, jarsOnDisk());
    }
}
