package io.droplet.soak;

import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.CancelEncoder;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.DeleteDagEncoder;
import io.droplet.codecs.sbe.DeleteFunctionEncoder;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.GossipEncoder;
import io.droplet.codecs.sbe.KeyUpdateEncoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsMergeEncoder;
import io.droplet.codecs.sbe.KvsMultiGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.ListFunctionsEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterDagEncoder;
import io.droplet.codecs.sbe.RegisterFunctionEncoder;
import io.droplet.codecs.sbe.SubscribeEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.codecs.sbe.UnsubscribeEncoder;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Values;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the frames of issue 15's hostile cases byte for byte, as a peer on the host could send them: every
 * client template and the node-to-node ones a raw sender can reach (triggers, key updates, gossip, replica
 * merges), and the values inside them (an LWW whose length field lies, a causal value of 10,922 versions).
 * Each encoder writes one frame at offset 0 of the buffer given and returns its length; where a {@link Shape} is
 * given it records the offsets of the frame's variable-length fields and groups, for the mutation fuzzer.
 * <p>
 * <b>Note:</b> not thread-safe (reused encoders); one per sending thread.
 */
final class HostileFrames
{
    /**
     * Issue 15 item 6's smallest frame, verbatim: stream 5001, {@code CallFunction adv-inc} for caller
     * {@code 0x6acfc2}, correlation id 1, its arguments a LIST declaring 2^31-1 elements in no bytes.
     */
    static final String SMALLEST_FRAME = "29001400031c01000100000000000000c2cf6a0000000000c2cf6a00000000000000a656" +
        "cfcfee3800000000000000000008000000070000006164762d696e630900000008ffffff7f00000000";
    /** Offset of an LWW lattice's value length: tag, timestamp, writer. */
    static final int LWW_LENGTH_OFFSET = 1 + 8 + 8;

    /** Where a frame's lengths and groups are, for mutating it with its structure in mind. */
    static final class Shape
    {
        final int[] lengthFields = new int[64];
        final int[] groupHeaders = new int[8];
        final int[] groupEnds = new int[8];
        int lengths;
        int groups;

        void reset()
        {
            lengths = 0;
            groups = 0;
        }

        void length(final int offset)
        {
            if (lengths < lengthFields.length)
            {
                lengthFields[lengths++] = offset;
            }
        }

        void group(final int header, final int end)
        {
            if (groups < groupHeaders.length)
            {
                groupHeaders[groups] = header;
                groupEnds[groups++] = end;
            }
        }
    }

    private final Shape noShape = new Shape();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CallFunctionEncoder callFunction = new CallFunctionEncoder();
    private final CallDagEncoder callDag = new CallDagEncoder();
    private final RegisterFunctionEncoder registerFunction = new RegisterFunctionEncoder();
    private final RegisterDagEncoder registerDag = new RegisterDagEncoder();
    private final DeleteFunctionEncoder deleteFunction = new DeleteFunctionEncoder();
    private final DeleteDagEncoder deleteDag = new DeleteDagEncoder();
    private final ListFunctionsEncoder listFunctions = new ListFunctionsEncoder();
    private final CancelEncoder cancel = new CancelEncoder();
    private final ConnectEncoder connect = new ConnectEncoder();
    private final TriggerEncoder trigger = new TriggerEncoder();
    private final KvsGetEncoder kvsGet = new KvsGetEncoder();
    private final KvsMultiGetEncoder kvsMultiGet = new KvsMultiGetEncoder();
    private final KvsPutEncoder kvsPut = new KvsPutEncoder();
    private final KvsMergeEncoder kvsMerge = new KvsMergeEncoder();
    private final SubscribeEncoder subscribe = new SubscribeEncoder();
    private final UnsubscribeEncoder unsubscribe = new UnsubscribeEncoder();
    private final KeyUpdateEncoder keyUpdate = new KeyUpdateEncoder();
    private final GossipEncoder gossip = new GossipEncoder();

    static byte[] smallestFrame()
    {
        return HexFormat.of().parseHex(SMALLEST_FRAME);
    }

    /**
     * @return the value encoding of a call's arguments, as a client writes them (a LIST of the arguments).
     */
    static byte[] args(final Object... args)
    {
        return Values.toBytes(Arrays.asList(args), new CodecRegistry());
    }

    /**
     * @return an LWW lattice holding {@code held} bytes whose length field says {@code claimed}.
     */
    static byte[] lyingLww(final int held, final int claimed)
    {
        final byte[] lww = LatticeCodec.toBytes(new LwwLattice(System.currentTimeMillis() * 1_000_000L, 666, new byte[held]));
        ByteBuffer.wrap(lww).order(ByteOrder.LITTLE_ENDIAN).putInt(LWW_LENGTH_OFFSET, claimed);
        return lww;
    }

    static byte[] max(final long value)
    {
        return LatticeCodec.toBytes(MaxLattice.of(value));
    }

