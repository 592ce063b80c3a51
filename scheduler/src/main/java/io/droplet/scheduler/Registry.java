package io.droplet.scheduler;

import io.droplet.codecs.NameTable;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.api.lattice.Lattice;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scheduler's registry cache: functions and DAGs by name, filled from registrations and from the
 * KVS ({@link RegistryStorage}, null for a registry in memory only). A miss becomes a
 * {@link PendingLookup}: {@link #lookUp} reads the named entries, applies what was found, subscribes to
 * it, and hands the lookup back to its owner. Entries the KVS pushes (changes made through other
 * schedulers) are applied as they come.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Lookups by name from a buffer do not
 * allocate; applying entries does (control path).
 */
final class Registry implements RegistryStorage.EntryListener
{
    /** Told when a function becomes callable here or stops being. */
    interface FunctionListener
    {
        /**
         * @param name  of the function.
         * @param kind  of the function.
         * @param frame its registration frame as the client sent it.
         */
        void onFunctionApplied(String name, FunctionKind kind, byte[] frame);

        /**
         * @param name of the function removed.
         */
        void onFunctionRemoved(String name);
    }

    private final NameTable<DagDefinition> dags = new NameTable<>();
    private final NameTable<DagDefinition> functions = new NameTable<>();
    private final Map<String, FunctionKind> functionKinds = new TreeMap<>();
    private final Map<String, byte[]> appliedFrames = new HashMap<>();
    private final RegistryStorage storage;
    private final RegistrationReader reader;
    private final FunctionListener functionListener;
    private final ErrorHandler errorHandler;
    private final SchedulerCounters counters;
    private int pendingLookups;

    /**
     * @param storage          the KVS, or null for a registry in memory only.
     * @param reader           of kept registration frames.
     * @param functionListener told of functions applied and removed.
     * @param errorHandler     told of entries that cannot be read.
     * @param counters         of the scheduler.
     */
    Registry(
        final RegistryStorage storage, final RegistrationReader reader, final FunctionListener functionListener,
        final ErrorHandler errorHandler, final SchedulerCounters counters)
    {
        this.storage = storage;
        this.reader = reader;
        this.functionListener = functionListener;
        this.errorHandler = errorHandler;
        this.counters = counters;
        if (null != storage)
        {
            storage.entryListener(this);
        }
    }

    /**
     * Validates a DAG's shape.
     *
     * @return the DAG.
     * @throws IllegalArgumentException naming the DAG and what is wrong with it.
     */
    static DagDefinition defineDag(final String name, final String[] functions, final int[] edgeFrom, final int[] edgeTo)
    {
        try
        {
            return DagDefinition.of(name, functions, edgeFrom, edgeTo);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("DAG " + name + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the KVS, or null for a registry in memory only.
     */
    RegistryStorage storage()
    {
        return storage;
    }

    /**
     * @return work done by the KVS client.
     */
    int doWork()
    {
        return null == storage ? 0 : storage.doWork();
    }

    DagDefinition dag(final DirectBuffer buffer, final int offset, final int length)
    {
        return dags.get(buffer, offset, length);
    }

    DagDefinition dag(final String name)
    {
        return dags.get(name);
    }

    DagDefinition function(final DirectBuffer buffer, final int offset, final int length)
    {
        return functions.get(buffer, offset, length);
    }

    DagDefinition function(final String name)
    {
        return functions.get(name);
    }

    /**
     * @return kinds of the functions known here, by name (do not modify).
     */
    Map<String, FunctionKind> functionKinds()
    {
        return functionKinds;
    }

    /**
     * @return lookups waiting for the KVS.
     */
    int pendingLookups()
    {
        return pendingLookups;
    }

    /**
     * @param dag a DAG.
     * @return registry keys of its functions not known here.
     */
    List<String> unknownFunctionKeys(final DagDefinition dag)
    {
        final List<String> keys = new ArrayList<>();
        for (int s = 0; s < dag.stageCount(); s++)
        {
            if (null == functions.get(dag.function(s)))
            {
                keys.add(RegistryStore.FUNCTION_PREFIX + dag.function(s));
            }
        }
        return keys;
    }

    /**
     * Reads registry entries for a request that missed.
     *
     * @param lookup the waiting request.
     * @param state  it waits in.
     * @param keys   to read.
     * @return true if the lookup waits; false if there is nothing to read (no KVS, no keys).
     */
    boolean lookUp(final PendingLookup lookup, final PendingLookup.State state, final List<String> keys)
    {
        if (null == storage || keys.isEmpty())
        {
            return false;
        }
        counters.registryLookups.incrementRelease();
        pendingLookups++;
        lookup.start(this, state);
        storage.read(keys, lookup);
        return true;
    }

    void onLookedUp(final PendingLookup lookup, final Map<String, Lattice> found, final PendingLookup.State after)
    {
        pendingLookups--;
        for (final Map.Entry<String, Lattice> entry : found.entrySet())
        {
            final byte[] frame = RegistryStore.frameOf(entry.getValue());
            if (null != frame)
            {
                onEntry(entry.getKey(), frame);
                storage.subscribe(entry.getKey());
            }
        }
        lookup.owner.onLookedUp(lookup, after);
    }

    /**
     * Applies a registry entry read from, or pushed by, the KVS.
     *
     * @param key   registry key.
     * @param frame the registration frame, or null for a deletion.
     */
    public void onEntry(final String key, final byte[] frame)
    {
        if (key.startsWith(RegistryStore.FUNCTION_PREFIX))
        {
            final String name = key.substring(RegistryStore.FUNCTION_PREFIX.length());
            if (null == frame)
            {
                removeFunction(name);
            }
            else
            {
                applyFunction(name, frame);
            }
        }
        else if (key.startsWith(RegistryStore.DAG_PREFIX))
        {
            final String name = key.substring(RegistryStore.DAG_PREFIX.length());
            if (null == frame)
            {
                dags.remove(name);
                return;
            }
            try
            {
                dags.put(name, reader.dag(new UnsafeBuffer(frame), 0));
            }
            catch (final IllegalArgumentException ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    /**
     * Makes a registered function callable here; applying the same registration again changes nothing.
     *
     * @param name  of the function.
     * @param frame its registration frame.
     */
    void applyFunction(final String name, final byte[] frame)
    {
        if (Arrays.equals(appliedFrames.get(name), frame))
        {
            return;
        }
        appliedFrames.put(name, frame);
        final FunctionKind kind = reader.functionKind(new UnsafeBuffer(frame), 0);
        functionListener.onFunctionApplied(name, kind, frame);
        functions.put(name, DagDefinition.single(name));
        functionKinds.put(name, kind);
    }

    /**
     * @param name of a function no longer registered.
     */
    void removeFunction(final String name)
    {
        appliedFrames.remove(name);
        if (null == functions.remove(name))
        {
            return;
        }
        functionKinds.remove(name);
        functionListener.onFunctionRemoved(name);
    }

    void putDag(final String name, final DagDefinition dag)
    {
        dags.put(name, dag);
    }

    void removeDag(final String name)
    {
        dags.remove(name);
    }

    /**
     * Reads the whole registry's function entries (names set first, then every function it names),
     * applies them, and completes.
     *
     * @param completion told when done, with NONE or the first failure.
     */
    void refreshFunctions(final RegistryStorage.Completion completion)
    {
        storage.read(List.of(RegistryStore.NAMES_KEY), (code, names) ->
        {
            final List<String> keys = new ArrayList<>();
            final Lattice set = names.get(RegistryStore.NAMES_KEY);
            if (null != set)
            {
                for (final String key : RegistryStore.namesOf(set))
                {
                    if (key.startsWith(RegistryStore.FUNCTION_PREFIX))
                    {
                        keys.add(key);
                    }
                }
            }
            storage.read(keys, (entriesCode, entries) ->
            {
                if (code != ErrorCode.NONE || entriesCode != ErrorCode.NONE)
                {
                    completion.onComplete(code != ErrorCode.NONE ? code : entriesCode, entries);
                    return;
                }
                for (final String key : keys)
                {
                    final Lattice entry = entries.get(key);
                    final byte[] frame = null == entry ? null : RegistryStore.frameOf(entry);
                    final String name = key.substring(RegistryStore.FUNCTION_PREFIX.length());
                    if (null == frame)
                    {
                        removeFunction(name);
                    }
                    else
                    {
                        applyFunction(name, frame);
                        storage.subscribe(key);
                    }
                }
                completion.onComplete(ErrorCode.NONE, entries);
            });
        });
    }
}
