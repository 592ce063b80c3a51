package io.droplet.client;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;

import java.util.List;

/**
 * What a client sends: one method per request of the client protocol, and the storage requests it makes.
 * Each is tried once and returns a {@link io.droplet.transport.SendStatus}; a refused send is the caller's
 * to try again on a later duty cycle. Requests without a node go to the scheduler.
 * <p>
 * <b>Note:</b> called on the client's agent thread only.
 */
interface RequestPublisher
{
    /**
     * Introduces this client to a node.
     *
     * @param node          the node.
     * @param correlationId of the Connect.
     * @param timestampNs   epoch time of the Connect.
     * @param namespace     of the client ("" on an open deployment).
     * @param identity      of the client ("" on an open deployment).
     * @param remember      true to keep the Connect and send it again when the node may have restarted.
     * @return a send status.
     */
    int connect(long node, long correlationId, long timestampNs, String namespace, String identity, boolean remember);

    /**
     * Answers a node's Challenge with a proof of this client's secret.
     *
     * @param node          that challenged.
     * @param correlationId of the Connect.
     * @param proof         of the secret over the nonce.
     * @return a send status.
     */
    int authenticate(long node, long correlationId, byte[] proof);

    /**
     * Every later frame to {@code node} carries the session it granted.
     *
     * @param node      that granted it.
     * @param sessionId granted.
     */
    void session(long node, long sessionId);

    /**
     * @param correlationId of the call.
     * @param deadline      epoch time after which its result is of no use.
     * @param mode          call mode.
     * @param periodNs      between runs of a PERIOD call, else 0.
     * @param times         epoch times of a PERIOD call at given times, else empty.
     * @param function      name on the wire, UTF-8 (encoded by the caller's thread, not the agent's).
     * @param args          encoded argument list.
     * @return a send status.
     */
    int callFunction(long correlationId, long deadline, CallMode mode, long periodNs, long[] times, byte[] function, byte[] args);

    /**
     * @param correlationId of the call.
     * @param deadline      epoch time after which its result is of no use.
     * @param mode          call mode.
     * @param dag           name on the wire, UTF-8 (encoded by the caller's thread, not the agent's).
     * @param stages        of the sources given arguments.
     * @param args          encoded argument list of each of those sources.
     * @return a send status.
     */
    int callDag(long correlationId, long deadline, CallMode mode, byte[] dag, int[] stages, byte[][] args);

    /**
     * @param correlationId of the PERIOD call to stop.
     * @return a send status.
     */
    int cancel(long correlationId);

    /**
     * @param correlationId of the request.
     * @param version       of the code.
     * @param kind          of function.
     * @param name          on the wire.
     * @param entryPoint    class name, command, or "".
     * @param code          shipped jar, or empty.
     * @return a send status.
     */
    int registerFunction(long correlationId, long version, FunctionKind kind, String name, String entryPoint, byte[] code);

    /**
     * @param correlationId of the request.
     * @param name          on the wire.
     * @return a send status.
     */
    int deleteFunction(long correlationId, String name);

    /**
     * @param correlationId of the request.
     * @return a send status.
     */
    int listFunctions(long correlationId);

    /**
     * @param correlationId of the request.
     * @param name          on the wire.
     * @param functions     stages, names on the wire.
     * @param fromStages    of each connection.
     * @param toStages      of each connection.
     * @return a send status.
     */
    int registerDag(long correlationId, String name, List<String> functions, int[] fromStages, int[] toStages);

    /**
     * @param correlationId of the request.
     * @param name          on the wire.
     * @return a send status.
     */
    int deleteDag(long correlationId, String name);

    /**
     * @param node          coordinating storage node.
     * @param correlationId of the put.
     * @param ack           level.
     * @param key           on the wire.
     * @param value         encoded lattice.
     * @return a send status.
     */
    int put(long node, long correlationId, AckLevel ack, byte[] key, byte[] value);

    /**
     * @param node          storage node.
     * @param correlationId of the get.
     * @param key           on the wire.
     * @return a send status.
     */
    int get(long node, long correlationId, byte[] key);
}
