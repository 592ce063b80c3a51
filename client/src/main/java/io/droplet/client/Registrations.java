package io.droplet.client;

import io.droplet.api.Connection;
import io.droplet.api.DropletException;

import io.droplet.api.DropletFunction;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry part of a {@link DropletClient}: registers and deletes functions and DAGs, lists functions,
 * and keeps the stages of the DAGs this client registered (a call with arguments by source needs them).
 * <p>
 * <b>Note:</b> thread-safe.
 */
final class Registrations
{
    /** The code of a function loaded from the executors' class path: none shipped. */
    static final byte[] NO_CODE = new byte[0];

    private final ClientSession session;
    private final FunctionInstaller installer;
    private final Map<String, List<String>> dagFunctions = new HashMap<>();

    /**
     * @param session   of the client.
     * @param installer for in-process functions, or null.
     */
    Registrations(final ClientSession session, final FunctionInstaller installer)
    {
        this.session = session;
        this.installer = installer;
    }

    void registerLocal(final String name, final DropletFunction function)
    {
        if (null == installer)
        {
            throw new UnsupportedOperationException("this client cannot install in-process functions; shipping code " +
                "to a deployment is not implemented yet");
        }
        installer.install(name, function);
        register(name, "", NO_CODE, 0, FunctionKind.LOCAL);
    }

    void register(final String name, final String entryPoint, final byte[] code, final long version, final FunctionKind kind)
    {
        final String wireName = session.qualify(name);
        send((publisher, id) -> publisher.registerFunction(id, version, kind, wireName, entryPoint, code));
    }

    void deleteFunction(final String name)
    {
        final String wireName = session.qualify(name);
        send((publisher, id) -> publisher.deleteFunction(id, wireName));
    }

    @SuppressWarnings("unchecked")
    List<String> listFunctions()
    {
        final FunctionListRequest request = new FunctionListRequest(
            session.nextCorrelationId(), 0, session.deadlineNs(session.defaultTimeoutNs()));
        final List<String> names = (List<String>)session.join(session.enqueue(request));
        final String prefix = session.namespacePrefix();
        if (prefix.isEmpty())
        {
            return names;
        }
        // The node lists only this namespace's functions; users see them by the names they registered.
        final List<String> local = new ArrayList<>(names.size());
        for (final String name : names)
        {
            local.add(name.startsWith(prefix) ? name.substring(prefix.length()) : name);
        }
        return local;
    }

    void registerDag(final String name, final List<String> functions, final List<Connection> connections)
    {
        final List<String> wireFunctions = new ArrayList<>(functions.size());
        for (final String function : functions)
        {
            wireFunctions.add(session.qualify(function));
        }
        final int[] from = new int[connections.size()];
        final int[] to = new int[connections.size()];
        for (int i = 0; i < from.length; i++)
        {
            final Connection connection = connections.get(i);
            from[i] = functions.indexOf(connection.from());
            to[i] = functions.indexOf(connection.to());
            if (from[i] < 0 || to[i] < 0)
            {
                throw new DropletException(ErrorCode.INVALID_ARGUMENT,
                    "connection " + connection.from() + " -> " + connection.to() + " names a function not in the DAG");
            }
        }
        final String wireName = session.qualify(name);
        send((publisher, id) -> publisher.registerDag(id, wireName, wireFunctions, from, to));
        synchronized (dagFunctions)
        {
            dagFunctions.put(name, List.copyOf(functions));
        }
    }

    void deleteDag(final String name)
    {
        final String wireName = session.qualify(name);
        send((publisher, id) -> publisher.deleteDag(id, wireName));
        synchronized (dagFunctions)
        {
            dagFunctions.remove(name);
        }
    }

    /**
     * @param dag registered by this client.
     * @return its stages by function name, or null if this client did not register it.
     */
    List<String> dagFunctions(final String dag)
    {
        synchronized (dagFunctions)
        {
            return dagFunctions.get(dag);
        }
    }

    private void send(final RegistryRequest.Message message)
    {
        session.join(session.enqueue(new RegistryRequest(
            session.nextCorrelationId(), 0, session.deadlineNs(session.defaultTimeoutNs()), message)));
    }
}
