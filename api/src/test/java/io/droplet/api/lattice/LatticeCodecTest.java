package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quicktheories.core.Gen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The canonical encoding: round trips, validation of generated, hand-made and mutated encodings, and
 * the in-place {@link LatticeMerger} agreeing byte for byte with the object model.
 */
@Timeout(120)
class LatticeCodecTest
{
    /**
     * Inputs generated per property. QuickTheories runs each distinct input once, and the
     * generators' domains are small on purpose (to force ties): a property over a small domain (BOOL,
     * MAX, one or two LWW or PRIORITY values, pairs of vector clocks) runs all or nearly all of its
     * inputs; the others run thousands of distinct inputs, over 10,000 for most pairs and triples.
     */
    private static final int EXAMPLES = 20_000;

    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void encodingRoundTripsCanonically(final LatticeType type)
    {
        qt().withExamples(EXAMPLES).forAll(LatticeGenerators.of(type)).checkAssert(lattice ->
        {
            final byte[] bytes = LatticeCodec.toBytes(lattice);
            assertEquals(LatticeCodec.encodedLength(lattice), bytes.length);
            assertEquals(type.tag(), bytes[0]);
            final UnsafeBuffer exact = new UnsafeBuffer(bytes);
            assertTrue(LatticeValidator.isValid(exact, 0, bytes.length), "validator accepts the encoding");

            final Lattice decoded = LatticeCodec.decode(exact, 0, bytes.length);
            assertEquals(lattice, decoded);
            assertArrayEquals(bytes, LatticeCodec.toBytes(decoded), "re-encoding gives the same bytes");

            // At an offset, with exactly enough room, and with one byte too few.
            final UnsafeBuffer shifted = new UnsafeBuffer(new byte[bytes.length + 3]);
            assertEquals(bytes.length, LatticeCodec.encode(lattice, shifted, 3, bytes.length));
            assertEquals(lattice, LatticeCodec.decode(shifted, 3, bytes.length));
            assertEquals(-1, LatticeCodec.encode(lattice, shifted, 3, bytes.length - 1));
        });
    }

    /**
     * Equal encodings exactly when equal values: the encoding is canonical.
     */
    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void byteEqualityIsValueEquality(final LatticeType type)
    {
        final Gen<Lattice> gen = LatticeGenerators.of(type);
        qt().withExamples(EXAMPLES).forAll(gen, gen).checkAssert((a, b) ->
            assertEquals(a.equals(b), Arrays.equals(LatticeCodec.toBytes(a), LatticeCodec.toBytes(b))));
    }

