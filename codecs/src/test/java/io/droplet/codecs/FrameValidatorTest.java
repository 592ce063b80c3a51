package io.droplet.codecs;

import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorEncoder;
import io.droplet.codecs.sbe.KvsMultiGetEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.PingEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

@Timeout(120)
class FrameValidatorTest
{
    private static final int MAX_VAR_LENGTH = 300;
    private static final FrameLimits LIMITS = new FrameLimits(4096, 8, MAX_VAR_LENGTH);
    private static final List<SchemaMessages.Spec> SPECS = SchemaMessages.all();

    private final FrameValidator validator = new FrameValidator(LIMITS);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    private int validCallDag(final int sources, final int argsLength)
    {
        final CallDagEncoder encoder = new CallDagEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(42).sessionId(7).replyTo(9).deadline(1000).mode(CallMode.FG).periodNs(0);
        final CallDagEncoder.SourceArgsEncoder group = encoder.sourceArgsCount(sources);
        for (int i = 0; i < sources; i++)
        {
            group.next().stage(i).putArgs(new byte[argsLength], 0, argsLength);
        }
        encoder.dag("increment-square");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @Test
    void acceptsValidFrame()
    {
        final int length = validCallDag(2, 10);
        assertEquals(FrameRejection.NONE, validator.validate(buffer, 0, length));
        assertEquals(42, validator.correlationId(buffer, 0, length));
        assertEquals(9, validator.replyTo(buffer, 0, length));
    }

    @Test
    void rejectsEmptyAndTruncatedHeader()
    {
        assertEquals(FrameRejection.TRUNCATED_HEADER, validator.validate(buffer, 0, 0));
        assertEquals(FrameRejection.TRUNCATED_HEADER, validator.validate(buffer, 0, 7));
    }

    @Test
    void rejectsWrongSchema()
    {
        final int length = validCallDag(1, 1);
        buffer.putShort(4, (short)(WireSchema.SCHEMA_ID + 1), ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.WRONG_SCHEMA, validator.validate(buffer, 0, length));
        assertEquals(Long.MIN_VALUE, validator.correlationId(buffer, 0, length));
    }

    @Test
    void rejectsUnknownTemplate()
    {
        final int length = validCallDag(1, 1);
        buffer.putShort(2, (short)999, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.UNKNOWN_TEMPLATE, validator.validate(buffer, 0, length));
        buffer.putShort(2, (short)0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.UNKNOWN_TEMPLATE, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsFutureAndZeroVersion()
    {
        final int length = validCallDag(1, 1);
        buffer.putShort(6, (short)(WireSchema.SCHEMA_VERSION + 1), ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.UNSUPPORTED_VERSION, validator.validate(buffer, 0, length));
        buffer.putShort(6, (short)0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.UNSUPPORTED_VERSION, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsShortAndLongBlockLength()
    {
        final int length = validCallDag(1, 1);
        buffer.putShort(0, (short)(CallDagEncoder.BLOCK_LENGTH - 1), ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.WRONG_BLOCK_LENGTH, validator.validate(buffer, 0, length));
        buffer.putShort(0, (short)(CallDagEncoder.BLOCK_LENGTH + 1), ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.WRONG_BLOCK_LENGTH, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsGroupCountOverLimit()
    {
        final int length = validCallDag(LIMITS.maxGroupCount() + 1, 0);
        assertEquals(FrameRejection.GROUP_COUNT_OVER_LIMIT, validator.validate(buffer, 0, length));
        assertEquals(FrameRejection.NONE, validator.validate(buffer, 0, validCallDag(LIMITS.maxGroupCount(), 0)));
    }

    @Test
    void rejectsGroupCountPastEnd()
    {
        final KvsMultiGetEncoder multiGet = new KvsMultiGetEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(1).replyTo(2);
        multiGet.keysCount(1).next().putKey(new byte[]{ 1, 2, 3 }, 0, 3);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + multiGet.encodedLength();
        assertEquals(FrameRejection.NONE, validator.validate(buffer, 0, length));
        final int groupHeader = MessageHeaderEncoder.ENCODED_LENGTH + KvsMultiGetEncoder.BLOCK_LENGTH;
        buffer.putShort(groupHeader + 2, (short)2, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.LENGTH_PAST_END, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsVarDataLengthPastEndAndOverLimit()
    {
        final PingEncoder ping = new PingEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(1).replyTo(2).sentTime(3);
        ping.putPayload(new byte[MAX_VAR_LENGTH], 0, MAX_VAR_LENGTH);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ping.encodedLength();
        assertEquals(FrameRejection.NONE, validator.validate(buffer, 0, length), "exactly at the limit is fine");

        final int lengthField = MessageHeaderEncoder.ENCODED_LENGTH + PingEncoder.BLOCK_LENGTH;
        buffer.putInt(lengthField, MAX_VAR_LENGTH + 1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.VAR_DATA_TOO_LONG, validator.validate(buffer, 0, length));
        buffer.putInt(lengthField, -1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.VAR_DATA_TOO_LONG, validator.validate(buffer, 0, length), "uint32 read unsigned");

        final FrameValidator lenient = new FrameValidator(new FrameLimits(4096, 8, 4000));
        buffer.putInt(lengthField, MAX_VAR_LENGTH + 1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameRejection.LENGTH_PAST_END, lenient.validate(buffer, 0, length));
    }

    @Test
    void rejectsInvalidEnumValue()
    {
        final ErrorEncoder error = new ErrorEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(5).code(ErrorCode.TIMEOUT).detail("late");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength();
        assertEquals(FrameRejection.NONE, validator.validate(buffer, 0, length));
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + ErrorEncoder.codeEncodingOffset(), (byte)200);
        assertEquals(FrameRejection.INVALID_ENUM_VALUE, validator.validate(buffer, 0, length));
        assertEquals(5, validator.correlationId(buffer, 0, length), "a rejected request can still be answered");
    }

    @Test
    void rejectsTrailingBytesAndOversize()
    {
        final int length = validCallDag(1, 1);
        assertEquals(FrameRejection.TRAILING_BYTES, validator.validate(buffer, 0, length + 1));
        assertEquals(FrameRejection.FRAME_TOO_LARGE, validator.validate(buffer, 0, LIMITS.maxFrameLength() + 1));
    }

    @Test
    void everyTruncationOfAValidFrameIsRejected()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[8192]);
        qt().withExamples(2_000).forAll(integers().between(0, SPECS.size() - 1), longs().all())
            .checkAssert((index, seed) ->
            {
                final SchemaMessages.Spec spec = SPECS.get(index);
                final Random random = new Random(seed);
                final int length = SchemaMessages.encode(spec, SchemaMessages.random(spec, random, 3, 40), frame, 0);
                final int cut = random.nextInt(length);
                final UnsafeBuffer exact = new UnsafeBuffer(Arrays.copyOf(frame.byteArray(), cut));
                assertNotEquals(FrameRejection.NONE, validator.validate(exact, 0, cut), spec.name() + " cut at " + cut);
            });
    }

    /**
     * Mutated and truncated frames are either rejected with a code or decode, with no exception and
     * no read past the frame (the buffer is exactly the frame's size and bounds-checked), to a
     * message that re-encodes to the very same bytes.
     */
    @Test
    void mutatedFramesAreRejectedOrDecodeExactly()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[8192]);
        final UnsafeBuffer reencoded = new UnsafeBuffer(new byte[8192]);
        final int[] outcomes = new int[2];

        qt().withExamples(50_000).forAll(integers().between(0, SPECS.size() - 1), longs().all())
            .checkAssert((index, seed) ->
            {
                final SchemaMessages.Spec spec = SPECS.get(index);
                final Random random = new Random(seed);
                final int validLength = SchemaMessages.encode(spec, SchemaMessages.random(spec, random, 3, 40), frame, 0);
                final byte[] bytes = mutate(Arrays.copyOf(frame.byteArray(), validLength), random);
                final UnsafeBuffer exact = new UnsafeBuffer(bytes);

                final FrameRejection rejection = validator.validate(exact, 0, bytes.length);
                if (rejection == FrameRejection.NONE)
                {
                    // A mutation may turn one valid message into another: decode by the frame's own template.
                    final SchemaMessages.Spec actual = specOf(FrameValidator.templateId(exact, 0, bytes.length));
                    final Map<String, Object> decoded = SchemaMessages.decode(actual, exact, 0);
                    final int length = SchemaMessages.encode(actual, decoded, reencoded, 0);
                    assertArrayEquals(bytes, Arrays.copyOf(reencoded.byteArray(), length), actual.name());
                    outcomes[0]++;
                }
                else
                {
                    outcomes[1]++;
                }
            });

        // Both outcomes must actually occur, or the property says nothing.
        assertTrue(outcomes[0] > 1000, "accepted " + outcomes[0]);
        assertTrue(outcomes[1] > 1000, "rejected " + outcomes[1]);
    }

    private static SchemaMessages.Spec specOf(final int templateId)
    {
        return SPECS.stream().filter(spec -> spec.templateId() == templateId).findFirst().orElseThrow();
    }

    private static byte[] mutate(final byte[] bytes, final Random random)
    {
        switch (random.nextInt(4))
        {
            case 0:
                return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            case 1:
            {
                final int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++)
                {
                    bytes[random.nextInt(bytes.length)] ^= (byte)(1 << random.nextInt(8));
                }
                return bytes;
            }
            case 2:
            {
                final byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
                for (int i = bytes.length; i < longer.length; i++)
                {
                    longer[i] = (byte)random.nextInt();
                }
                return longer;
            }
            default:
            {
                bytes[random.nextInt(bytes.length)] = (byte)random.nextInt();
                return Arrays.copyOf(bytes, Math.max(0, bytes.length - random.nextInt(3)));
            }
        }
    }
}
