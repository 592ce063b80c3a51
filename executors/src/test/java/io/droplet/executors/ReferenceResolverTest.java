package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueType;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.executors.RecordingSends.Kind;
import io.droplet.executors.RecordingSends.Sent;
import io.droplet.api.lattice.LatticeCodec;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trigger whose reference misses the host cache is parked, asks the cache agent, and runs when the
 * answer comes; it fails with the cache's error, or with TIMEOUT at its deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // the first host cache a JVM opens generates its classes
class ReferenceResolverTest
{
    @TempDir
    File directory;

    private HostCache cache;
    private StageFixture fixture;
    private final List<String> seen = new ArrayList<>();

    @BeforeEach
    void open()
    {
        cache = new HostCache(new File(directory, "host-cache.dat"), 1000);
        fixture = new StageFixture(cache);
        fixture.functions.install("read", invocation ->
        {
            final ValueType type = invocation.args().type();
            final String arg = type == ValueType.NULL ? "null" : Long.toString(invocation.args().readLong());
            seen.add(arg);
            invocation.result().writeString("got " + arg);
        });
        fixture.stage("read");
    }

    @AfterEach
    void close()
    {
        cache.close();
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

    private void triggerWithReference(final long invocation, final long deadline)
    {
        fixture.trigger(invocation, 0, 0, deadline, writer -> writer.beginList(1).writeReference("k").endList());
    }

    private Sent onlyCacheGet()
    {
        final List<Sent> gets = fixture.sends.of(Kind.CACHE_GET);
        assertEquals(1, gets.size());
        assertEquals("k", gets.get(0).key());
        return gets.get(0);
    }

    @Test
    void aCachedReferenceIsResolvedWithoutParking()
    {
        cacheLong("k", 42);
        triggerWithReference(1, 0);

        assertEquals(List.of("42"), seen);
        assertEquals(0, fixture.resolver.parked());
        assertTrue(fixture.sends.of(Kind.CACHE_GET).isEmpty());
        assertEquals("got 42", fixture.sends.of(Kind.RESULT).get(0).stringValue());
    }

    @Test
    void aMissParksTheTriggerUntilTheCacheAnswers()
    {
        triggerWithReference(1, 0);

        assertTrue(seen.isEmpty(), "the stage does not run on a miss");
        assertEquals(1, fixture.resolver.parked());
        final Sent get = onlyCacheGet();
        assertTrue(fixture.sends.of(Kind.RESULT).isEmpty());

        // The cache agent fetched the key into the host cache, then answered.
        cacheLong("k", 7);
        fixture.runner.onCacheAnswer(get.correlationId(), ErrorCode.NONE);

        assertEquals(List.of("7"), seen);
        assertEquals(0, fixture.resolver.parked());
        final List<Sent> results = fixture.sends.of(Kind.RESULT);
        assertEquals(1, results.size());
        assertEquals(1, results.get(0).correlationId());
        assertEquals("got 7", results.get(0).stringValue());

        fixture.runner.onCacheAnswer(get.correlationId(), ErrorCode.NONE);
        assertEquals(1, seen.size(), "a second answer finds nothing parked");
    }

    @Test
    void aKeyTheStorageDoesNotHoldReadsAsNull()
    {
        triggerWithReference(1, 0);
        fixture.runner.onCacheAnswer(onlyCacheGet().correlationId(), ErrorCode.KEY_NOT_FOUND);

        assertEquals(List.of("null"), seen);
        assertEquals("got null", fixture.sends.of(Kind.RESULT).get(0).stringValue());
    }

    @Test
    void parkedTriggersAreKeptApart()
    {
        triggerWithReference(1, 0);
        triggerWithReference(2, 0);
        final List<Sent> gets = fixture.sends.of(Kind.CACHE_GET);
        assertEquals(2, gets.size());
        assertEquals(2, fixture.resolver.parked());

        cacheLong("k", 5);
        fixture.runner.onCacheAnswer(gets.get(1).correlationId(), ErrorCode.NONE);
        assertEquals(2, fixture.sends.of(Kind.RESULT).get(0).correlationId(), "the answered one runs");
        assertEquals(1, fixture.resolver.parked());
    }

    @Test
    void aCacheErrorFailsTheParkedTriggerWithItsCode()
    {
        triggerWithReference(3, 0);
        fixture.runner.onCacheError(onlyCacheGet().correlationId(), ErrorCode.NOT_CONNECTED);

        assertTrue(seen.isEmpty());
        final List<Sent> errors = fixture.sends.of(Kind.ERROR);
        assertEquals(1, errors.size());
        assertEquals(ErrorCode.NOT_CONNECTED, errors.get(0).code());
        assertEquals(StageFixture.CALLER, errors.get(0).destination());
        assertEquals(3, errors.get(0).correlationId());
        assertEquals(0, fixture.resolver.parked());
    }

    @Test
    void aParkedTriggerFailsWithTimeoutAtItsDeadline()
    {
        final long deadline = fixture.nowNs + TimeUnit.MILLISECONDS.toNanos(50);
        triggerWithReference(4, deadline);
        final Sent get = onlyCacheGet();

        assertEquals(0, fixture.resolver.expire(deadline), "not before its deadline");
        assertTrue(fixture.sends.of(Kind.ERROR).isEmpty());

        assertEquals(1, fixture.resolver.expire(deadline + 1));
        final List<Sent> errors = fixture.sends.of(Kind.ERROR);
        assertEquals(1, errors.size());
        assertEquals(ErrorCode.TIMEOUT, errors.get(0).code());
        assertEquals(4, errors.get(0).correlationId());
        assertEquals(0, fixture.resolver.parked());
        assertEquals(1, fixture.counters.stagesFailed.get());

        cacheLong("k", 1);
        fixture.runner.onCacheAnswer(get.correlationId(), ErrorCode.NONE);
        assertTrue(seen.isEmpty(), "an answer after expiry runs nothing");
        assertTrue(fixture.sends.of(Kind.RESULT).isEmpty());
    }

    @Test
    void aNestedReferenceIsResolvedInPlace()
    {
        cacheLong("k", 11);
        fixture.functions.install("nested", invocation ->
        {
            final int count = invocation.args().enterList();
            invocation.result().writeLong(count * 1000 + invocation.args().readLong());
        });
        final StageFixture nested = fixture;
        nested.schedule.reset(new UnsafeBuffer("nested".getBytes(StandardCharsets.UTF_8)));
        nested.schedule.addStage(StageFixture.EXECUTOR, 0, 6);
        nested.trigger(1, 0, 0, 0, writer -> writer.beginList(1).beginList(1).writeReference("k").endList().endList());

        assertEquals(1011, fixture.sends.of(Kind.RESULT).get(0).longValue());
    }

    @Test
    void parkedTriggersPastTheirCountAreRefusedNoResources()
    {
        final StageFixture bounded = new StageFixture(cache, new RecordingSends(), -1, 0, new ExecutorBounds().parkedTriggers(2));
        bounded.functions.install("read", invocation -> invocation.result().writeNull());
        bounded.stage("read");
        for (int i = 1; i <= 3; i++)
        {
            bounded.trigger(i, 0, 0, 0, writer -> writer.beginList(1).writeReference("k").endList());
        }

        assertEquals(2, bounded.resolver.parked());
        final List<Sent> errors = bounded.sends.of(Kind.ERROR);
        assertEquals(1, errors.size());
        assertEquals(ErrorCode.NO_RESOURCES, errors.get(0).code());
        assertEquals(3, errors.get(0).correlationId());
        assertEquals(1, bounded.counters.triggersParkRefused.get());
        assertEquals(2, bounded.sends.of(Kind.CACHE_GET).size(), "the refused trigger asks the cache nothing");
    }

    @Test
    void parkedTriggersPastTheirBytesAreRefusedAndTheBytesAreGivenBack()
    {
        final StageFixture bounded = new StageFixture(cache, new RecordingSends(), -1, 0, new ExecutorBounds().parkedBytes(300));
        bounded.functions.install("read", invocation -> invocation.result().writeNull());
        bounded.stage("read");
        final byte[] padding = new byte[200];
        bounded.trigger(1, 0, 0, 0, writer -> writer.beginList(2).writeReference("k").writeBytes(padding, 0, 200).endList());
        bounded.trigger(2, 0, 0, 0, writer -> writer.beginList(2).writeReference("k").writeBytes(padding, 0, 200).endList());

        assertEquals(1, bounded.resolver.parked());
        assertTrue(bounded.resolver.parkedBytes() > 200);
        assertEquals(ErrorCode.NO_RESOURCES, bounded.sends.of(Kind.ERROR).get(0).code());

        bounded.runner.onCacheError(bounded.sends.of(Kind.CACHE_GET).get(0).correlationId(), ErrorCode.NOT_CONNECTED);
        assertEquals(0, bounded.resolver.parkedBytes());
        bounded.trigger(3, 0, 0, 0, writer -> writer.beginList(2).writeReference("k").writeBytes(padding, 0, 200).endList());
        assertEquals(1, bounded.resolver.parked(), "room again once the parked one left");
    }

    @Test
    void aCachedValueWhoseLengthLiesIsNeverReadPast()
    {
        // Another key's long value is read first, so it is left in the resolver's buffer past a short value.
        final byte[] secret = new byte[64];
        java.util.Arrays.fill(secret, (byte)'S');
        final UnsafeBuffer secretLattice = new UnsafeBuffer(new byte[128]);
        final int secretLength = LatticeCodec.encodeLww(1, 1, new UnsafeBuffer(secret), 0, secret.length, secretLattice, 0, 128);
        final byte[] secretKey = "secret".getBytes(StandardCharsets.UTF_8);
        cache.put(new UnsafeBuffer(secretKey), 0, secretKey.length, secretLattice, 0, secretLength);

        // An LWW whose length field says 60,000 while it holds 9 bytes: put straight into the map, past any check.
        final UnsafeBuffer lying = new UnsafeBuffer(new byte[64]);
        final int lyingLength = LatticeCodec.encodeLww(1, 1, new UnsafeBuffer(new byte[9]), 0, 9, lying, 0, 64);
        lying.putInt(1 + 8 + 8, 60_000, java.nio.ByteOrder.LITTLE_ENDIAN);
        final byte[] innocent = "innocent".getBytes(StandardCharsets.UTF_8);
        cache.put(new UnsafeBuffer(innocent), 0, innocent.length, lying, 0, lyingLength);

        final List<byte[]> echoed = new ArrayList<>();
        fixture.functions.install("echo", invocation ->
        {
            final io.droplet.codecs.value.ValueReader reader = invocation.args();
            final byte[] bytes = new byte[reader.type() == ValueType.BYTES ? reader.payloadLength() : 0];
            if (bytes.length > 0)
            {
                reader.readPayload(new UnsafeBuffer(bytes), 0);
            }
            echoed.add(bytes);
            invocation.result().writeNull();
        });
        fixture.schedule.reset(new UnsafeBuffer("echo".getBytes(StandardCharsets.UTF_8)));
        fixture.schedule.addStage(StageFixture.EXECUTOR, 0, 4);
        fixture.trigger(1, 0, 0, 0, writer -> writer.beginList(1).writeReference("secret").endList());
        fixture.trigger(2, 0, 0, 0, writer -> writer.beginList(1).writeReference("innocent").endList());

        assertEquals(2, echoed.size());
        assertEquals(lyingLength, echoed.get(1).length, "the value as it is stored, nothing past it");
        for (final byte b : echoed.get(1))
        {
            assertTrue(b != 'S', "no byte of the other key's value");
        }
    }
}
