package io.droplet.executors;

import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.ring.KeySummary;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The host cache stores from its storage nodes only valid lattices of the type it holds for the key, merged into
 * what it holds; what it refuses is counted and leaves the cached value as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // the first host cache a JVM opens generates its classes
class CacheAdmissionTest
{
    private static final int MAX_MESSAGE = 64 * 1024;

    @TempDir
    File directory;

    private HostCache cache;
    private final AtomicCounter rejected = new AtomicCounter(new UnsafeBuffer(ByteBuffer.allocateDirect(128)), 0);
    private CacheAdmission admission;
    private final UnsafeBuffer key = new UnsafeBuffer("hk/innocent".getBytes(StandardCharsets.UTF_8));

    @BeforeEach
    void open()
    {
        cache = new HostCache(new File(directory, "host-cache.dat"), 1000);
        admission = new CacheAdmission(cache, rejected, MAX_MESSAGE);
    }

    @AfterEach
    void close()
    {
        cache.close();
    }

    private static UnsafeBuffer lww(final long timestamp, final byte... value)
    {
        return new UnsafeBuffer(LatticeCodec.toBytes(new LwwLattice(timestamp, 1, value)));
    }

    private byte[] cached()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[MAX_MESSAGE]);
        final int length = cache.get(key, 0, key.capacity(), out, 0);
        final byte[] bytes = new byte[Math.max(0, length)];
        out.getBytes(0, bytes);
        return length < 0 ? null : bytes;
    }

    private int store(final DirectBuffer value)
    {
        return admission.store(key, 0, key.capacity(), value, 0, value.capacity());
    }

    @Test
    void anLwwWhoseLengthFieldLiesIsRejectedAndCounted()
    {
        final UnsafeBuffer lying = lww(5, new byte[9]);
        lying.putInt(1 + 8 + 8, 60_000, ByteOrder.LITTLE_ENDIAN);

        assertEquals(CacheAdmission.REJECTED, store(lying));
        assertEquals(null, cached(), "nothing stored");
        assertEquals(1, rejected.get());

        final UnsafeBuffer valid = lww(5, (byte)1);
        assertEquals(valid.capacity(), store(valid));
        assertEquals(CacheAdmission.REJECTED, store(lying), "nor over a valid value");
        assertArrayEquals(LatticeCodec.toBytes(new LwwLattice(5, 1, new byte[]{ 1 })), cached());
        assertEquals(2, rejected.get());
    }

    @Test
    void anUpdateOfAnotherTypeThanTheCachedOneIsRejected()
    {
        store(lww(5, (byte)1));
        final UnsafeBuffer max = new UnsafeBuffer(LatticeCodec.toBytes(new MaxLattice(666)));

        assertEquals(CacheAdmission.REJECTED, store(max));
        assertArrayEquals(LatticeCodec.toBytes(new LwwLattice(5, 1, new byte[]{ 1 })), cached(), "still the LWW");
        assertEquals(1, rejected.get());
    }

    @Test
    void anUpdateIsMergedSoAnOlderOneNeverTakesTheCacheBack()
    {
        store(lww(7, (byte)7));
        store(lww(3, (byte)3));
        assertArrayEquals(LatticeCodec.toBytes(new LwwLattice(7, 1, new byte[]{ 7 })), cached());
        store(lww(9, (byte)9));
        assertArrayEquals(LatticeCodec.toBytes(new LwwLattice(9, 1, new byte[]{ 9 })), cached());
        assertEquals(0, rejected.get());
    }

    @Test
    void aFetchedValueThatIsNoLatticeIsNotCachedAndItsWaitersAreToldMalformed()
    {
        final List<String> calls = new ArrayList<>();
        final CacheStorage storage = new CacheStorage()
        {
            public long fetch(final DirectBuffer key, final int keyOffset, final int keyLength)
            {
                return 100;
            }

            public long put(final DirectBuffer k, final int ko, final int kl, final DirectBuffer l, final int lo, final int ll)
            {
                return 101;
            }

            public void follow(final DirectBuffer key, final int keyOffset, final int keyLength)
            {
                calls.add("follow");
            }
        };
        final CacheAnswers answers = new CacheAnswers()
        {
            public int answerGet(
                final long executor, final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength,
                final DirectBuffer value, final int valueLength)
            {
                calls.add("answer " + valueLength);
                return 0;
            }

            public int answerPut(final long executor, final long correlationId, final ErrorCode code)
            {
                return 0;
            }

            public int error(final long executor, final long correlationId, final ErrorCode code, final String detail)
            {
                calls.add("error " + code);
                return 0;
            }
        };
        final KeyFetches fetches = new KeyFetches(cache, admission, storage, answers, new byte[KeySummary.BYTES], MAX_MESSAGE);
        fetches.onMiss(10, 1, key, 0, key.capacity());
        final UnsafeBuffer lying = lww(5, new byte[9]);
        lying.putInt(1 + 8 + 8, 60_000, ByteOrder.LITTLE_ENDIAN);
        fetches.onFetched(100, true, lying, 0, lying.capacity());

        assertEquals(List.of("error MALFORMED"), calls);
        assertEquals(null, cached());
        assertEquals(1, rejected.get());
        assertEquals(0, fetches.waiting());
    }
}
