package io.droplet.executors;

import io.droplet.api.lattice.LatticeCodec;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keyed activation's state loads through the host cache: at once on a hit; on a miss its calls wait for the
 * cache agent's answer (the value then, or no state), a failed or overdue load fails the waiting calls and the
 * next call tries again. The cache agent is played by the test: it fills the cache and answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // the first host cache a JVM opens generates its classes
class KeyedLoadTest
{
    @TempDir
    File directory;

    private HostCache cache;
    private StageFixture fixture;

    @BeforeEach
    void open() throws Exception
    {
        KeyedLaneTest.CALLS.clear();
        cache = new HostCache(new File(directory, "host-cache.dat"), 1000);
        fixture = new StageFixture(cache, new RecordingSends(), 16);
        fixture.functions.install("adder", new KeyedClass(KeyedLaneTest.Adder.class));
        fixture.stage("adder");
    }

    @AfterEach
    void close()
    {
        cache.close();
    }

    @Test
    void aCachedStateLoadsAtOnce()
    {
        cacheLong("adder@a", 41);
        call(1, "a", 1, 0);
        assertTrue(fixture.pool.runQueued());
        fixture.lane.poll();
        assertTrue(fixture.sends.of(Kind.RESULT).isEmpty(), "output commit: the result waits for its state's write");
        assertEquals("adder@a", fixture.sends.of(Kind.CACHE_PUT).get(0).key());
        acknowledgeWrites();
        assertEquals(42, fixture.sends.of(Kind.RESULT).get(0).longValue());
        assertTrue(fixture.sends.of(Kind.CACHE_GET).isEmpty());
    }

    @Test
    void onAMissTheKeysCallsWaitForTheCacheAgent()
    {
        call(1, "b", 1, 0);
        call(2, "b", 1, 0);
        final Sent get = onlyCacheGet("adder@b");
        assertTrue(KeyedActivations.owns(get.correlationId()));
        assertFalse(fixture.pool.runQueued(), "nothing runs before the state is there");

        cacheLong("adder@b", 100);
        fixture.lane.onStateLoaded(get.correlationId());
        assertTrue(fixture.pool.runQueued());
        assertFalse(fixture.pool.runQueued(), "still one at a time");
        fixture.lane.poll();
        assertTrue(fixture.pool.runQueued());
        fixture.lane.poll();
        acknowledgeWrites();
        assertEquals(List.of(101L, 102L), fixture.sends.of(Kind.RESULT).stream().map(Sent::longValue).toList());
    }

    @Test
    void aKeyStorageDoesNotHaveStartsWithNoState()
    {
        call(1, "c", 5, 0);
        fixture.lane.onStateLoaded(onlyCacheGet("adder@c").correlationId());
        assertTrue(fixture.pool.runQueued());
        fixture.lane.poll();
        assertEquals(List.of("c:5:0"), KeyedLaneTest.CALLS);
        acknowledgeWrites();
        assertEquals(5, fixture.sends.of(Kind.RESULT).get(0).longValue());
    }

    @Test
    void aFailedLoadFailsTheWaitingCallsAndTheNextCallTriesAgain()
    {
        call(1, "d", 1, 0);
        fixture.lane.onStateLoadFailed(onlyCacheGet("adder@d").correlationId(), ErrorCode.NOT_CONNECTED);
        assertEquals(ErrorCode.NOT_CONNECTED, fixture.sends.of(Kind.ERROR).get(0).code());
        assertEquals(0, fixture.lane.busy());
        call(2, "d", 1, 0);
        assertEquals(2, fixture.sends.of(Kind.CACHE_GET).size(), "loaded again, never started empty");
    }

    @Test
    void aLoadNotAnsweredBeforeItsCallsDeadlineIsGivenUp()
    {
        final long deadline = fixture.nowNs + 1_000;
        call(1, "e", 1, deadline);
        onlyCacheGet("adder@e");
        fixture.nowNs = deadline + 1;
        assertEquals(1, fixture.lane.expire(1));
        assertEquals(ErrorCode.TIMEOUT, fixture.sends.of(Kind.ERROR).get(0).code());
        assertEquals(0, fixture.lane.busy(), "its run is free again");
    }

    private int acknowledged;

    private void acknowledgeWrites()
    {
        final List<Sent> puts = fixture.sends.of(Kind.CACHE_PUT);
        for (; acknowledged < puts.size(); acknowledged++)
        {
            fixture.commit.onPutResponse(puts.get(acknowledged).correlationId(), ErrorCode.NONE);
        }
    }

    private Sent onlyCacheGet(final String key)
    {
        final List<Sent> gets = fixture.sends.of(Kind.CACHE_GET);
        assertEquals(1, gets.size());
        assertEquals(key, gets.get(0).key());
        return gets.get(0);
    }

    private void call(final long id, final String key, final long delta, final long deadline)
    {
        fixture.trigger(id, 0, 0, deadline, writer -> writer.beginList(2).writeString(key).writeLong(delta).endList());
    }

    private void cacheLong(final String key, final long value)
    {
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[16]);
        final int length = new ValueWriter().wrap(encoded, 0, 16).writeLong(value).encodedLength();
        final UnsafeBuffer lattice = new UnsafeBuffer(new byte[64]);
        final int latticeLength = LatticeCodec.encodeLww(1, 1, encoded, 0, length, lattice, 0, 64);
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        cache.put(new UnsafeBuffer(keyBytes), 0, keyBytes.length, lattice, 0, latticeLength);
    }
}
