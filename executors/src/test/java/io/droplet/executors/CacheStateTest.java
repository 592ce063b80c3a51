package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.store.ring.KeySummary;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host cache agent's state machines, with a recording storage and recording answers: misses of one
 * key fetched once for every waiter, and writes merged into the cache and acknowledged once the
 * primary has them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // the first host cache a JVM opens generates its classes
class CacheStateTest
{
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static File file;
    private static HostCache cache;

    private final List<String> calls = new ArrayList<>();
    private final List<byte[]> answeredValues = new ArrayList<>();
    private final byte[] summary = new byte[KeySummary.BYTES];
    private long nextRequest = 100;
    private boolean storageDown;
    private final String key = "key-" + KEYS.incrementAndGet();
    private final AtomicCounter rejected = new AtomicCounter(new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(128)), 0);

    private final CacheStorage storage = new CacheStorage()
    {
        public long fetch(final DirectBuffer key, final int keyOffset, final int keyLength)
        {
            calls.add("fetch " + key.getStringWithoutLengthUtf8(keyOffset, keyLength));
            return storageDown ? -1 : nextRequest++;
        }

        public long put(
            final DirectBuffer key, final int keyOffset, final int keyLength,
            final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
        {
            calls.add("put " + key.getStringWithoutLengthUtf8(keyOffset, keyLength));
            return storageDown ? -1 : nextRequest++;
        }

        public void follow(final DirectBuffer key, final int keyOffset, final int keyLength)
        {
            calls.add("follow " + key.getStringWithoutLengthUtf8(keyOffset, keyLength));
        }
    };

    private final CacheAnswers answers = new CacheAnswers()
    {
        public int answerGet(
            final long executor, final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength,
            final DirectBuffer value, final int valueLength)
        {
            calls.add("answer " + executor + "/" + correlationId + " " + key.getStringWithoutLengthUtf8(keyOffset, keyLength) +
                (valueLength < 0 ? " absent" : " found"));
            final byte[] bytes = new byte[Math.max(0, valueLength)];
            value.getBytes(0, bytes);
            answeredValues.add(bytes);
            return 0;
        }

        public int answerPut(final long executor, final long correlationId, final ErrorCode code)
        {
            calls.add("put answer " + executor + "/" + correlationId + " " + code);
            return 0;
        }

        public int error(final long executor, final long correlationId, final ErrorCode code, final String detail)
        {
            calls.add("error " + executor + "/" + correlationId + " " + code);
            return 0;
        }
    };

    @BeforeAll
    static void open() throws IOException
    {
        file = Files.createTempFile("cache-state-", ".dat").toFile();
        Files.delete(file.toPath());
        cache = new HostCache(file, 1000);
    }

    @AfterAll
    static void close()
    {
        cache.close();
        file.delete();
    }

    private UnsafeBuffer keyBuffer()
    {
        return new UnsafeBuffer(key.getBytes(StandardCharsets.UTF_8));
    }

    private static UnsafeBuffer lww(final long timestamp, final byte... value)
    {
        return new UnsafeBuffer(LatticeCodec.toBytes(new LwwLattice(timestamp, 1, value)));
    }

    @Test
    void missesOfOneKeyAreFetchedOnceAndEveryWaiterIsAnswered()
    {
        final KeyFetches fetches = new KeyFetches(cache, new CacheAdmission(cache, rejected, 4096), storage, answers, summary, 4096);
        final UnsafeBuffer keyBuffer = keyBuffer();
        fetches.onMiss(10, 1, keyBuffer, 0, keyBuffer.capacity());
        fetches.onMiss(11, 2, keyBuffer, 0, keyBuffer.capacity());
        assertEquals(List.of("fetch " + key), calls, "one fetch for both waiters");
        assertEquals(1, fetches.waiting());
        assertEquals(1, fetches.fetching());

        final UnsafeBuffer value = lww(5, (byte)42);
        assertTrue(fetches.onFetched(100, true, value, 0, value.capacity()));

        assertEquals(List.of("fetch " + key, "follow " + key, "answer 10/1 " + key + " found", "answer 11/2 " + key + " found"), calls);
        assertArrayEquals(LatticeCodec.toBytes(new LwwLattice(5, 1, new byte[]{ 42 })), answeredValues.get(1));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        assertEquals(value.capacity(), cache.get(keyBuffer, 0, keyBuffer.capacity(), out, 0), "cached for the executors to read");
        assertFalse(Arrays.equals(new byte[KeySummary.BYTES], summary), "announced in the key summary");
        assertEquals(0, fetches.waiting());
        assertFalse(fetches.onFetched(100, true, value, 0, value.capacity()), "answered once");
    }

    @Test
    void aKeyCachedMeanwhileIsAnsweredWithoutAFetch()
    {
        final KeyFetches fetches = new KeyFetches(cache, new CacheAdmission(cache, rejected, 4096), storage, answers, summary, 4096);
        final UnsafeBuffer keyBuffer = keyBuffer();
        final UnsafeBuffer value = lww(1, (byte)7);
        cache.put(keyBuffer, 0, keyBuffer.capacity(), value, 0, value.capacity());

        fetches.onMiss(10, 3, keyBuffer, 0, keyBuffer.capacity());
        assertEquals(List.of("answer 10/3 " + key + " found"), calls);
    }

    @Test
    void anAbsentKeyIsAnsweredAsAbsent()
    {
        final KeyFetches fetches = new KeyFetches(cache, new CacheAdmission(cache, rejected, 4096), storage, answers, summary, 4096);
        final UnsafeBuffer keyBuffer = keyBuffer();
        fetches.onMiss(10, 4, keyBuffer, 0, keyBuffer.capacity());
        fetches.onFetched(100, false, keyBuffer, 0, 0);

        assertEquals("answer 10/4 " + key + " absent", calls.get(calls.size() - 1));
        assertEquals(HostCache.MISSING, cache.get(keyBuffer, 0, keyBuffer.capacity(), new UnsafeBuffer(new byte[64]), 0));
    }

    @Test
    void aFailedFetchFailsEveryWaiter()
    {
        final KeyFetches fetches = new KeyFetches(cache, new CacheAdmission(cache, rejected, 4096), storage, answers, summary, 4096);
        final UnsafeBuffer keyBuffer = keyBuffer();
        fetches.onMiss(10, 5, keyBuffer, 0, keyBuffer.capacity());
        fetches.onMiss(11, 6, keyBuffer, 0, keyBuffer.capacity());

        assertTrue(fetches.onFetchFailed(100, ErrorCode.TIMEOUT));
        assertEquals(List.of("fetch " + key, "error 10/5 TIMEOUT", "error 11/6 TIMEOUT"), calls);
        assertEquals(0, fetches.waiting());
    }

    @Test
    void aFetchThatCannotBeSentFailsAtOnce()
    {
        storageDown = true;
        final KeyFetches fetches = new KeyFetches(cache, new CacheAdmission(cache, rejected, 4096), storage, answers, summary, 4096);
        final UnsafeBuffer keyBuffer = keyBuffer();
        fetches.onMiss(10, 7, keyBuffer, 0, keyBuffer.capacity());

        assertEquals(List.of("fetch " + key, "error 10/7 NOT_CONNECTED"), calls);
        assertEquals(0, fetches.waiting());
    }

    @Test
    void aWriteIsCachedAtOnceAndAcknowledgedWhenThePrimaryHasIt()
    {
        final CacheWrites writes = new CacheWrites(cache, storage, answers, summary, 4096, 4096);
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        frame.putBytes(0, keyBytes);
        final UnsafeBuffer older = lww(1, (byte)1);
        final UnsafeBuffer newer = lww(2, (byte)2);
        cache.put(frame, 0, keyBytes.length, newer, 0, newer.capacity());
        frame.putBytes(keyBytes.length, older, 0, older.capacity());

        writes.onPut(33, 10, frame, 0, keyBytes.length, keyBytes.length, older.capacity());

        assertEquals(List.of("put " + key, "follow " + key), calls, "no acknowledgement before the primary's");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int length = cache.get(frame, 0, keyBytes.length, out, 0);
        assertEquals(LatticeCodec.decode(newer, 0, newer.capacity()), LatticeCodec.decode(out, 0, length),
            "merged: the later write stays");
        assertEquals(1, writes.pending());

        assertTrue(writes.onAcknowledged(100));
        assertEquals("put answer 10/33 NONE", calls.get(calls.size() - 1));
        assertEquals(0, writes.pending());
        assertFalse(writes.onAcknowledged(100));
    }

    @Test
    void aWriteThePrimaryRefusesIsAnsweredWithTheCode()
    {
        final CacheWrites writes = new CacheWrites(cache, storage, answers, summary, 4096, 4096);
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        frame.putBytes(0, keyBytes);
        final UnsafeBuffer value = lww(1, (byte)1);
        frame.putBytes(keyBytes.length, value, 0, value.capacity());

        writes.onPut(34, 10, frame, 0, keyBytes.length, keyBytes.length, value.capacity());
        assertTrue(writes.onFailed(100, ErrorCode.TIMEOUT));
        assertEquals("put answer 10/34 TIMEOUT", calls.get(calls.size() - 1));
    }

    @Test
    void aWriteThatIsNoLatticeOrCannotReachThePrimaryIsRefusedAtOnce()
    {
        final CacheWrites writes = new CacheWrites(cache, storage, answers, summary, 4096, 4096);
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        frame.putBytes(0, keyBytes);
        frame.putByte(keyBytes.length, (byte)0x7F);

        writes.onPut(35, 10, frame, 0, keyBytes.length, keyBytes.length, 1);
        assertTrue(calls.contains("put answer 10/35 INVALID_ARGUMENT"));

        storageDown = true;
        final UnsafeBuffer value = lww(1, (byte)1);
        frame.putBytes(keyBytes.length, value, 0, value.capacity());
        writes.onPut(36, 10, frame, 0, keyBytes.length, keyBytes.length, value.capacity());
        assertTrue(calls.contains("put answer 10/36 NOT_CONNECTED"));
        assertEquals(0, writes.pending());
    }
}
