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
import io.droplet.store.node.StoreRequestPublisher;
import io.droplet.transport.Introductions;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.PeerDirectory;
import io.droplet.transport.SendStatus;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * Encodes the client protocol's requests on the client's agent thread and offers each once to its node
 * (the scheduler unless named): a refusal is returned for the caller to try again later, never waited out.
 * Connect and the storage requests are encoded by the storage protocol's {@link StoreRequestPublisher},
 * shared with every storage client. Messages are encoded into one reused buffer that grows to the largest
 * request (a shipped jar); one larger than the transport carries is refused as PAYLOAD_TOO_LARGE.
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
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
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

    /**
     * @param peers            of the client node.
     * @param clientNode       node id of the client: its session and where answers go.
     * @param schedulerNode    where requests without a node go.
     * @param replyEndpoint    where the client receives, as a Connect names it.
     * @param clock            whose now is the send deadline (one attempt).
     * @param handshakeSendNs  how long an Authenticate may wait for its link (a refused one costs a Connect timeout).
     * @param introductions    keeps the Connects to send again.
     * @param maxMessageLength largest message the transport carries.
     */
    ClientPublisher(
        final PeerDirectory peers, final long clientNode, final long schedulerNode, final String replyEndpoint,
        final NanoClock clock, final long handshakeSendNs, final Introductions introductions, final int maxMessageLength)
    {
        this.peers = peers;
        this.clientNode = clientNode;
        this.schedulerNode = schedulerNode;
        this.replyEndpoint = replyEndpoint;
        this.clock = clock;
        this.handshakeSendNs = handshakeSendNs;
        this.introductions = introductions;
        this.storage = new StoreRequestPublisher(peers, clientNode, maxMessageLength);
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
        authenticateEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .clientNode(clientNode)
            .putProof(proof, 0, proof.length);
        return offer(node, authenticateEncoder.encodedLength(), clock.nanoTime() + handshakeSendNs);
    }

    public void session(final long node, final long sessionId)
    {
        peers.reservedValue(node, sessionId);
    }

    public int callFunction(
        final long correlationId, final long deadline, final CallMode mode, final long periodNs, final long[] times,
        final byte[] function, final byte[] args)
    {
        callFunctionEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
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
        return offer(schedulerNode, callFunctionEncoder.encodedLength());
    }

    public int callDag(
        final long correlationId, final long deadline, final CallMode mode, final byte[] dag, final int[] stages,
        final byte[][] args)
    {
        callDagEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
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
        return offer(schedulerNode, callDagEncoder.encodedLength());
    }

    public int cancel(final long correlationId)
    {
        cancelEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).correlationId(correlationId).sessionId(clientNode);
        return offer(schedulerNode, cancelEncoder.encodedLength());
    }

    public int registerFunction(
        final long correlationId, final long version, final FunctionKind kind, final String name, final String entryPoint,
        final byte[] code)
    {
        registerFunctionEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .sessionId(clientNode)
            .version(version)
            .kind(kind)
            .name(name)
            .entryPoint(entryPoint)
            .putCode(code, 0, code.length);
        return offer(schedulerNode, registerFunctionEncoder.encodedLength());
    }

    public int deleteFunction(final long correlationId, final String name)
    {
        deleteFunctionEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId).sessionId(clientNode).name(name);
        return offer(schedulerNode, deleteFunctionEncoder.encodedLength());
    }

    public int listFunctions(final long correlationId)
    {
        listFunctionsEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).correlationId(correlationId).sessionId(clientNode);
        return offer(schedulerNode, listFunctionsEncoder.encodedLength());
    }

    public int registerDag(
        final long correlationId, final String name, final List<String> functions, final int[] fromStages, final int[] toStages)
    {
        registerDagEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).correlationId(correlationId).sessionId(clientNode);
        final RegisterDagEncoder.FunctionsEncoder stages = registerDagEncoder.functionsCount(functions.size());
        for (final String function : functions)
        {
            stages.next().function(function);
        }
        final RegisterDagEncoder.ConnectionsEncoder edges = registerDagEncoder.connectionsCount(fromStages.length);
        for (int i = 0; i < fromStages.length; i++)
        {
            edges.next().fromStage(fromStages[i]).toStage(toStages[i]);
        }
        registerDagEncoder.name(name);
        return offer(schedulerNode, registerDagEncoder.encodedLength());
    }

    public int deleteDag(final long correlationId, final String name)
    {
        deleteDagEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).correlationId(correlationId).sessionId(clientNode).name(name);
        return offer(schedulerNode, deleteDagEncoder.encodedLength());
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

    private int offer(final long node, final int bodyLength)
    {
        // One attempt: a back-pressured request is retried on a later duty cycle, until its deadline.
        return offer(node, bodyLength, clock.nanoTime());
    }

    private int offer(final long node, final int bodyLength, final long sendDeadlineNs)
    {
        final MessagePublisher publisher = peers.publisher(node);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        return publisher.offer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength, sendDeadlineNs);
    }
}
