package io.droplet.soak;

import io.droplet.codecs.FrameLimits;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.StageSelector;
import io.droplet.codecs.value.Reference;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutation of valid frames of every template a client sends: to the scheduler {@code CallFunction}
 * (every call mode), {@code CallDag}, {@code RegisterFunction}, {@code RegisterDag}, {@code DeleteFunction},
 * {@code DeleteDag}, {@code ListFunctions}, {@code Cancel}; to a storage node {@code KvsGet}, {@code KvsMultiGet},
 * {@code KvsPut}, and the host cache's {@code Subscribe} and {@code Unsubscribe}; {@code Connect} to both, under
 * client ids of its own ({@code 500,000} to {@code 899,999}: neither a node's nor the legitimate client's) naming
 * the fuzzer's endpoint, a stream nobody listens at, or no endpoint at all. Each frame starts valid, with a
 * fresh correlation id and this fuzzer as its caller, then is mutated (or, one in ten, left valid) by one to three
 * of: bit flips, a block field set to an extreme (0, 1, -1, the largest, the smallest), a length or group count
 * changed, truncation, a group's entries duplicated, trailing bytes appended.
 * <p>
 * Names and keys are the fuzzer's own ({@code zz-...}), never a prefix of the legitimate caller's, so a mutation
 * cannot delete or replace what the legitimate calls use.
 * <p>
 * <b>Note:</b> not thread-safe; one per sending thread.
 */
final class TemplateMutator
{
    /** The templates mutated, with the role that serves each. */
    enum Template
    {
        CALL_FUNCTION(FuzzerNode.Target.SCHEDULER), CALL_DAG(FuzzerNode.Target.SCHEDULER),
        REGISTER_FUNCTION(FuzzerNode.Target.SCHEDULER), REGISTER_DAG(FuzzerNode.Target.SCHEDULER),
        DELETE_FUNCTION(FuzzerNode.Target.SCHEDULER), DELETE_DAG(FuzzerNode.Target.SCHEDULER),
        LIST_FUNCTIONS(FuzzerNode.Target.SCHEDULER), CANCEL(FuzzerNode.Target.SCHEDULER),
        KVS_GET(FuzzerNode.Target.STORAGE), KVS_MULTI_GET(FuzzerNode.Target.STORAGE), KVS_PUT(FuzzerNode.Target.STORAGE),
        SUBSCRIBE(FuzzerNode.Target.STORAGE), UNSUBSCRIBE(FuzzerNode.Target.STORAGE),
        CONNECT_SCHEDULER(FuzzerNode.Target.SCHEDULER), CONNECT_STORAGE(FuzzerNode.Target.STORAGE);

        final FuzzerNode.Target target;

        Template(final FuzzerNode.Target target)
        {
            this.target = target;
        }
    }

    /** The ways a valid frame is changed. */
    enum Mutation
    {
        NONE, BIT_FLIPS, FIELD_EXTREME, LENGTH_FIELD, TRUNCATE, DUPLICATE_GROUP, APPEND
    }

    private static final String[] FUNCTIONS = { "increment", "square", "echo", "size", "zz-missing" };
    private static final String[] CLASSES = { "io.droplet.soak.functions.Increment", "io.droplet.soak.functions.Square",
        "java.lang.Object", "com.example.Missing", "" };
    private static final long HOUR_NS = 3_600_000_000_000L;
    private static final long[] NO_TIMES = new long[0];