    /**
     * The in-place merge gives exactly the bytes of the object merge's encoding, with both inputs in
     * one exactly sized buffer at odd offsets and the output exactly sized too.
     */
    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void inPlaceMergeAgreesWithObjectMerge(final LatticeType type)
    {
        final Gen<Lattice> gen = LatticeGenerators.of(type);
        final LatticeMerger merger = new LatticeMerger();
        qt().withExamples(EXAMPLES).forAll(gen, gen).checkAssert((a, b) ->
        {
            final byte[] expected = LatticeCodec.toBytes(Lattice.merge(a, b));
            final byte[] aBytes = LatticeCodec.toBytes(a);
            final byte[] bBytes = LatticeCodec.toBytes(b);
            final UnsafeBuffer inputs = new UnsafeBuffer(new byte[3 + aBytes.length + bBytes.length]);
            inputs.putBytes(3, aBytes);
            inputs.putBytes(3 + aBytes.length, bBytes);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[5 + expected.length]);

            final int length = merger.merge(
                inputs, 3, aBytes.length, inputs, 3 + aBytes.length, bBytes.length, out, 5, expected.length);
            assertEquals(expected.length, length);
            final byte[] actual = new byte[length];
            out.getBytes(5, actual);
            assertArrayEquals(expected, actual);

            if (expected.length > 1)
            {
                assertEquals(LatticeMerger.TOO_LARGE, merger.merge(
                    inputs, 3, aBytes.length, inputs, 3 + aBytes.length, bBytes.length, out, 5, expected.length - 1));
            }
        });
    }

    /**
     * Truncated or corrupted encodings are rejected, or are canonical encodings of some lattice:
     * they decode without an exception and encode back to the same bytes. The merger never throws
     * on them either.
     */
    @Test
    void mutatedEncodingsAreRejectedOrDecodeCanonically()
    {
        final int[] outcomes = new int[2];
        final LatticeMerger merger = new LatticeMerger();
        qt().withExamples(50_000).forAll(LatticeGenerators.any(), longs().all()).checkAssert((lattice, seed) ->
        {
            final Random random = new Random(seed);
            final byte[] original = LatticeCodec.toBytes(lattice);
            final byte[] mutated;
            if (random.nextBoolean())
            {
                mutated = Arrays.copyOf(original, random.nextInt(original.length + 1));
            }
            else
            {
                mutated = original.clone();
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++)
                {
                    final int index = random.nextInt(mutated.length);
                    // Small changes to lengths and counts are the interesting ones; random bytes the rest.
                    mutated[index] = random.nextBoolean() ?
                        (byte)random.nextInt() : (byte)(mutated[index] + random.nextInt(5) - 2);
                }
            }
            final UnsafeBuffer exact = new UnsafeBuffer(mutated);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * (original.length + mutated.length) + 64]);
            final int merged = merger.merge(
                exact, 0, mutated.length, new UnsafeBuffer(original), 0, original.length, out, 0, out.capacity());
            if (LatticeValidator.isValid(exact, 0, mutated.length))
            {
                final Lattice decoded = LatticeCodec.decode(exact, 0, mutated.length);
                assertArrayEquals(mutated, LatticeCodec.toBytes(decoded), "a valid encoding is canonical");
                assertTrue(merged >= 0 || merged == LatticeMerger.TYPE_MISMATCH, () -> "merge returned " + merged);
                outcomes[0]++;
            }
            else
            {
                assertThrows(IllegalArgumentException.class, () -> LatticeCodec.decode(exact, 0, mutated.length));
                // A causal count raised past the version bound is refused as too large, not as invalid.
                final boolean tooLarge =
                    LatticeValidator.TOO_LARGE == LatticeValidator.validate(exact, 0, mutated.length);
                assertEquals(tooLarge ? LatticeMerger.TOO_LARGE : LatticeMerger.INVALID, merged);
                outcomes[1]++;
            }
        });
        assertTrue(outcomes[0] > 1000 && outcomes[1] > 1000, Arrays.toString(outcomes));
    }

    @Test
    void validatorNeverReadsOutsideTheRangeGiven()
    {
        final byte[] bytes = LatticeCodec.toBytes(MapLattice.of("k", SetLattice.of(new byte[]{1}, new byte[]{2})));
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        assertTrue(LatticeValidator.isValid(buffer, 0, bytes.length));
        final int most = bytes.length + 2;
        qt().withExamples(2_000).forAll(integers().between(-2, most), integers().between(-2, most))
            .checkAssert((offset, length) ->
            {
                final boolean valid = LatticeValidator.isValid(buffer, offset, length);
                if (offset < 0 || length < 0 || offset + length > bytes.length)
                {
                    assertFalse(valid);
                }
                else if (valid)
                {
                    // The whole map, or the set nested inside it.
                    assertTrue(offset == 0 && length == bytes.length || bytes[offset] == LatticeType.SET.tag());
                    LatticeCodec.decode(buffer, offset, length);
                }
            });
    }

    @Test
    void rejectsHandMadeNonCanonicalEncodings()
    {
        // Unknown tag, empty, trailing byte.
        assertInvalid(bytes(0));
        assertInvalid(bytes(11));
        assertInvalid(new byte[0]);
        assertInvalid(concat(LatticeCodec.toBytes(MaxLattice.of(1)), bytes(0)));
        // BOOL other than 0 or 1.
        assertValid(bytes(4, 1));
        assertInvalid(bytes(4, 2));
        // SET out of order, with a duplicate, with a negative count, with a negative length.
        assertValid(set(bytes('a'), bytes('b')));
        assertInvalid(set(bytes('b'), bytes('a')));
        assertInvalid(set(bytes('a'), bytes('a')));
        assertInvalid(concat(bytes(2), le32(-1)));
        assertInvalid(concat(bytes(2), le32(1), le32(-1)));
        // Unsigned order: 0x7F before 0x80; a prefix before the longer string.
        assertValid(set(bytes(0x7F), bytes(0x80)));
        assertInvalid(set(bytes(0x80), bytes(0x7F)));
        assertValid(set(bytes('a'), bytes('a', 0)));
        assertInvalid(set(bytes('a', 0), bytes('a')));
        // VECTOR_CLOCK with a zero counter, a negative counter, node ids out of order.
        assertValid(clock(1, 1, 2, 1));
        assertInvalid(clock(1, 0));
        assertInvalid(clock(1, -1));
        assertInvalid(clock(2, 1, 1, 1));
        assertInvalid(clock(1, 1, 1, 2));
        assertValid(clock(-1, 1, 1, 1));
        // A count far beyond the bytes given.
        assertInvalid(concat(bytes(8), le32(Integer.MAX_VALUE), le64(1), le64(1)));
        // PRIORITY with a NaN other than the canonical one.
        assertValid(concat(bytes(7), le64(0x7ff8000000000000L), le32(0)));
        assertInvalid(concat(bytes(7), le64(0x7ff8000000000001L), le32(0)));
        assertInvalid(concat(bytes(7), le64(0xfff8000000000000L), le32(0)));
        // MAP key not well-formed UTF-8 (overlong '/', a surrogate, above U+10FFFF), a value of unknown type.
        assertValid(map(bytes(0xF0, 0x9D, 0x84, 0x9E), LatticeCodec.toBytes(BoolLattice.TRUE)));
        assertInvalid(map(bytes(0xC0, 0xAF), LatticeCodec.toBytes(BoolLattice.TRUE)));
        assertInvalid(map(bytes(0xED, 0xA0, 0x80), LatticeCodec.toBytes(BoolLattice.TRUE)));
        assertInvalid(map(bytes(0xF4, 0x90, 0x80, 0x80), LatticeCodec.toBytes(BoolLattice.TRUE)));
        assertInvalid(map(bytes('k'), bytes(99)));
        assertInvalid(map(bytes('k'), new byte[0]));
        // SINGLE_KEY_CAUSAL with a dominated version, or versions out of order.
        final byte[] older = concat(clock(1, 1), le32(1), bytes('x'));
        final byte[] newer = concat(clock(1, 2), le32(1), bytes('x'));
        final byte[] concurrent = concat(clock(2, 1), le32(1), bytes('y'));
        assertValid(causal(older, concurrent));
        assertInvalid(causal(concurrent, older));
        assertInvalid(causal(older, newer));
        assertValid(causal(newer));
    }

    @Test
    void mapsNestAtMostSixteenDeep()
    {
        Lattice lattice = MaxLattice.of(7);
        for (int depth = 1; depth <= LatticeValidator.MAX_MAP_DEPTH; depth++)
        {
            lattice = MapLattice.of("m", lattice);
        }
        final byte[] deepest = LatticeCodec.toBytes(lattice);
        assertValid(deepest);
        final Lattice tooDeep = lattice;
        assertThrows(IllegalArgumentException.class, () -> MapLattice.of("m", tooDeep));
        // One more level, built by hand: a map holding the deepest legal map.
        assertInvalid(map(bytes('m'), deepest));
    }

    @Test
    void latticeTypesLookUpByTag()
    {
        for (final LatticeType type : LatticeType.values())
        {
            assertSame(type, LatticeType.ofTag(type.tag()));
        }
        assertNull(LatticeType.ofTag((byte)0));
        assertNull(LatticeType.ofTag((byte)0xFF));
        assertEquals(1, LatticeType.LWW.tag());
        assertEquals(10, LatticeType.MULTI_KEY_CAUSAL.tag());
    }

    private static void assertValid(final byte[] bytes)
    {
        assertTrue(LatticeValidator.isValid(new UnsafeBuffer(bytes), 0, bytes.length), () -> Arrays.toString(bytes));
        assertArrayEquals(bytes, LatticeCodec.toBytes(LatticeCodec.fromBytes(bytes)));
    }

    private static void assertInvalid(final byte[] bytes)
    {
        assertFalse(LatticeValidator.isValid(new UnsafeBuffer(bytes), 0, bytes.length), () -> Arrays.toString(bytes));
        assertThrows(IllegalArgumentException.class, () -> LatticeCodec.fromBytes(bytes));
    }

    static byte[] bytes(final int... values)
    {
        final byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++)
        {
            bytes[i] = (byte)values[i];
        }
        return bytes;
    }

    static byte[] le32(final int value)
    {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    static byte[] le64(final long value)
    {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    static byte[] concat(final byte[]... parts)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (final byte[] part : parts)
        {
            buffer.put(part);
        }
        return buffer.array();
    }

    private static byte[] set(final byte[]... elements)
    {
        byte[] result = concat(bytes(2), le32(elements.length));
        for (final byte[] element : elements)
        {
            result = concat(result, le32(element.length), element);
        }
        return result;
    }

    /**
     * @return a VECTOR_CLOCK encoding of the (node, counter) pairs, in the order given.
     */
    private static byte[] clock(final long... nodeCounterPairs)
    {
        return concat(bytes(8), clockPayload(nodeCounterPairs));
    }

    private static byte[] clockPayload(final long... nodeCounterPairs)
    {
        byte[] result = le32(nodeCounterPairs.length / 2);
        for (final long value : nodeCounterPairs)
        {
            result = concat(result, le64(value));
        }
        return result;
    }

    private static byte[] map(final byte[] key, final byte[] value)
    {
        return concat(bytes(5), le32(1), le32(key.length), key, le32(value.length), value);
    }

    private static byte[] causal(final byte[]... versions)
    {
        byte[] result = concat(bytes(9), le32(versions.length));
        for (final byte[] version : versions)
        {
            // The helpers build versions with a VECTOR_CLOCK tag in front of the clock: drop it.
            result = concat(result, Arrays.copyOfRange(version, 1, version.length));
        }
        return result;
    }
}
