package io.droplet.executors;

import io.droplet.api.DropletFunction;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Creates functions registered by class: from the executor's own class path when no code was shipped,
 * or from the shipped jar in a class loader of its own per function name and version, so two versions
 * (or two tenants' classes of the same name) never clash. Replacing a version closes the old loader.
 * <p>
 * <b>Note:</b> not thread-safe; used by one executor agent on the control path.
 */
final class FunctionLoader implements AutoCloseable
{
    private final Map<String, URLClassLoader> loaders = new HashMap<>();
    private final Map<String, Path> jars = new HashMap<>();

    /**
     * @param name      of the function.
     * @param className implementing {@link DropletFunction}.
     * @param code      jar bytes, or empty to load from the class path.
     * @param version   of the code.
     * @return a new instance.
     * @throws IllegalArgumentException if the class cannot be loaded or is not a function.
     */
    DropletFunction load(final String name, final String className, final byte[] code, final long version)
    {
        if (code.length == 0)
        {
            return create(name, className, FunctionLoader.class.getClassLoader());
        }
        // The code is kept in a file of its own only while its function is installed: a jar that does not load is
        // deleted at once, and one replaced or removed when its function is (never deleteOnExit, whose list grows).
        Path jar = null;
        URLClassLoader isolated = null;
        try
        {
            jar = Files.createTempFile("droplet-function-" + sanitise(name) + "-v" + version + "-", ".jar");
            Files.write(jar, code);
            isolated = new URLClassLoader(
                "droplet-function-" + name + "-v" + version, new URL[]{ jar.toUri().toURL() }, FunctionLoader.class.getClassLoader());
            final DropletFunction function = create(name, className, isolated);
            CloseHelper.quietClose(loaders.put(name, isolated));
            deleteQuietly(jars.put(name, jar));
            return function;
        }
        catch (final IOException ex)
        {
            discard(isolated, jar);
            throw new UncheckedIOException("cannot store the code of function " + name, ex);
        }
        catch (final RuntimeException | Error ex)
        {
            discard(isolated, jar);
            throw ex;
        }
    }

    private static DropletFunction create(final String name, final String className, final ClassLoader loader)
    {
        try
        {
            final Class<?> type = Class.forName(className, true, loader);
            if (io.droplet.api.KeyedFunction.class.isAssignableFrom(type))
            {
                // One instance per key, made when the key is first called here: check now that one can be made.
                final KeyedClass keyed = new KeyedClass(type.asSubclass(io.droplet.api.KeyedFunction.class));
                keyed.newInstance();
                return keyed;
            }
            if (!DropletFunction.class.isAssignableFrom(type))
            {
                throw new IllegalArgumentException(className + " does not implement " + DropletFunction.class.getName());
            }
            return (DropletFunction)type.getDeclaredConstructor().newInstance();
        }
        catch (final ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException |
            InvocationTargetException ex)
        {
            throw new IllegalArgumentException("cannot create function " + name + " from " + className + ": " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException("cannot create function " + name + " from " + className + ": " + ex, ex);
        }
    }

    /**
     * Closes the loader of a removed function.
     *
     * @param name of the function.
     */
    void unload(final String name)
    {
        CloseHelper.quietClose(loaders.remove(name));
        deleteQuietly(jars.remove(name));
    }

    /**
     * @return files of shipped code held: one per installed function shipped as a jar.
     */
    int jarsHeld()
    {
        return jars.size();
    }

    private static void discard(final URLClassLoader loader, final Path jar)
    {
        CloseHelper.quietClose(loader);
        deleteQuietly(jar);
    }

    private static void deleteQuietly(final Path jar)
    {
        if (null != jar)
        {
            try
            {
                Files.deleteIfExists(jar);
            }
            catch (final IOException ignore)
            {
                // A file that cannot be deleted now is in the temporary directory, which the system cleans.
            }
        }
    }

    private static String sanitise(final String name)
    {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * Closes every loader.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(loaders.values());
        loaders.clear();
        jars.values().forEach(FunctionLoader::deleteQuietly);
        jars.clear();
    }
}