    private final Random random;
    private final long caller;
    private final HostileFrames frames = new HostileFrames();
    private final HostileFrames.Shape shape = new HostileFrames.Shape();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * FrameLimits.DEFAULT_MAX_FRAME_LENGTH));
    private final byte[] copy = new byte[2 * FrameLimits.DEFAULT_MAX_FRAME_LENGTH];
    private final int[] mutationCounts = new int[Mutation.values().length];
    private long correlationId;
    private Template template;

    /**
     * @param seed                 of every random choice.
     * @param caller               node id written as every frame's caller (replyTo, session, subscriber).
     * @param firstCorrelationId   of the frames, counting up.
     */
    TemplateMutator(final long seed, final long caller, final long firstCorrelationId)
    {
        this.random = new Random(seed);
        this.caller = caller;
        this.correlationId = firstCorrelationId - 1;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    Template template()
    {
        return template;
    }

    /**
     * @return how many frames each {@link Mutation} was applied to, by ordinal.
     */
    int[] mutationCounts()
    {
        return mutationCounts;
    }

    /**
     * Writes the next frame at offset 0: a valid frame of a random template, then mutated.
     *
     * @return its length.
     */
    int next()
    {
        template = Template.values()[random.nextInt(Template.values().length)];
        shape.reset();
        int length = valid(template, ++correlationId);
        if (random.nextInt(10) == 0)
        {
            mutationCounts[Mutation.NONE.ordinal()]++;
            return length;
        }
        final int mutations = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(2);
        for (int i = 0; i < mutations && length > 0; i++)
        {
            final Mutation mutation = Mutation.values()[1 + random.nextInt(Mutation.values().length - 1)];
            mutationCounts[mutation.ordinal()]++;
            length = mutate(mutation, length);
        }
        return length;
    }

    private int valid(final Template template, final long id)
    {
        // Far enough that no call of a flood of them runs past it: one that does is dropped unanswered (its caller
        // times it out itself), which the fuzzer could not tell from a call lost.
        final long deadline = System.currentTimeMillis() * 1_000_000L + TemplateFuzzer.CALL_DEADLINE_NS;
        switch (template)
        {
            case CALL_FUNCTION:
            {
                final CallMode mode = mode();
                final long[] times = mode == CallMode.PERIOD && random.nextBoolean() ? givenTimes() : NO_TIMES;
                return frames.callFunction(buffer, shape, id, caller, mode == CallMode.PERIOD ? 0 : deadline, mode,
                    mode == CallMode.PERIOD && times.length == 0 ? HOUR_NS : 0, times, pick(FUNCTIONS), argument());
            }
            case CALL_DAG:
            {
                final CallMode mode = mode() == CallMode.PERIOD ? CallMode.PERIOD : random.nextBoolean() ? CallMode.FG : CallMode.BG;
                final boolean allSources = random.nextBoolean();
                return frames.callDag(buffer, shape, id, caller, mode == CallMode.PERIOD ? 0 : deadline, mode,
                    mode == CallMode.PERIOD ? HOUR_NS : 0, random.nextInt(4) == 0 ? "zz-missing-dag" : "dag",
                    new int[]{ allSources ? StageSelector.ALL_SOURCES.value() : 0 }, new byte[][]{ argument() });
            }
            case REGISTER_FUNCTION:
                return frames.registerFunction(buffer, shape, id, caller, random.nextInt(4) == 0 ? FunctionKind.KEYED_CLASS :
                    FunctionKind.JAVA, "zz-fn-" + random.nextInt(8), pick(CLASSES), new byte[0]);
            case REGISTER_DAG:
                return random.nextBoolean() ?
                    frames.registerDag(buffer, shape, id, caller, "zz-dag-" + random.nextInt(8), List.of("increment", "square"),
                        new int[]{ 0 }, new int[]{ 1 }) :
                    frames.registerDag(buffer, shape, id, caller, "zz-dag-" + random.nextInt(8),
                        List.of("increment", "square", "size"), new int[]{ 0, 1 }, new int[]{ 2, 2 });
            case DELETE_FUNCTION:
                return frames.deleteFunction(buffer, shape, id, caller, "zz-fn-" + random.nextInt(8));
            case DELETE_DAG:
                return frames.deleteDag(buffer, shape, id, caller, "zz-dag-" + random.nextInt(8));
            case LIST_FUNCTIONS:
                return frames.listFunctions(buffer, id, caller);
            case CANCEL:
                // A correlation id nothing else uses: whatever a cancel answers cannot be taken for another answer.
                return frames.cancel(buffer, id, caller);
            case KVS_GET:
                return frames.kvsGet(buffer, shape, id, caller, key());
            case KVS_MULTI_GET:
                return frames.kvsMultiGet(buffer, shape, id, caller, keys());
            case KVS_PUT:
                return frames.kvsPut(buffer, shape, id, caller, random.nextBoolean() ? AckLevel.ONE : AckLevel.ALL, key(), lattice());
            case SUBSCRIBE:
                return frames.subscribe(buffer, shape, true, id, caller, keys());
            case UNSUBSCRIBE:
                return frames.subscribe(buffer, shape, false, id, caller, keys());
            case CONNECT_SCHEDULER:
            case CONNECT_STORAGE:
            {
                final int endpoint = random.nextInt(3);
                return frames.connect(buffer, id, 500_000 + random.nextInt(400_000), endpoint == 0 ?
                    FuzzerNode.ENDPOINT.toString() : endpoint == 1 ? "127.0.0.1:0/" + (6_000 + random.nextInt(1_000)) : "zz");
            }
            default:
                throw new IllegalStateException(template.name());
        }
    }

    private int mutate(final Mutation mutation, final int length)
    {
        switch (mutation)
        {
            case BIT_FLIPS:
                for (int i = 0, flips = 1 + random.nextInt(8); i < flips; i++)
                {
                    final int at = random.nextInt(length);
                    buffer.putByte(at, (byte)(buffer.getByte(at) ^ (1 << random.nextInt(8))));
                }
                return length;
            case FIELD_EXTREME:
                return fieldExtreme(length);
            case LENGTH_FIELD:
                return lengthField(length);
            case TRUNCATE:
                return length <= 1 ? length : 1 + random.nextInt(length - 1);
            case DUPLICATE_GROUP:
                return duplicateGroup(length);
            case APPEND:
            {
                final int extra = 1 + random.nextInt(64);
                for (int i = 0; i < extra; i++)
                {
                    buffer.putByte(length + i, (byte)random.nextInt(256));
                }
                return length + extra;
            }
            default:
                return length;
        }
    }

    /** A field of the header or the block set to an extreme value of its width. */
    private int fieldExtreme(final int length)
    {
        final int blockEnd = Math.min(length, MessageHeaderEncoder.ENCODED_LENGTH +
            (buffer.getShort(0, ByteOrder.LITTLE_ENDIAN) & 0xFFFF));
        final int width = 1 << random.nextInt(4);
        if (blockEnd < width)
        {
            return length;
        }
        final int at = random.nextInt(blockEnd - width + 1) / width * width;
        final long value;
        switch (random.nextInt(5))
        {
            case 0:
                value = 0;
                break;
            case 1:
                value = 1;
                break;
            case 2:
                value = -1;
                break;
            case 3:
                value = width == 8 ? Long.MAX_VALUE : (1L << (width * 8 - 1)) - 1;
                break;
            default:
                value = width == 8 ? Long.MIN_VALUE : 1L << (width * 8 - 1);
                break;
        }
        write(at, width, value);
        return length;
    }

    /** A var-data length or a group's count or block length changed. */
    private int lengthField(final int length)
    {
        final boolean group = shape.groups > 0 && (shape.lengths == 0 || random.nextInt(3) == 0);
        if (group)
        {
            final int header = shape.groupHeaders[random.nextInt(shape.groups)];
            final int field = header + (random.nextBoolean() ? 2 : 0);
            if (field + 2 > length)
            {
                return length;
            }
            final int old = buffer.getShort(field, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            final int[] choices = { 0, 1, old + 1, Math.max(0, old - 1), 0xFFFF, FrameLimits.DEFAULT_MAX_GROUP_COUNT + 1 };
            buffer.putShort(field, (short)choices[random.nextInt(choices.length)], ByteOrder.LITTLE_ENDIAN);
            return length;
        }
        if (shape.lengths == 0)
        {
            return length;
        }
        final int field = shape.lengthFields[random.nextInt(shape.lengths)];
        if (field + 4 > length)
        {
            return length;
        }
        final int old = buffer.getInt(field, ByteOrder.LITTLE_ENDIAN);
        final int[] choices = { 0, old + 1, old - 1, old * 2, Integer.MAX_VALUE, -1, 1 << 30, random.nextInt() };
        buffer.putInt(field, choices[random.nextInt(choices.length)], ByteOrder.LITTLE_ENDIAN);
        return length;
    }

    /** A group's entries written twice in a row, its count doubled: as valid as the schema allows, longer. */
    private int duplicateGroup(final int length)
    {
        if (shape.groups == 0)
        {
            return mutate(Mutation.APPEND, length);
        }
        final int g = random.nextInt(shape.groups);
        final int header = shape.groupHeaders[g];
        final int end = shape.groupEnds[g];
        final int count = buffer.getShort(header + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int entries = end - header - 4;
        if (end > length || entries <= 0 || count == 0 || length + entries > buffer.capacity())
        {
            return length;
        }
        buffer.getBytes(0, copy, 0, length);
        buffer.putBytes(end, copy, header + 4, entries);
        buffer.putBytes(end + entries, copy, end, length - end);
        buffer.putShort(header + 2, (short)Math.min(0xFFFF, count * 2), ByteOrder.LITTLE_ENDIAN);
        return length + entries;
    }

    private void write(final int at, final int width, final long value)
    {
        switch (width)
        {
            case 1:
                buffer.putByte(at, (byte)value);
                break;
            case 2:
                buffer.putShort(at, (short)value, ByteOrder.LITTLE_ENDIAN);
                break;
            case 4:
                buffer.putInt(at, (int)value, ByteOrder.LITTLE_ENDIAN);
                break;
            default:
                buffer.putLong(at, value, ByteOrder.LITTLE_ENDIAN);
                break;
        }
    }

    private CallMode mode()
    {
        final int r = random.nextInt(10);
        return r < 4 ? CallMode.FG : r < 7 ? CallMode.BG : r < 8 ? CallMode.NO_RETURN : r < 9 ? CallMode.PERIOD : CallMode.BROADCAST;
    }

    /** Three given times a second apart, the first a minute from now: a periodic call that ends by itself. */
    private static long[] givenTimes()
    {
        final long first = System.currentTimeMillis() * 1_000_000L + 60_000_000_000L;
        return new long[]{ first, first + 1_000_000_000L, first + 2_000_000_000L };
    }

    private byte[] argument()
    {
        switch (random.nextInt(5))
        {
            case 0:
                return HostileFrames.args(random.nextLong() & 0xFFFF);
            case 1:
                return HostileFrames.args("zz-" + random.nextInt(1000));
            case 2:
                return HostileFrames.args((Object)new byte[random.nextInt(64)]);
            case 3:
                return HostileFrames.args(Reference.of("zz-k-" + random.nextInt(64)));
            default:
                return HostileFrames.args(List.of(1L, List.of("a", 2L)), 3L);
        }
    }

    private byte[] key()
    {
        return HostileFrames.utf8("zz-k-" + random.nextInt(64));
    }

    private byte[][] keys()
    {
        final byte[][] keys = new byte[1 + random.nextInt(4)][];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = HostileFrames.utf8("zz-k-" + random.nextInt(64) + "-" + i);
        }
        return keys;
    }

    private byte[] lattice()
    {
        switch (random.nextInt(3))
        {
            case 0:
                return HostileFrames.max(random.nextInt(1000));
            case 1:
                return io.droplet.api.lattice.LatticeCodec.toBytes(new io.droplet.api.lattice.LwwLattice(
                    System.currentTimeMillis() * 1_000_000L, caller, HostileFrames.args("zz-value")));
            default:
                return io.droplet.api.lattice.LatticeCodec.toBytes(io.droplet.api.lattice.SetLattice.of(
                    HostileFrames.utf8("zz-" + random.nextInt(16))));
        }
    }

    private String pick(final String[] names)
    {
        return names[random.nextInt(names.length)];
    }
}
