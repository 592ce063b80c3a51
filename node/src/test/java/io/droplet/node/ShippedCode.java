package io.droplet.node;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compiles a function's source at test time into a class directory that is on no class path, so the
 * only way an executor can run it is through the code a client ships.
 */
final class ShippedCode
{
    private ShippedCode()
    {
    }

    /**
     * @param directory   where to write the source and the classes.
     * @param className   fully qualified.
     * @param source      of the class.
     * @return the directory holding the compiled classes.
     */
    static Path compile(final Path directory, final String className, final String source)
    {
        try
        {
            final Path sources = Files.createDirectories(directory.resolve("src"));
            final Path classes = Files.createDirectories(directory.resolve("classes"));
            final Path file = sources.resolve(className.substring(className.lastIndexOf('.') + 1) + ".java");
            Files.writeString(file, source, StandardCharsets.UTF_8);
            final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            final int status = compiler.run(null, null, null,
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), file.toString());
            if (status != 0)
            {
                throw new IllegalStateException("compiling " + className + " failed: " + status);
            }
            return classes;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param className fully qualified.
     * @param addend    what the function adds to its long argument.
     * @return the source of a function adding {@code addend}.
     */
    static String adder(final String className, final long addend)
    {
        final int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n" +
            "public final class " + className.substring(dot + 1) + " implements io.droplet.api.DropletFunction {\n" +
            "    public void apply(final io.droplet.api.Invocation inv) {\n" +
            "        inv.result().writeLong(inv.args().readLong() + " + addend + "L);\n" +
            "    }\n" +
            "}\n";
    }
}
