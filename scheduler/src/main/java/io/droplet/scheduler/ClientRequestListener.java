package io.droplet.scheduler;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;

/**
 * What a {@link ClientRequestAdapter} decodes from the client calls and registry protocol, one typed
 * method per message. Variable-length fields arrive as views into the frame, valid only during the call:
 * a listener that keeps one copies it.
 * <p>
 * <b>Note:</b> called on the scheduler's thread only.
 */
public interface ClientRequestListener
{
    /**
     * {@code CallDag}: run a registered DAG.
     *
     * @param correlationId of the call.
     * @param replyTo       node the result goes to.
     * @param deadline      epoch ns by which the call must finish, 0 for none.
     * @param mode          of the call.
     * @param dag           buffer holding the DAG's name (UTF-8).
     * @param dagOffset     of the name.
     * @param dagLength     of the name.
     * @param args          arguments per source stage, viewing the frame.
     */
    void onCallDag(
        long correlationId, long replyTo, long deadline, CallMode mode,
        DirectBuffer dag, int dagOffset, int dagLength, SourceArgs args);

    /**
     * {@code CallFunction}: run one function (once, on every executor, or periodically).
     *
     * @param correlationId  of the call.
     * @param replyTo        node the result goes to.
     * @param deadline       epoch ns by which the call must finish, 0 for none.
     * @param mode           of the call.
     * @param periodNs       of a PERIOD call without given times.
     * @param times          given times of a PERIOD call (epoch ns, ascending), in {@code [0, timesCount)}.
     * @param timesCount     given times; 0 for none.
     * @param function       buffer holding the function's name (UTF-8).
     * @param functionOffset of the name.
     * @param functionLength of the name.
     * @param args           the arguments, as stage 0's.
     */
    void onCallFunction(
        long correlationId, long replyTo, long deadline, CallMode mode, long periodNs, long[] times, int timesCount,
        DirectBuffer function, int functionOffset, int functionLength, SourceArgs args);

    /**
     * {@code Cancel}: stop a periodic call.
     *
     * @param correlationId of the periodic call.
     * @param sessionId     of the caller.
     */
    void onCancel(long correlationId, long sessionId);

    /**
     * {@code RegisterFunction}.
     *
     * @param correlationId of the request.
     * @param sessionId     of the caller.
     * @param kind          of the function.
     * @param name          buffer holding the function's name.
     * @param nameOffset    of the name.
     * @param nameLength    of the name.
     * @param frame         buffer holding the whole frame (kept and shipped as sent).
     * @param frameOffset   of the frame.
     * @param frameLength   of the frame.
     */
    void onRegisterFunction(
        long correlationId, long sessionId, FunctionKind kind, DirectBuffer name, int nameOffset, int nameLength,
        DirectBuffer frame, int frameOffset, int frameLength);

    /**
     * {@code DeleteFunction}.
     *
     * @param correlationId of the request.
     * @param sessionId     of the caller.
     * @param name          buffer holding the function's name.
     * @param nameOffset    of the name.
     * @param nameLength    of the name.
     */
    void onDeleteFunction(long correlationId, long sessionId, DirectBuffer name, int nameOffset, int nameLength);

    /**
     * {@code ListFunctions}.
     *
     * @param correlationId of the request.
     * @param sessionId     of the caller.
     * @param principal     who sent it: a client sees its own namespace only.
     */
    void onListFunctions(long correlationId, long sessionId, Principal principal);

    /**
     * {@code RegisterDag}: the DAG's shape as sent, not yet validated (control path: decoded into arrays).
     *
     * @param correlationId of the request.
     * @param sessionId     of the caller.
     * @param name          of the DAG.
     * @param functions     by stage index.
     * @param edgeFrom      parent stage of each edge.
     * @param edgeTo        child stage of each edge.
     * @param frame         buffer holding the whole frame (kept as sent).
     * @param frameOffset   of the frame.
     * @param frameLength   of the frame.
     */
    void onRegisterDag(
        long correlationId, long sessionId, String name, String[] functions, int[] edgeFrom, int[] edgeTo,
        DirectBuffer frame, int frameOffset, int frameLength);

    /**
     * {@code DeleteDag}.
     *
     * @param correlationId of the request.
     * @param sessionId     of the caller.
     * @param name          buffer holding the DAG's name.
     * @param nameOffset    of the name.
     * @param nameLength    of the name.
     */
    void onDeleteDag(long correlationId, long sessionId, DirectBuffer name, int nameOffset, int nameLength);

    /**
     * {@code Connect}: a caller joins.
     *
     * @param correlationId  of the request.
     * @param clientNode     the caller's node id.
     * @param sessionToken   of an authenticated caller, 0 otherwise.
     * @param endpoint       buffer holding where the caller receives.
     * @param endpointOffset of the endpoint.
     * @param endpointLength of the endpoint.
     */
    void onConnect(
        long correlationId, long clientNode, long sessionToken, DirectBuffer endpoint, int endpointOffset, int endpointLength);

    /**
     * A frame that failed validation (already counted).
     *
     * @param rejection why.
     * @param buffer    holding the frame.
     * @param offset    of the frame.
     * @param length    of the frame.
     */
    void onRejected(FrameRejection rejection, DirectBuffer buffer, int offset, int length);
}
