package io.droplet.soak;

import io.droplet.codecs.FrameLimits;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Makes frames that must be rejected: each starts from a valid frame (a call, a trigger with groups, a
 * put, a heartbeat) and breaks it in one of the ways the bad-input test names — wrong schema id, unknown
 * template, future version, short block length, var-data past the end, group count over the limit,
 * an invalid enum value, truncated, empty, oversize. Every frame carries a fresh correlation id.
 * <p>
 * <b>Note:</b> not thread-safe; one per sending thread.
 */
final class FrameMutator
{
    /** The ways a frame is broken. */
    enum Kind
    {
        WRONG_SCHEMA, UNKNOWN_TEMPLATE, FUTURE_VERSION, SHORT_BLOCK, VAR_DATA_PAST_END, GROUP_OVER_LIMIT, BAD_ENUM,
        TRUNCATED, EMPTY, OVERSIZE
    }

    private static final int OVERSIZE_EVERY = 5_000;
    private final Random random;
    private final long replyTo;
    private final UnsafeBuffer buffer;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CallFunctionEncoder call = new CallFunctionEncoder();
    private final TriggerEncoder trigger = new TriggerEncoder();
    private final KvsPutEncoder put = new KvsPutEncoder();
    private final HeartbeatEncoder heartbeat = new HeartbeatEncoder();
    private static final byte[] KEY = "fuzzed-key".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final byte[] args = new byte[]{ 0x07, 0, 0, 0, 0 };
    private long correlationId = 1;
    private Kind kind;
    private int lastVarHeaderOffset;
    private int groupHeaderOffset;

    /**
     * @param seed    of the random choices.
     * @param replyTo node id written where a frame names the node to answer.
     */
    FrameMutator(final long seed, final long replyTo)
    {
        this.random = new Random(seed);
        this.replyTo = replyTo;
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(FrameLimits.DEFAULT_MAX_FRAME_LENGTH + 64 * 1024));
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    Kind kind()
    {
        return kind;
    }

    long correlationId()
    {
        return correlationId;
    }

    /**
     * Writes the next broken frame at offset 0.
     *
     * @return its length.
     */
    int next()
    {
        correlationId++;
        kind = (correlationId % OVERSIZE_EVERY == 0) ? Kind.OVERSIZE : Kind.values()[random.nextInt(Kind.values().length - 1)];
        final int seed = random.nextInt(4);
        int length = kind == Kind.GROUP_OVER_LIMIT || kind == Kind.BAD_ENUM ? (kind == Kind.BAD_ENUM ? callFunction() : trigger()) :
            seed == 0 ? callFunction() : seed == 1 ? trigger() : seed == 2 ? kvsPut() : heartbeat();
        switch (kind)
        {
            case WRONG_SCHEMA:
                buffer.putShort(4, (short)(7172 + random.nextInt(50_000)), ByteOrder.LITTLE_ENDIAN);
                break;
            case UNKNOWN_TEMPLATE:
                buffer.putShort(2, (short)(200 + random.nextInt(60_000)), ByteOrder.LITTLE_ENDIAN);
                break;
            case FUTURE_VERSION:
                buffer.putShort(6, (short)(2 + random.nextInt(1000)), ByteOrder.LITTLE_ENDIAN);
                break;
            case SHORT_BLOCK:
                final int block = buffer.getShort(0, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                buffer.putShort(0, (short)random.nextInt(block), ByteOrder.LITTLE_ENDIAN);
                break;
            case VAR_DATA_PAST_END:
                final int remaining = length - lastVarHeaderOffset - 4;
                buffer.putInt(lastVarHeaderOffset, remaining + 1 + random.nextInt(1 << 20), ByteOrder.LITTLE_ENDIAN);
                break;
            case GROUP_OVER_LIMIT:
                buffer.putShort(groupHeaderOffset + 2, (short)(FrameLimits.DEFAULT_MAX_GROUP_COUNT + 1 +
                    random.nextInt(60_000 - FrameLimits.DEFAULT_MAX_GROUP_COUNT)), ByteOrder.LITTLE_ENDIAN);
                break;
            case BAD_ENUM:
                buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + CallFunctionEncoder.modeEncodingOffset(),
                    (byte)(5 + random.nextInt(250)));
                break;
            case TRUNCATED:
                length = 1 + random.nextInt(length - 1);
                break;
            case EMPTY:
                length = 0;
                break;
            case OVERSIZE:
                length = callFunction();
                final int oversize = FrameLimits.DEFAULT_MAX_FRAME_LENGTH + 1 + random.nextInt(1024);
                buffer.setMemory(length, oversize - length, (byte)0);
                length = oversize;
                break;
            default:
                throw new IllegalStateException(kind.name());
        }
        return length;
    }

    private int callFunction()
    {
        call.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId)
            .sessionId(replyTo)
            .replyTo(replyTo)
            .deadline(System.currentTimeMillis() * 1_000_000L + 5_000_000_000L)
            .mode(CallMode.FG)
            .periodNs(0)
            .timesCount(0);
        call.function("increment");
        lastVarHeaderOffset = MessageHeaderEncoder.ENCODED_LENGTH + call.encodedLength();
        call.putArgs(args, 0, args.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + call.encodedLength();
    }

    private int trigger()
    {
        trigger.wrapAndApplyHeader(buffer, 0, header)
            .invocationId(correlationId)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .deadline(System.currentTimeMillis() * 1_000_000L + 5_000_000_000L)
            .targetStage(0)
            .fromStage(0)
            .attempt(0);
        groupHeaderOffset = MessageHeaderEncoder.ENCODED_LENGTH + TriggerEncoder.BLOCK_LENGTH;
        trigger.scheduleCount(1).next().executor(10).function("increment");
        trigger.edgesCount(0);
        lastVarHeaderOffset = MessageHeaderEncoder.ENCODED_LENGTH + trigger.encodedLength();
        trigger.putArgs(args, 0, args.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + trigger.encodedLength();
    }

    private int kvsPut()
    {
        put.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .ack(AckLevel.ONE)
            .putKey(KEY, 0, KEY.length);
        lastVarHeaderOffset = MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength();
        put.putValue(args, 0, args.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength();
    }

    private int heartbeat()
    {
        heartbeat.wrapAndApplyHeader(buffer, 0, header)
            .node(replyTo)
            .timestamp(0)
            .roles((short)0)
            .utilisationPerMille(0)
            .queueDepth(0)
            .inFlight(0)
            .startedAt(0);
        heartbeat.functionsCount(0);
        heartbeat.endpoint("127.0.0.1:0/5999");
        lastVarHeaderOffset = MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
        heartbeat.putCachedKeySummary(args, 0, args.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
    }

    /**
     * @return the buffer as a mutable view, for tests of this class.
     */
    MutableDirectBuffer view()
    {
        return buffer;
    }
}
