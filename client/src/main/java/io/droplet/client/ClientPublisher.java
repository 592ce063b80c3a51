package io.droplet.client;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.AuthenticateEncoder;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.CancelEncoder;
import io.droplet.codecs.sbe.DeleteDagEncoder;
import io.droplet.codecs.sbe.DeleteFunctionEncoder;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.ListFunctionsEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterDagEncoder;
import io.droplet.codecs.sbe.RegisterFunctionEncoder;
import io.droplet.store.client.StoreRequestPublisher;
import io.droplet.transport.Introductions;
import io.droplet.transport.DirectSends;
import io.droplet.transport.PeerDirectory;
import io.droplet.transport.SendStatus;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes the client protocol's requests in place on the client's agent thread (space claimed in the node's
 * publication, or the publisher's own buffer for a message longer than a frame) and sends each once to its
 * node (the scheduler unless named): a refusal is returned for the caller to try again later, never waited
 * out, and the request, not a copy of its frame, is what is kept. Connect and the storage requests are
 * encoded by the storage protocol's {@link StoreRequestPublisher}, shared with every storage client. A
 * message longer than the transport carries is refused as PAYLOAD_TOO_LARGE before it is encoded.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the client's agent thread.
 */
final class ClientPublisher implements RequestPublisher
{
    private final PeerDirectory peers;
    private final long clientNode;
    private final long schedulerNode;
    private final String replyEndpoint;
    private final NanoClock clock;
    private final long handshakeSendNs;
    private final Introductions introductions;
    private final StoreRequestPublisher storage;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AuthenticateEncoder authenticateEncoder = new AuthenticateEncoder();
    private final CallFunctionEncoder callFunctionEncoder = new CallFunctionEncoder();
    private final CallDagEncoder callDagEncoder = new CallDagEncoder();
    private final CancelEncoder cancelEncoder = new CancelEncoder();
    private final RegisterFunctionEncoder registerFunctionEncoder = new RegisterFunctionEncoder();
    private final DeleteFunctionEncoder deleteFunctionEncoder = new DeleteFunctionEncoder();
    private final ListFunctionsEncoder listFunctionsEncoder = new ListFunctionsEncoder();
    private final RegisterDagEncoder registerDagEncoder = new RegisterDagEncoder();
    private final DeleteDagEncoder deleteDagEncoder = new DeleteDagEncoder();
    private final DirectSends sends;

    /**
     * @param peers           of the client node.
     * @param clientNode      node id of the client: its session and where answers go.
     * @param schedulerNode   where requests without a node go.
     * @param replyEndpoint   where the client receives, as a Connect names it.
     * @param clock           whose now is the send deadline (one attempt).
     * @param handshakeSendNs how long an Authenticate may wait for its link (a refused one costs a Connect timeout).
     * @param introductions   keeps the Connects to send again.
     */
    ClientPublisher(
        final PeerDirectory peers, final long clientNode, final long schedulerNode, final String replyEndpoint,
        final NanoClock clock, final long handshakeSendNs, final Introductions introductions)
    {
        this.peers = peers;
        this.sends = new DirectSends(peers);
        this.clientNode = clientNode;
        this.schedulerNode = schedulerNode;
        this.replyEndpoint = replyEndpoint;
        this.clock = clock;
        this.handshakeSendNs = handshakeSendNs;
        this.introductions = introductions;
        this.storage = new StoreRequestPublisher(peers, clientNode);
    }

    public int connect(
        final long node, final long correlationId, final long timestampNs, final String namespace, final String identity,
        final boolean remember)
    {
        return storage.connect(node, correlationId, timestampNs, namespace, identity, replyEndpoint,
            remember ? introductions : null, clock.nanoTime());
    }

    public int authenticate(final long node, final long correlationId, final byte[] proof)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + AuthenticateEncoder.BLOCK_LENGTH +
            AuthenticateEncoder.proofHeaderLength() + proof.length;
        final int status = sends.claim(node, length, clock.nanoTime() + handshakeSendNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        authenticateEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .clientNode(clientNode)
            .putProof(proof, 0, proof.length);
        return sends.commit();
    }

    public void session(final long node, final long sessionId)
    {
        peers.reservedValue(node, sessionId);
    }

    public int callFunction(
        final long correlationId, final long deadline, final CallMode mode, final long periodNs, final long[] times,
        final byte[] function, final byte[] args)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + CallFunctionEncoder.BLOCK_LENGTH +
            CallFunctionEncoder.TimesEncoder.sbeHeaderSize() + times.length * CallFunctionEncoder.TimesEncoder.sbeBlockLength() +
            CallFunctionEncoder.functionHeaderLength() + function.length + CallFunctionEncoder.argsHeaderLength() + args.length;
        final int status = sends.claim(schedulerNode, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        callFunctionEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode)
            .replyTo(clientNode)
            .deadline(deadline)
            .mode(mode)
            .periodNs(periodNs);
        final CallFunctionEncoder.TimesEncoder group = callFunctionEncoder.timesCount(times.length);
        for (final long time : times)
        {
            group.next().at(time);
        }
        callFunctionEncoder.putFunction(function, 0, function.length).putArgs(args, 0, args.length);
        assert MessageHeaderEncoder.ENCODED_LENGTH + callFunctionEncoder.encodedLength() == length;
        return sends.commit();
    }

    public int callDag(
        final long correlationId, final long deadline, final CallMode mode, final byte[] dag, final int[] stages,
        final byte[][] args)
    {
        int length = MessageHeaderEncoder.ENCODED_LENGTH + CallDagEncoder.BLOCK_LENGTH +
            CallDagEncoder.SourceArgsEncoder.sbeHeaderSize() + CallDagEncoder.dagHeaderLength() + dag.length;
        for (final byte[] sourceArgs : args)
        {
            length += CallDagEncoder.SourceArgsEncoder.sbeBlockLength() + CallDagEncoder.SourceArgsEncoder.argsHeaderLength() +
                sourceArgs.length;
        }
        final int status = sends.claim(schedulerNode, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        callDagEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode)
            .replyTo(clientNode)
            .deadline(deadline)
            .mode(mode)
            .periodNs(0);
        final CallDagEncoder.SourceArgsEncoder sources = callDagEncoder.sourceArgsCount(stages.length);
        for (int i = 0; i < stages.length; i++)
        {
            sources.next().stage(stages[i]).putArgs(args[i], 0, args[i].length);
        }
        callDagEncoder.putDag(dag, 0, dag.length);
        assert MessageHeaderEncoder.ENCODED_LENGTH + callDagEncoder.encodedLength() == length;
        return sends.commit();
    }

    public int cancel(final long correlationId)
    {
        final int status = sends.claim(schedulerNode, MessageHeaderEncoder.ENCODED_LENGTH + CancelEncoder.BLOCK_LENGTH, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        cancelEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode);
        return sends.commit();
    }

    public int registerFunction(
        final long correlationId, final long version, final FunctionKind kind, final String name, final String entryPoint,
        final byte[] code)
    {
        // Registry requests are the control path: names are made bytes here to know the length before claiming.
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final byte[] entryPointBytes = entryPoint.getBytes(StandardCharsets.UTF_8);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + RegisterFunctionEncoder.BLOCK_LENGTH +
            RegisterFunctionEncoder.nameHeaderLength() + nameBytes.length +
            RegisterFunctionEncoder.entryPointHeaderLength() + entryPointBytes.length +
            RegisterFunctionEncoder.codeHeaderLength() + code.length;
        final int status = sends.claim(schedulerNode, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        registerFunctionEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode)
            .version(version)
            .kind(kind)
            .putName(nameBytes, 0, nameBytes.length)
            .putEntryPoint(entryPointBytes, 0, entryPointBytes.length)
            .putCode(code, 0, code.length);
        return sends.commit();
    }

    public int deleteFunction(final long correlationId, final String name)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final int status = sends.claim(schedulerNode, MessageHeaderEncoder.ENCODED_LENGTH + DeleteFunctionEncoder.BLOCK_LENGTH +
            DeleteFunctionEncoder.nameHeaderLength() + nameBytes.length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        deleteFunctionEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode)
            .putName(nameBytes, 0, nameBytes.length);
        return sends.commit();
    }

    public int listFunctions(final long correlationId)
    {
        final int status = sends.claim(
            schedulerNode, MessageHeaderEncoder.ENCODED_LENGTH + ListFunctionsEncoder.BLOCK_LENGTH, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        listFunctionsEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode);
        return sends.commit();
    }

    public int registerDag(
        final long correlationId, final String name, final List<String> functions, final int[] fromStages, final int[] toStages)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final byte[][] functionBytes = new byte[functions.size()][];
        int length = MessageHeaderEncoder.ENCODED_LENGTH + RegisterDagEncoder.BLOCK_LENGTH +
            RegisterDagEncoder.FunctionsEncoder.sbeHeaderSize() + RegisterDagEncoder.ConnectionsEncoder.sbeHeaderSize() +
            fromStages.length * RegisterDagEncoder.ConnectionsEncoder.sbeBlockLength() +
            RegisterDagEncoder.nameHeaderLength() + nameBytes.length;
        for (int i = 0; i < functionBytes.length; i++)
        {
            functionBytes[i] = functions.get(i).getBytes(StandardCharsets.UTF_8);
            length += RegisterDagEncoder.FunctionsEncoder.sbeBlockLength() + RegisterDagEncoder.FunctionsEncoder.functionHeaderLength() +
                functionBytes[i].length;
        }
        final int status = sends.claim(schedulerNode, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        registerDagEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode);
        final RegisterDagEncoder.FunctionsEncoder stages = registerDagEncoder.functionsCount(functionBytes.length);
        for (final byte[] function : functionBytes)
        {
            stages.next().putFunction(function, 0, function.length);
        }
        final RegisterDagEncoder.ConnectionsEncoder edges = registerDagEncoder.connectionsCount(fromStages.length);
        for (int i = 0; i < fromStages.length; i++)
        {
            edges.next().fromStage(fromStages[i]).toStage(toStages[i]);
        }
        registerDagEncoder.putName(nameBytes, 0, nameBytes.length);
        assert MessageHeaderEncoder.ENCODED_LENGTH + registerDagEncoder.encodedLength() == length;
        return sends.commit();
    }

    public int deleteDag(final long correlationId, final String name)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final int status = sends.claim(schedulerNode, MessageHeaderEncoder.ENCODED_LENGTH + DeleteDagEncoder.BLOCK_LENGTH +
            DeleteDagEncoder.nameHeaderLength() + nameBytes.length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        deleteDagEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode)
            .putName(nameBytes, 0, nameBytes.length);
        return sends.commit();
    }

    public int put(final long node, final long correlationId, final AckLevel ack, final byte[] key, final byte[] value)
    {
        keyView.wrap(key);
        valueView.wrap(value);
        return storage.put(node, correlationId, ack, keyView, 0, key.length, valueView, 0, value.length, clock.nanoTime());
    }

    public int get(final long node, final long correlationId, final byte[] key)
    {
        keyView.wrap(key);
        return storage.get(node, correlationId, keyView, 0, key.length, clock.nanoTime());
    }
}
