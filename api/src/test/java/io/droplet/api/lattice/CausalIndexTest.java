package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import static io.droplet.api.lattice.LatticeGenerators.between;
import static io.droplet.api.lattice.LatticeGenerators.pick;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/**
 * The indexed antichain check and causal merge against the pairwise ones they replace
 * ({@link QuadraticLatticeValidator}, {@link QuadraticLatticeMerger}): on generated encodings, valid
 * or not, the validator accepts exactly what the reference accepts, and the merger gives the same
 * status and the same bytes; and the merges of encoded causal values keep the laws.
 * <p>
 * Raw causal encodings are generated here rather than through the object model, which only builds
 * antichains: versions over few nodes with small counters, sorted and without duplicates, so that
 * dominated versions (which both checks must refuse), equal clocks and clocks differing in one entry
 * are frequent; node ids include negatives and ids whose hashed node bits collide.
 */
@Timeout(120)
class CausalIndexTest
{
    private static final int EXAMPLES = 10_000;
    /** Node ids: negatives check the signed order, and 64 apart many share a hashed bit. */
    private static final long[] NODES = {-5, 1, 2, 3, 65, 129, Long.MAX_VALUE};
    private static final String[] DEPENDENCY_KEYS = {"k", "l"};

    private final LatticeMerger merger = new LatticeMerger();
    private final QuadraticLatticeMerger reference = new QuadraticLatticeMerger();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[64 * 1024]);
    private final UnsafeBuffer expected = new UnsafeBuffer(new byte[64 * 1024]);

    @ParameterizedTest
    @EnumSource(value = LatticeType.class, names = {"SINGLE_KEY_CAUSAL", "MULTI_KEY_CAUSAL"})
    void acceptsExactlyWhatThePairwiseCheckAccepts(final LatticeType type)
    {
        final int[] outcomes = new int[2];
        qt().withExamples(EXAMPLES).forAll(rawCausal(type)).checkAssert(bytes ->
        {
            final boolean valid = LatticeValidator.isValid(new UnsafeBuffer(bytes), 0, bytes.length);
            assertEquals(QuadraticLatticeValidator.isValid(new UnsafeBuffer(bytes), 0, bytes.length), valid,
                () -> Arrays.toString(bytes));
            outcomes[valid ? 0 : 1]++;
        });
        // Both answers are frequent, so the property says something about each.
        assertTrue(outcomes[0] > 500 && outcomes[1] > 500, Arrays.toString(outcomes));
    }

    /**
     * Every type, valid encodings with one byte changed or the length cut: the same answers.
     */
    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void mutatedEncodingsGetTheSameAnswer(final LatticeType type)
    {
        final Gen<byte[]> encodings = LatticeGenerators.of(type).map(LatticeCodec::toBytes);
        qt().withExamples(EXAMPLES).forAll(encodings, mutation()).checkAssert((bytes, mutation) ->
        {
            final byte[] mutated = mutation.apply(bytes);
            final UnsafeBuffer buffer = new UnsafeBuffer(mutated);
            assertEquals(QuadraticLatticeValidator.isValid(buffer, 0, mutated.length),
                LatticeValidator.isValid(buffer, 0, mutated.length), () -> Arrays.toString(mutated));
        });
    }

    @ParameterizedTest
    @EnumSource(value = LatticeType.class, names = {"SINGLE_KEY_CAUSAL", "MULTI_KEY_CAUSAL"})
    void rawCausalMutationsGetTheSameAnswer(final LatticeType type)
    {
        qt().withExamples(EXAMPLES).forAll(rawCausal(type), mutation()).checkAssert((bytes, mutation) ->
        {
            final byte[] mutated = mutation.apply(bytes);
            final UnsafeBuffer buffer = new UnsafeBuffer(mutated);
            assertEquals(QuadraticLatticeValidator.isValid(buffer, 0, mutated.length),
                LatticeValidator.isValid(buffer, 0, mutated.length), () -> Arrays.toString(mutated));
        });
    }

    /**
     * Every type (maps hold causal values), and raw causal encodings whether valid or not: the same
     * status and bytes as the pairwise merger, into a roomy output and into one a byte too small.
     */
    @ParameterizedTest
    @EnumSource(LatticeType.class)
    void mergesAreUnchanged(final LatticeType type)
    {
        final Gen<byte[]> encodings = type == LatticeType.SINGLE_KEY_CAUSAL || type == LatticeType.MULTI_KEY_CAUSAL ?
            rawCausal(type) : LatticeGenerators.of(type).map(LatticeCodec::toBytes);
        qt().withExamples(EXAMPLES).forAll(encodings, encodings).checkAssert((a, b) ->
        {
            final int length = assertSameMerge(a, b, out.capacity());
            if (length > 0)
            {
                assertSameMerge(a, b, length - 1);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = LatticeType.class, names = {"SINGLE_KEY_CAUSAL", "MULTI_KEY_CAUSAL"})
    void encodedCausalMergesKeepTheLaws(final LatticeType type)
    {
        // Raw encodings are seldom antichains; the object model's always are.
        final Gen<byte[]> valid = LatticeGenerators.of(type).map(LatticeCodec::toBytes);
        qt().withExamples(EXAMPLES).forAll(valid, valid, valid).checkAssert((a, b, c) ->
        {
            assertArrayEquals(a, merge(a, a), "idempotent");
            assertArrayEquals(merge(a, b), merge(b, a), "commutative");
            assertArrayEquals(merge(merge(a, b), c), merge(a, merge(b, c)), "associative");
        });
    }

    private int assertSameMerge(final byte[] a, final byte[] b, final int capacity)
    {
        final UnsafeBuffer aBuffer = new UnsafeBuffer(a);
        final UnsafeBuffer bBuffer = new UnsafeBuffer(b);
        final int want = reference.merge(aBuffer, 0, a.length, bBuffer, 0, b.length, expected, 0, capacity);
        final int got = merger.merge(aBuffer, 0, a.length, bBuffer, 0, b.length, out, 0, capacity);
        assertEquals(want, got, () -> Arrays.toString(a) + " + " + Arrays.toString(b) + " in " + capacity);
        if (want > 0)
        {
            final byte[] wantBytes = new byte[want];
            final byte[] gotBytes = new byte[got];
            expected.getBytes(0, wantBytes);
            out.getBytes(0, gotBytes);
            assertArrayEquals(wantBytes, gotBytes);
        }
        return want;
    }

    private byte[] merge(final byte[] a, final byte[] b)
    {
        final int length = merger.merge(new UnsafeBuffer(a), 0, a.length, new UnsafeBuffer(b), 0, b.length, out, 0, out.capacity());
        if (length < 0)
        {
            throw new AssertionError("merge failed with " + length);
        }
        final byte[] merged = new byte[length];
        out.getBytes(0, merged);
        return merged;
    }

    @Test
    void theIssuesValueIsRefusedOnItsCount()
    {
        final int versions = 10_922;
        final ByteBuffer value = ByteBuffer.allocate(5 + versions * 24).order(ByteOrder.LITTLE_ENDIAN);
        value.put(LatticeType.SINGLE_KEY_CAUSAL.tag()).putInt(versions);
        for (int i = 0; i < versions; i++)
        {
            value.putInt(1).putLong(Long.reverseBytes(i + 1L)).putLong(1).putInt(0);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(value.array());
        assertEquals(262_133, buffer.capacity());
        assertEquals(LatticeValidator.TOO_LARGE, LatticeValidator.validate(buffer, 0, buffer.capacity()));
        assertEquals(LatticeMerger.TOO_LARGE, merger.merge(buffer, 0, buffer.capacity(), buffer, 0, buffer.capacity(), out, 0, out.capacity()));
        // Within the version bound the same shape is valid, as it always was.
        buffer.putInt(1, LatticeValidator.MAX_CAUSAL_VERSIONS, ByteOrder.LITTLE_ENDIAN);
        final int length = 5 + LatticeValidator.MAX_CAUSAL_VERSIONS * 24;
        assertEquals(LatticeValidator.VALID, LatticeValidator.validate(buffer, 0, length));
        assertEquals(QuadraticLatticeValidator.isValid(buffer, 0, length), LatticeValidator.isValid(buffer, 0, length));
    }

    @Test
    void versionsTimesClockEntriesIsBounded()
    {
        // 64 versions of 17 entries: 63 x 1,088 = 68,544 is past 65,536; 16 entries (63 x 1,024 = 64,512) is not.
        final byte[] over = LatticeCodec.toBytes(concurrentVersions(64, 17));
        final byte[] within = LatticeCodec.toBytes(concurrentVersions(64, 16));
        assertEquals(LatticeValidator.TOO_LARGE, LatticeValidator.validate(new UnsafeBuffer(over), 0, over.length));
        assertEquals(LatticeValidator.VALID, LatticeValidator.validate(new UnsafeBuffer(within), 0, within.length));
        assertEquals(LatticeMerger.TOO_LARGE, merger.merge(
            new UnsafeBuffer(over), 0, over.length, new UnsafeBuffer(within), 0, within.length, out, 0, out.capacity()));
        // One version has no pairs to compare: any clock the value's size allows.
        final byte[] lone = LatticeCodec.toBytes(concurrentVersions(1, 3_000));
        assertEquals(LatticeValidator.VALID, LatticeValidator.validate(new UnsafeBuffer(lone), 0, lone.length));
    }

    @Test
    void aMergePastTheBoundsIsTooLarge()
    {
        // Two values of 40 one-entry versions, all concurrent: the union's 80 versions are too many.
        final List<SingleKeyCausalLattice.Version> first = new ArrayList<>();
        final List<SingleKeyCausalLattice.Version> second = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            first.add(new SingleKeyCausalLattice.Version(VectorClock.of(i, 1), Bytes.EMPTY));
            second.add(new SingleKeyCausalLattice.Version(VectorClock.of(1_000 + i, 1), Bytes.EMPTY));
        }
        final byte[] a = LatticeCodec.toBytes(SingleKeyCausalLattice.of(first));
        final byte[] b = LatticeCodec.toBytes(SingleKeyCausalLattice.of(second));
        assertEquals(LatticeMerger.TOO_LARGE,
            merger.merge(new UnsafeBuffer(a), 0, a.length, new UnsafeBuffer(b), 0, b.length, out, 0, out.capacity()));
        // The pairwise merger had no bound: the result was as large as the output allowed.
        final int unbounded = reference.merge(
            new UnsafeBuffer(a), 0, a.length, new UnsafeBuffer(b), 0, b.length, expected, 0, expected.capacity());
        assertEquals(5 + 80 * 24, unbounded);
        // Nested in a map, the same refusal.
        final byte[] mapA = LatticeCodec.toBytes(MapLattice.of("c", SingleKeyCausalLattice.of(first)));
        final byte[] mapB = LatticeCodec.toBytes(MapLattice.of("c", SingleKeyCausalLattice.of(second)));
        assertEquals(LatticeMerger.TOO_LARGE, merger.merge(
            new UnsafeBuffer(mapA), 0, mapA.length, new UnsafeBuffer(mapB), 0, mapB.length, out, 0, out.capacity()));
    }

    @Test
    void aCausalValuePastTheBoundsInsideAMapIsTooLarge()
    {
        final List<SingleKeyCausalLattice.Version> versions = new ArrayList<>();
        for (int i = 0; i <= LatticeValidator.MAX_CAUSAL_VERSIONS; i++)
        {
            versions.add(new SingleKeyCausalLattice.Version(VectorClock.of(i, 1), Bytes.EMPTY));
        }
        final byte[] map = LatticeCodec.toBytes(MapLattice.of("c", SingleKeyCausalLattice.of(versions)));
        assertEquals(LatticeValidator.TOO_LARGE, LatticeValidator.validate(new UnsafeBuffer(map), 0, map.length));
    }

    /**
     * {@code count} versions of {@code entries} entries over the same nodes, pairwise concurrent.
     */
    private static SingleKeyCausalLattice concurrentVersions(final int count, final int entries)
    {
        final List<SingleKeyCausalLattice.Version> versions = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final TreeMap<Long, Long> counters = new TreeMap<>();
            for (int node = 0; node < entries - 1; node++)
            {
                counters.put((long)node, 1L + i);
            }
            counters.put((long)entries - 1, 1L + count - i);
            versions.add(new SingleKeyCausalLattice.Version(VectorClock.of(counters), Bytes.EMPTY));
        }
        return SingleKeyCausalLattice.of(versions);
    }

    /**
     * Sorted, distinct versions that need not form an antichain.
     */
    private static Gen<byte[]> rawCausal(final LatticeType type)
    {
        final boolean withDependencies = type == LatticeType.MULTI_KEY_CAUSAL;
        final Gen<byte[]> gen = in ->
        {
            final List<byte[]> versions = new ArrayList<>();
            for (int i = 0, n = between(in, 0, 6); i < n; i++)
            {
                versions.add(version(in, withDependencies));
            }
            versions.sort(Arrays::compareUnsigned);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(type.tag());
            final List<byte[]> distinct = new ArrayList<>();
            for (final byte[] version : versions)
            {
                if (distinct.isEmpty() || !Arrays.equals(distinct.get(distinct.size() - 1), version))
                {
                    distinct.add(version);
                }
            }
            bytes.writeBytes(littleEndianInt(distinct.size()));
            distinct.forEach(bytes::writeBytes);
            return bytes.toByteArray();
        };
        return gen.describedAs(Arrays::toString);
    }

    private static byte[] version(final RandomnessSource in, final boolean withDependencies)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(clock(in));
        if (withDependencies)
        {
            final int count = between(in, 0, 1);
            bytes.writeBytes(littleEndianInt(count));
            for (int d = 0; d < count; d++)
            {
                final byte[] key = DEPENDENCY_KEYS[pick(in, DEPENDENCY_KEYS.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.writeBytes(littleEndianInt(key.length));
                bytes.writeBytes(key);
                bytes.writeBytes(clock(in));
            }
        }
        bytes.writeBytes(littleEndianInt(1));
        bytes.write(between(in, 0, 1));
        return bytes.toByteArray();
    }

    private static byte[] clock(final RandomnessSource in)
    {
        final TreeMap<Long, Long> counters = new TreeMap<>();
        for (int i = 0, n = between(in, 0, 4); i < n; i++)
        {
            counters.put(NODES[pick(in, NODES.length)], (long)between(in, 1, 3));
        }
        final ByteBuffer clock = ByteBuffer.allocate(4 + 16 * counters.size()).order(ByteOrder.LITTLE_ENDIAN);
        clock.putInt(counters.size());
        counters.forEach((node, counter) -> clock.putLong(node).putLong(counter));
        return clock.array();
    }

    private static byte[] littleEndianInt(final int value)
    {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    /**
     * A change to an encoding: one byte set to a value (often a count or length field), or the end cut.
     */
    private interface Mutation
    {
        byte[] apply(byte[] bytes);
    }

    private static Gen<Mutation> mutation()
    {
        final Gen<Mutation> gen = in ->
        {
            final int kind = between(in, 0, 2);
            final int where = between(in, 0, 1 << 16);
            final int value = between(in, 0, 255);
            return bytes ->
            {
                final byte[] copy = bytes.clone();
                if (copy.length <= 1 || kind == 2)
                {
                    return Arrays.copyOf(copy, copy.length <= 1 ? copy.length : where % copy.length);
                }
                final int at = where % copy.length;
                copy[at] = kind == 0 ? (byte)value : (byte)(copy[at] + 1);
                return copy;
            };
        };
        return gen;
    }
}
