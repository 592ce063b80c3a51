package io.droplet.scheduler;

import io.droplet.api.DropletFunction;
import io.droplet.api.KeyedFunction;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import org.agrona.DirectBuffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Checks at registration what an executor will check when it loads a function registered by class (JAVA,
 * STATEFUL_CLASS, KEYED_CLASS), so a registration that can only fail later is refused now: the class loads (from
 * the shipped jar, or from the class path when no code was shipped) and is a function (implements
 * {@link DropletFunction} or {@link KeyedFunction}, is concrete, and has a public no-argument constructor).
 * <p>
 * The class is loaded without being initialised (no static initialiser of user code runs in the scheduler), in
 * a throw-away class loader over the jar's bytes held in memory (no temporary file). A jar whose entries unpack
 * to more than {@link #MAX_UNPACKED_BYTES} is refused: unpacking is work on the scheduler's thread. A class
 * registered by name without code that the scheduler's class path lacks is refused only where the scheduler
 * shares the executors' classes ({@link SchedulerLimits#classesShared()}); elsewhere it is accepted unseen.
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's thread (control path: allocates).
 */
final class FunctionClassCheck
{
    /** Most bytes a shipped jar's entries may unpack to, in all. */
    static final int MAX_UNPACKED_BYTES = 64 << 20;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final RegisterFunctionDecoder decoder = new RegisterFunctionDecoder();
    private final boolean classesShared;

    /**
     * @param classesShared true if a class registered by name must load from the scheduler's class path.
     */
    FunctionClassCheck(final boolean classesShared)
    {
        this.classesShared = classesShared;
    }

    /**
     * @param kind   of the function registered.
     * @param frame  buffer holding the {@code RegisterFunction} frame.
     * @param offset of the frame.
     * @return null if an executor can load it (or it is not registered by class); otherwise why not.
     */
    String problem(final FunctionKind kind, final DirectBuffer frame, final int offset)
    {
        if (kind == FunctionKind.PROCESS)
        {
            decoder.wrapAndApplyHeader(frame, offset, headerDecoder);
            decoder.skipName();
            try
            {
                io.droplet.codecs.value.JsonValues.command(decoder.entryPoint());
                return null;
            }
            catch (final IllegalArgumentException ex)
            {
                return ex.getMessage();
            }
        }
        if (kind != FunctionKind.JAVA && kind != FunctionKind.STATEFUL_CLASS && kind != FunctionKind.KEYED_CLASS)
        {
            return null;
        }
        decoder.wrapAndApplyHeader(frame, offset, headerDecoder);
        decoder.skipName();
        final String className = decoder.entryPoint();
        final byte[] code = new byte[decoder.codeLength()];
        decoder.getCode(code, 0, code.length);
        if (className.isEmpty())
        {
            return "a function registered by class needs the class's name";
        }
        final Class<?> type;
        try
        {
            if (code.length == 0)
            {
                type = Class.forName(className, false, FunctionClassCheck.class.getClassLoader());
            }
            else
            {
                type = Class.forName(className, false, new JarBytesLoader(unpack(code)));
            }
        }
        catch (final ClassNotFoundException ex)
        {
            if (code.length == 0 && !classesShared)
            {
                // The executors may have it on their class path: they say so when they load it.
                return null;
            }
            return "class " + className + " cannot be loaded" + (code.length == 0 ? " from the class path" : " from the shipped code");
        }
        catch (final IOException ex)
        {
            return "the shipped code is not a readable jar: " + ex.getMessage();
        }
        catch (final LinkageError | RuntimeException ex)
        {
            // A malformed class file, a prohibited package name, an entry name that is not UTF-8: bad input, answered.
            return "class " + className + " cannot be loaded: " + ex;
        }
        return notAFunction(type);
    }

    private static String notAFunction(final Class<?> type)
    {
        if (!DropletFunction.class.isAssignableFrom(type) && !KeyedFunction.class.isAssignableFrom(type))
        {
            return type.getName() + " implements neither " + DropletFunction.class.getName() + " nor " +
                KeyedFunction.class.getName();
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()))
        {
            return type.getName() + " is abstract";
        }
        try
        {
            type.getConstructor();
        }
        catch (final NoSuchMethodException | LinkageError ex)
        {
            return type.getName() + " has no public no-argument constructor";
        }
        return null;
    }

    /**
     * @return the jar's class files by binary class name.
     * @throws IOException if it is not a jar, or unpacks to more than {@link #MAX_UNPACKED_BYTES}.
     */
    private static Map<String, byte[]> unpack(final byte[] jar) throws IOException
    {
        final Map<String, byte[]> classes = new HashMap<>();
        final byte[] chunk = new byte[8192];
        long unpacked = 0;
        boolean anyEntry = false;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar)))
        {
            for (ZipEntry entry = zip.getNextEntry(); null != entry; entry = zip.getNextEntry())
            {
                anyEntry = true;
                final boolean isClass = !entry.isDirectory() && entry.getName().endsWith(".class");
                final ByteArrayOutputStream bytes = isClass ? new ByteArrayOutputStream() : null;
                for (int read = zip.read(chunk); read >= 0; read = zip.read(chunk))
                {
                    unpacked += read;
                    if (unpacked > MAX_UNPACKED_BYTES)
                    {
                        throw new IOException("it unpacks to more than " + MAX_UNPACKED_BYTES + " bytes");
                    }
                    if (null != bytes)
                    {
                        bytes.write(chunk, 0, read);
                    }
                }
                if (null != bytes)
                {
                    final String name = entry.getName();
                    classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'), bytes.toByteArray());
                }
            }
        }
        if (!anyEntry)
        {
            throw new IOException("no entries");
        }
        return classes;
    }

    /**
     * Defines classes from a jar's bytes held in memory; everything else from the scheduler's own loader (as
     * an executor's loader of shipped code delegates to its parent first).
     */
    private static final class JarBytesLoader extends ClassLoader
    {
        private final Map<String, byte[]> classes;

        JarBytesLoader(final Map<String, byte[]> classes)
        {
            super("droplet-registration-check", FunctionClassCheck.class.getClassLoader());
            this.classes = classes;
        }

        protected Class<?> findClass(final String name) throws ClassNotFoundException
        {
            final byte[] bytes = classes.get(name);
            if (null == bytes)
            {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
