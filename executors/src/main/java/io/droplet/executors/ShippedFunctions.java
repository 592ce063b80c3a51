package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.StatefulFunction;
import io.droplet.codecs.sbe.FunctionKind;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

import java.util.HashMap;
import java.util.Map;

/**
 * Functions shipped to this executor by the schedulers (control path): classes loaded from the bytes a
 * client registered, stateful classes, and process functions, installed into {@link LocalFunctions}
 * under their names and removed again when deleted.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class ShippedFunctions implements AutoCloseable
{
    private final LocalFunctions functions;
    private final ErrorHandler errorHandler;
    private final long processTimeoutMs;
    private final FunctionLoader loader = new FunctionLoader();
    private final Map<String, String> registrations = new HashMap<>();
    private final Map<String, ProcessFunction> processes = new HashMap<>();

    /**
     * @param functions        to install into.
     * @param errorHandler     told why a function could not be loaded.
     * @param processTimeoutMs longest run of a process function.
     */
    ShippedFunctions(final LocalFunctions functions, final ErrorHandler errorHandler, final long processTimeoutMs)
    {
        this.functions = functions;
        this.errorHandler = errorHandler;
        this.processTimeoutMs = processTimeoutMs;
    }

    /**
     * Loads a registered function and makes it runnable here.
     */
    void register(
        final String name, final long sessionId, final long correlationId, final long version, final FunctionKind kind,
        final String entryPoint, final DirectBuffer code, final int codeOffset, final int codeLength)
    {
        // Each scheduler of a deployment forwards a registration it learns of: the same registration
        // (same caller, correlation and version) is loaded once, so a stateful instance keeps its state.
        final String identity = sessionId + ":" + correlationId + ":" + version;
        if (identity.equals(registrations.get(name)))
        {
            return;
        }
        registrations.put(name, identity);
        if (kind == FunctionKind.PROCESS)
        {
            try
            {
                final ProcessFunction function = new ProcessFunction(name, ProcessFunction.parseCommand(entryPoint), processTimeoutMs);
                CloseHelper.quietClose(processes.put(name, function));
                functions.install(name, function);
            }
            catch (final IllegalArgumentException ex)
            {
                errorHandler.onError(ex);
            }
            return;
        }
        if (kind != FunctionKind.JAVA && kind != FunctionKind.STATEFUL_CLASS && kind != FunctionKind.KEYED_CLASS)
        {
            return;
        }
        final byte[] bytes = new byte[codeLength];
        code.getBytes(codeOffset, bytes);
        try
        {
            final DropletFunction function = loader.load(name, entryPoint, bytes, version);
            if (function instanceof StatefulFunction)
            {
                ((StatefulFunction)function).init();
            }
            functions.install(name, function);
        }
        catch (final Exception ex)
        {
            // Calls of it will get FUNCTION_NOT_FOUND naming this executor; the reason is in the error log.
            errorHandler.onError(ex);
        }
    }

    /**
     * Removes a function and releases what it held.
     */
    void delete(final String name)
    {
        registrations.remove(name);
        functions.remove(name);
        loader.unload(name);
        CloseHelper.quietClose(processes.remove(name));
    }

    /**
     * Releases the class loaders and processes of shipped functions.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(processes.values());
        CloseHelper.quietClose(loader);
    }
}
