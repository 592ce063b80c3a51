package io.droplet.codecs.value;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

@Timeout(120)
class ValueEncodingTest
{
    /** A user type with its own codec: an EXTENSION value. */
    record Point(int x, int y)
    {
    }

    static final class PointCodec implements ValueCodec<Point>
    {
        public int typeId()
        {
            return 77;
        }

        public Class<Point> type()
        {
            return Point.class;
        }

        public int encode(final Point value, final MutableDirectBuffer buffer, final int offset, final int capacity)
        {
            if (capacity < 8)
            {
                return -1;
            }
            buffer.putInt(offset, value.x());
            buffer.putInt(offset + 4, value.y());
            return 8;
        }

        public Point decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return new Point(buffer.getInt(offset), buffer.getInt(offset + 4));
        }
    }

    private static final CodecRegistry REGISTRY = new CodecRegistry().register(new PointCodec());

    static Object randomValue(final Random random, final int depth)
    {
        final int kind = random.nextInt(depth >= 4 ? 9 : 11);
        switch (kind)
        {
            case 0:
                return null;
            case 1:
                return random.nextBoolean();
            case 2:
                return random.nextInt(4) == 0 ? (random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) : random.nextLong();
            case 3:
                return random.nextInt(5) == 0 ? Double.NaN : random.nextDouble() * 1e9;
            case 4:
                return randomString(random);
            case 5:
            {
                final byte[] bytes = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(100)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 6:
                return Reference.of(randomString(random));
            case 7:
                return new Point(random.nextInt(), random.nextInt());
            case 8:
                return "";
            case 9:
            {
                final List<Object> list = new ArrayList<>();
                final int count = random.nextInt(5);
                for (int i = 0; i < count; i++)
                {
                    list.add(randomValue(random, depth + 1));
                }
                return list;
            }
            default:
            {
                final Map<Object, Object> map = new LinkedHashMap<>();
                final int count = random.nextInt(5);
                for (int i = 0; i < count; i++)
                {
                    map.put(randomString(random) + i, randomValue(random, depth + 1));
                }
                return map;
            }
        }
    }

    private static String randomString(final Random random)
    {
        final StringBuilder builder = new StringBuilder();
        final int length = random.nextInt(12);
        for (int i = 0; i < length; i++)
        {
            switch (random.nextInt(4))
            {
                case 0:
                    builder.append((char)('a' + random.nextInt(26)));
                    break;
                case 1:
                    builder.append((char)(0x80 + random.nextInt(0x780)));
                    break;
                case 2:
                    builder.append((char)(0x800 + random.nextInt(0xD000)));
                    break;
                default:
                    builder.appendCodePoint(0x10000 + random.nextInt(0x10000));
                    break;
            }
        }
        return builder.toString();
    }

    static boolean deepEquals(final Object a, final Object b)
    {
        if (a instanceof byte[] && b instanceof byte[])
        {
            return Arrays.equals((byte[])a, (byte[])b);
        }
        if (a instanceof List && b instanceof List)
        {
            final List<?> la = (List<?>)a;
            final List<?> lb = (List<?>)b;
            if (la.size() != lb.size())
            {
                return false;
            }
            for (int i = 0; i < la.size(); i++)
            {
                if (!deepEquals(la.get(i), lb.get(i)))
                {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map && b instanceof Map)
        {
            final Map<?, ?> ma = (Map<?, ?>)a;
            final Map<?, ?> mb = (Map<?, ?>)b;
            if (!ma.keySet().equals(mb.keySet()))
            {
                return false;
            }
            for (final Object key : ma.keySet())
            {
                if (!deepEquals(ma.get(key), mb.get(key)))
                {
                    return false;
                }
            }
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    @Test
    void randomValuesRoundTrip()
    {
        qt().withExamples(20_000).forAll(longs().all()).checkAssert(seed ->
        {
            final Object value = randomValue(new Random(seed), 0);
            final byte[] bytes = Values.toBytes(value, REGISTRY);
            assertEquals(ValueRejection.NONE, ValueValidator.validate(new UnsafeBuffer(bytes), 0, bytes.length, 32));
            final Object decoded = Values.fromBytes(bytes, REGISTRY);
            assertTrue(deepEquals(value, decoded), () -> value + " decoded as " + decoded);

            final ValueReader reader = new ValueReader().wrap(new UnsafeBuffer(bytes), 0, bytes.length);
            reader.skip();
            assertEquals(bytes.length, reader.position(), "skip consumes exactly one value");
        });
    }

    @Test
    void stringsEncodeAsJdkUtf8()
    {
        qt().withExamples(5_000).forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(text ->
        {
            final byte[] bytes = Values.toBytes(text);
            final byte[] expected = text.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, Arrays.copyOfRange(bytes, 5, bytes.length), text);
        });
    }

    @Test
    void writerReportsOverflowInsteadOfThrowing()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        final ValueWriter writer = new ValueWriter().wrap(buffer, 0, 16);
        writer.writeLong(1).writeString("this does not fit");
        assertTrue(writer.overflowed());
        assertEquals(-1, writer.encodedLength());

        writer.wrap(buffer, 0, 16).writeLong(7);
        assertEquals(9, writer.encodedLength());
    }

    @Test
    void unknownTypesAreRefusedNeverSerialized()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Values.toBytes(new StringBuilder("x")));
        assertTrue(ex.getMessage().contains("no codec registered"), ex.getMessage());
    }

    @Test
    void rejectsHandMadeMalformedValues()
    {
        assertEquals(ValueRejection.EMPTY, validate());
        assertEquals(ValueRejection.UNKNOWN_TYPE, validate(99));
        assertEquals(ValueRejection.LENGTH_PAST_END, validate(3, 1, 2, 3));
        assertEquals(ValueRejection.NEGATIVE_LENGTH, validate(5, 0xFF, 0xFF, 0xFF, 0xFF));
        assertEquals(ValueRejection.LENGTH_PAST_END, validate(5, 10, 0, 0, 0, 'a'));
        assertEquals(ValueRejection.TRAILING_BYTES, validate(0, 0));
        // A list claiming 3 values in a 1-byte body.
        assertEquals(ValueRejection.CONTAINER_LENGTH_MISMATCH, validate(8, 3, 0, 0, 0, 1, 0, 0, 0, 0));
        // A list whose body length covers more than its values.
        assertEquals(ValueRejection.CONTAINER_LENGTH_MISMATCH, validate(8, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0));

        final byte[] deep = new byte[9 * 40 + 1];
        for (int i = 0; i < 40; i++)
        {
            deep[i * 9] = 8;
            deep[i * 9 + 1] = 1;
            final int body = deep.length - (i + 1) * 9;
            deep[i * 9 + 5] = (byte)body;
            deep[i * 9 + 6] = (byte)(body >> 8);
        }
        assertEquals(ValueRejection.TOO_DEEP, ValueValidator.validate(new UnsafeBuffer(deep), 0, deep.length, 32));
        assertEquals(ValueRejection.NONE, ValueValidator.validate(new UnsafeBuffer(deep), 0, deep.length, 64));
    }

    /**
     * Mutated and truncated encodings are rejected with a code, or are walked by the reader without
     * an exception and without reading past the bytes given.
     */
    @Test
    void mutatedValuesAreRejectedOrReadSafely()
    {
        final int[] outcomes = new int[2];
        qt().withExamples(50_000).forAll(longs().all()).checkAssert(seed ->
        {
            final Random random = new Random(seed);
            final byte[] bytes = Values.toBytes(randomValue(random, 0), REGISTRY);
            final byte[] mutated;
            if (random.nextBoolean())
            {
                mutated = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            }
            else
            {
                mutated = bytes;
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++)
                {
                    mutated[random.nextInt(mutated.length)] = (byte)random.nextInt();
                }
            }
            final UnsafeBuffer exact = new UnsafeBuffer(mutated);
            if (ValueValidator.validate(exact, 0, mutated.length, 32) == ValueRejection.NONE)
            {
                final ValueReader reader = new ValueReader().wrap(exact, 0, mutated.length);
                reader.skip();
                assertEquals(mutated.length, reader.position());
                try
                {
                    Values.read(new ValueReader().wrap(exact, 0, mutated.length), REGISTRY);
                }
                catch (final IllegalArgumentException ex)
                {
                    // The only typed failure allowed: an extension id no codec is registered for.
                    assertTrue(ex.getMessage().contains("no codec registered"), ex.getMessage());
                }
                outcomes[0]++;
            }
            else
            {
                outcomes[1]++;
            }
        });
        assertTrue(outcomes[0] > 1000 && outcomes[1] > 1000, Arrays.toString(outcomes));
    }

    private static ValueRejection validate(final int... bytes)
    {
        final byte[] array = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            array[i] = (byte)bytes[i];
        }
        return ValueValidator.validate(new UnsafeBuffer(array), 0, array.length, 32);
    }
}
