package io.droplet.perf.executors;

import io.droplet.executors.HostCache;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The host cache on its own, as executors and the cache agent use it: get of a cached key into a
 * reused direct buffer (an executor resolving a reference), and put of a 64-byte value (the cache
 * agent following a key), over 10,000 keys in a mapped Chronicle Map file.
 * <p>
 * <b>Note:</b> JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true" })
public class HostCacheBenchmark
{
    private static final int KEYS = 10_000;
    private static final int VALUE_LENGTH = 64;

    private File dir;
    private HostCache cache;
    private final UnsafeBuffer[] keys = new UnsafeBuffer[KEYS];
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private int next;

    /**
     * Opens a cache in a temporary directory and fills every key.
     *
     * @throws IOException if the directory cannot be made.
     */
    @Setup
    public void setup() throws IOException
    {
        dir = Files.createTempDirectory("droplet-host-cache-jmh").toFile();
        cache = new HostCache(new File(dir, "host-cache.dat"), KEYS * 2L);
        for (int k = 0; k < KEYS; k++)
        {
            keys[k] = new UnsafeBuffer(("user:" + k).getBytes(StandardCharsets.US_ASCII));
            put();
        }
    }

    /**
     * Unmaps and deletes the cache.
     */
    @TearDown
    public void tearDown()
    {
        cache.close();
        IoUtil.delete(dir, true);
    }

    /**
     * @return the value's length.
     */
    @Benchmark
    public int get()
    {
        final UnsafeBuffer key = keys[next++ % KEYS];
        return cache.get(key, 0, key.capacity(), out, 0);
    }

    /**
     * @return the key's length.
     */
    @Benchmark
    public int put()
    {
        final UnsafeBuffer key = keys[next++ % KEYS];
        value.putByte(0, (byte)next);
        cache.put(key, 0, key.capacity(), value, 0, VALUE_LENGTH);
        return key.capacity();
    }
}