    /**
     * A valid single-key causal value of {@code versions} pairwise concurrent versions (one-entry clocks of
     * distinct nodes, empty values), in canonical order: 10,922 of them make the 262,133 bytes of item 4.
     */
    static byte[] concurrentCausal(final int versions)
    {
        final byte[][] encoded = new byte[versions][];
        for (int i = 0; i < versions; i++)
        {
            // clock: count 1, (node id, counter 1); value: empty bytes.
            final ByteBuffer version = ByteBuffer.allocate(4 + 16 + 4).order(ByteOrder.LITTLE_ENDIAN);
            version.putInt(1).putLong(i + 1).putLong(1).putInt(0);
            encoded[i] = version.array();
        }
        // Versions are ordered by their encoded bytes, compared unsigned.
        Arrays.sort(encoded, Arrays::compareUnsigned);
        final ByteBuffer value = ByteBuffer.allocate(1 + 4 + versions * 24).order(ByteOrder.LITTLE_ENDIAN);
        value.put((byte)9).putInt(versions);
        for (final byte[] version : encoded)
        {
            value.put(version);
        }
        return value.array();
    }

    static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    int callFunction(
        final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long replyTo, final long deadline,
        final CallMode mode, final long periodNs, final long[] times, final String function, final byte[] args)
    {
        callFunction.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(replyTo).replyTo(replyTo)
            .deadline(deadline).mode(mode).periodNs(periodNs);
        final int group = callFunction.limit();
        final CallFunctionEncoder.TimesEncoder timesEncoder = callFunction.timesCount(times.length);
        for (final long at : times)
        {
            timesEncoder.next().at(at);
        }
        shape.group(group, callFunction.limit());
        shape.length(callFunction.limit());
        callFunction.function(function);
        shape.length(callFunction.limit());
        callFunction.putArgs(args, 0, args.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + callFunction.encodedLength();
    }

    int callDag(
        final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long replyTo, final long deadline,
        final CallMode mode, final long periodNs, final String dag, final int[] stages, final byte[][] args)
    {
        callDag.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(replyTo).replyTo(replyTo)
            .deadline(deadline).mode(mode).periodNs(periodNs);
        final int group = callDag.limit();
        final CallDagEncoder.SourceArgsEncoder sources = callDag.sourceArgsCount(stages.length);
        for (int i = 0; i < stages.length; i++)
        {
            sources.next().stage(stages[i]);
            shape.length(callDag.limit());
            sources.putArgs(args[i], 0, args[i].length);
        }
        shape.group(group, callDag.limit());
        shape.length(callDag.limit());
        callDag.dag(dag);
        return MessageHeaderEncoder.ENCODED_LENGTH + callDag.encodedLength();
    }

    int registerFunction(
        final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long session, final FunctionKind kind,
        final String name, final String entryPoint, final byte[] code)
    {
        registerFunction.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(session).version(1).kind(kind);
        shape.length(registerFunction.limit());
        registerFunction.name(name);
        shape.length(registerFunction.limit());
        registerFunction.entryPoint(entryPoint);
        shape.length(registerFunction.limit());
        registerFunction.putCode(code, 0, code.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + registerFunction.encodedLength();
    }

    int registerDag(
        final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long session, final String name,
        final List<String> functions, final int[] from, final int[] to)
    {
        registerDag.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(session);
        int group = registerDag.limit();
        final RegisterDagEncoder.FunctionsEncoder functionsEncoder = registerDag.functionsCount(functions.size());
        for (final String function : functions)
        {
            functionsEncoder.next();
            shape.length(registerDag.limit());
            functionsEncoder.function(function);
        }
        shape.group(group, registerDag.limit());
        group = registerDag.limit();
        final RegisterDagEncoder.ConnectionsEncoder connections = registerDag.connectionsCount(from.length);
        for (int i = 0; i < from.length; i++)
        {
            connections.next().fromStage(from[i]).toStage(to[i]);
        }
        shape.group(group, registerDag.limit());
        shape.length(registerDag.limit());
        registerDag.name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + registerDag.encodedLength();
    }

    int deleteFunction(final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long session, final String name)
    {
        deleteFunction.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(session);
        shape.length(deleteFunction.limit());
        deleteFunction.name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + deleteFunction.encodedLength();
    }

    int deleteDag(final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long session, final String name)
    {
        deleteDag.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(session);
        shape.length(deleteDag.limit());
        deleteDag.name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + deleteDag.encodedLength();
    }

    int listFunctions(final MutableDirectBuffer buffer, final long correlationId, final long session)
    {
        listFunctions.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(session);
        return MessageHeaderEncoder.ENCODED_LENGTH + listFunctions.encodedLength();
    }

    /**
     * An open-mode {@code Connect} of a client that receives at {@code endpoint}.
     */
    int connect(final MutableDirectBuffer buffer, final long correlationId, final long client, final String endpoint)
    {
        connect.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).clientNode(client).timestamp(0)
            .namespaceName("").identity("").replyEndpoint(endpoint);
        return MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength();
    }

    int cancel(final MutableDirectBuffer buffer, final long correlationId, final long session)
    {
        cancel.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionId(session);
        return MessageHeaderEncoder.ENCODED_LENGTH + cancel.encodedLength();
    }

    /**
     * A trigger of one stage of a DAG whose stages all run on {@code executor}.
     */
    int trigger(
        final MutableDirectBuffer buffer, final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int targetStage, final int fromStage, final long executor, final List<String> functions, final int[] from,
        final int[] to, final byte[] args)
    {
        trigger.wrapAndApplyHeader(buffer, 0, header).invocationId(invocationId).correlationId(correlationId).replyTo(replyTo)
            .deadline(deadline).targetStage(targetStage).fromStage(fromStage).attempt(0);
        final TriggerEncoder.ScheduleEncoder schedule = trigger.scheduleCount(functions.size());
        for (final String function : functions)
        {
            schedule.next().executor(executor).function(function);
        }
        final TriggerEncoder.EdgesEncoder edges = trigger.edgesCount(from.length);
        for (int i = 0; i < from.length; i++)
        {
            edges.next().fromStage(from[i]).toStage(to[i]);
        }
        trigger.putArgs(args, 0, args.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + trigger.encodedLength();
    }

    int kvsGet(final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long replyTo, final byte[] key)
    {
        kvsGet.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).replyTo(replyTo);
        shape.length(kvsGet.limit());
        kvsGet.putKey(key, 0, key.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + kvsGet.encodedLength();
    }

    int kvsMultiGet(
        final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long replyTo, final byte[][] keys)
    {
        kvsMultiGet.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).replyTo(replyTo);
        final int group = kvsMultiGet.limit();
        final KvsMultiGetEncoder.KeysEncoder keysEncoder = kvsMultiGet.keysCount(keys.length);
        for (final byte[] key : keys)
        {
            keysEncoder.next();
            shape.length(kvsMultiGet.limit());
            keysEncoder.putKey(key, 0, key.length);
        }
        shape.group(group, kvsMultiGet.limit());
        return MessageHeaderEncoder.ENCODED_LENGTH + kvsMultiGet.encodedLength();
    }

    int kvsPut(
        final MutableDirectBuffer buffer, final Shape shape, final long correlationId, final long replyTo, final AckLevel ack,
        final byte[] key, final byte[] value)
    {
        kvsPut.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).replyTo(replyTo).ack(ack);
        shape.length(kvsPut.limit());
        kvsPut.putKey(key, 0, key.length);
        shape.length(kvsPut.limit());
        kvsPut.putValue(value, 0, value.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + kvsPut.encodedLength();
    }

    int kvsMerge(final MutableDirectBuffer buffer, final long correlationId, final long replyTo, final byte[] key, final byte[] value)
    {
        kvsMerge.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).replyTo(replyTo);
        kvsMerge.putKey(key, 0, key.length);
        kvsMerge.putValue(value, 0, value.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + kvsMerge.encodedLength();
    }

    int subscribe(
        final MutableDirectBuffer buffer, final Shape shape, final boolean watch, final long correlationId, final long subscriber,
        final byte[][] keys)
    {
        final int group;
        if (watch)
        {
            subscribe.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).subscriber(subscriber);
            group = subscribe.limit();
            final SubscribeEncoder.KeysEncoder keysEncoder = subscribe.keysCount(keys.length);
            for (final byte[] key : keys)
            {
                keysEncoder.next();
                shape.length(subscribe.limit());
                keysEncoder.putKey(key, 0, key.length);
            }
            shape.group(group, subscribe.limit());
            return MessageHeaderEncoder.ENCODED_LENGTH + subscribe.encodedLength();
        }
        unsubscribe.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).subscriber(subscriber);
        group = unsubscribe.limit();
        final UnsubscribeEncoder.KeysEncoder keysEncoder = unsubscribe.keysCount(keys.length);
        for (final byte[] key : keys)
        {
            keysEncoder.next();
            shape.length(unsubscribe.limit());
            keysEncoder.putKey(key, 0, key.length);
        }
        shape.group(group, unsubscribe.limit());
        return MessageHeaderEncoder.ENCODED_LENGTH + unsubscribe.encodedLength();
    }

    int keyUpdate(final MutableDirectBuffer buffer, final long source, final byte[] key, final byte[] value)
    {
        keyUpdate.wrapAndApplyHeader(buffer, 0, header).source(source).timestamp(System.currentTimeMillis() * 1_000_000L);
        keyUpdate.putKey(key, 0, key.length);
        keyUpdate.putValue(value, 0, value.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + keyUpdate.encodedLength();
    }

    int gossip(final MutableDirectBuffer buffer, final long sender, final byte[] key, final byte[] value)
    {
        gossip.wrapAndApplyHeader(buffer, 0, header).sender(sender).round(1);
        gossip.entriesCount(1).next().putKey(key, 0, key.length).putValue(value, 0, value.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + gossip.encodedLength();
    }

    /**
     * @return a shape nobody reads, for frames sent as they are.
     */
    Shape noShape()
    {
        noShape.reset();
        return noShape;
    }
}
