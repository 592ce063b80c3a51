package io.droplet.store.storage;

import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;

import java.io.File;
import java.util.function.Supplier;

/**
 * Settings of a {@link LatticeStore}: where its files live and how it is sized. Defaults come from
 * system properties ({@code *_PROP_NAME}); {@link #conclude()} validates once.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to {@link LatticeStore#open}.
 */
public final class StoreContext
{
    /** Data directory. */
    public static final String DATA_DIR_PROP_NAME = "droplet.store.dir";
    /** Entries the store is sized for. */
    public static final String ENTRIES_PROP_NAME = "droplet.store.entries";
    /** Default entries: one million. */
    public static final long ENTRIES_DEFAULT = 1_000_000;
    /** Average key size in bytes, for sizing. */
    public static final String AVERAGE_KEY_SIZE_PROP_NAME = "droplet.store.average.key.size";
    /** Default average key size. */
    public static final int AVERAGE_KEY_SIZE_DEFAULT = 32;
    /** Average value size in bytes, for sizing. */
    public static final String AVERAGE_VALUE_SIZE_PROP_NAME = "droplet.store.average.value.size";
    /** Default average value size. */
    public static final int AVERAGE_VALUE_SIZE_DEFAULT = 128;
    /** Largest value accepted. */
    public static final String MAX_VALUE_LENGTH_PROP_NAME = "droplet.store.max.value.length";
    /** Default largest value: 256 KiB. */
    public static final String MAX_VALUE_LENGTH_DEFAULT = "256k";
    /** Longest a recovery of the map file (in a process of its own) may take before the file is set aside. */
    public static final String RECOVERY_TIMEOUT_PROP_NAME = "droplet.store.recovery.timeout";
    /** Default recovery timeout: 5 minutes (a file of millions of entries on a slow disk). */
    public static final String RECOVERY_TIMEOUT_DEFAULT = "300s";
    /** Longest key accepted. */
    public static final int MAX_KEY_LENGTH = 1024;

    private File dataDirectory = null == System.getProperty(DATA_DIR_PROP_NAME) ?
        null : new File(System.getProperty(DATA_DIR_PROP_NAME));
    private long entries = Long.getLong(ENTRIES_PROP_NAME, ENTRIES_DEFAULT);
    private int averageKeySize = Integer.getInteger(AVERAGE_KEY_SIZE_PROP_NAME, AVERAGE_KEY_SIZE_DEFAULT);
    private int averageValueSize = Integer.getInteger(AVERAGE_VALUE_SIZE_PROP_NAME, AVERAGE_VALUE_SIZE_DEFAULT);
    private int maxValueLength = (int)SystemUtil.parseSize(MAX_VALUE_LENGTH_PROP_NAME,
        System.getProperty(MAX_VALUE_LENGTH_PROP_NAME, MAX_VALUE_LENGTH_DEFAULT));
    private long recoveryTimeoutNs = SystemUtil.parseDuration(RECOVERY_TIMEOUT_PROP_NAME,
        System.getProperty(RECOVERY_TIMEOUT_PROP_NAME, RECOVERY_TIMEOUT_DEFAULT));
    private Runnable duringRecovery = () -> { };
    private Supplier<MergeFunction> mergeFunctionSupplier;
    private StoreCounters counters;
    private ErrorHandler errorHandler = Throwable::printStackTrace;
    private String name = "store";

    /**
     * Validates the settings.
     *
     * @return this context.
     */
    public StoreContext conclude()
    {
        if (null == dataDirectory)
        {
            throw new IllegalArgumentException("a store needs a data directory: set " + DATA_DIR_PROP_NAME);
        }
        if (entries < 1 || averageKeySize < 1 || averageValueSize < 1 || maxValueLength < 1 || recoveryTimeoutNs < 1)
        {
            throw new IllegalArgumentException("store sizes must be positive");
        }
        if (null == mergeFunctionSupplier || null == counters)
        {
            throw new IllegalArgumentException("a store needs a merge function and counters");
        }
        return this;
    }

    /**
     * @return the data directory.
     */
    public File dataDirectory()
    {
        return dataDirectory;
    }

    /**
     * @param dataDirectory where the store's files live.
     * @return this context.
     */
    public StoreContext dataDirectory(final File dataDirectory)
    {
        this.dataDirectory = dataDirectory;
        return this;
    }

    /**
     * @return entries the store is sized for.
     */
    public long entries()
    {
        return entries;
    }

    /**
     * @param entries the store is sized for; Chronicle Map allows some growth beyond, then reports full.
     * @return this context.
     */
    public StoreContext entries(final long entries)
    {
        this.entries = entries;
        return this;
    }

    /**
     * @return average key size.
     */
    public int averageKeySize()
    {
        return averageKeySize;
    }

    /**
     * @param averageKeySize in bytes, for sizing.
     * @return this context.
     */
    public StoreContext averageKeySize(final int averageKeySize)
    {
        this.averageKeySize = averageKeySize;
        return this;
    }

    /**
     * @return average value size.
     */
    public int averageValueSize()
    {
        return averageValueSize;
    }

    /**
     * @param averageValueSize in bytes, for sizing.
     * @return this context.
     */
    public StoreContext averageValueSize(final int averageValueSize)
    {
        this.averageValueSize = averageValueSize;
        return this;
    }

    /**
     * @return largest value accepted.
     */
    public int maxValueLength()
    {
        return maxValueLength;
    }

    /**
     * @param maxValueLength largest value accepted.
     * @return this context.
     */
    public StoreContext maxValueLength(final int maxValueLength)
    {
        this.maxValueLength = maxValueLength;
        return this;
    }

    /**
     * @return longest a recovery of the map file may take, in ns.
     */
    public long recoveryTimeoutNs()
    {
        return recoveryTimeoutNs;
    }

    /**
     * @param recoveryTimeoutNs longest a recovery of the map file may take before the file is set aside as damaged.
     * @return this context.
     */
    public StoreContext recoveryTimeoutNs(final long recoveryTimeoutNs)
    {
        this.recoveryTimeoutNs = recoveryTimeoutNs;
        return this;
    }

    /**
     * @return run every few milliseconds on the opening thread while a recovery process runs.
     */
    public Runnable duringRecovery()
    {
        return duringRecovery;
    }

    /**
     * @param duringRecovery run every few milliseconds on the opening thread while the map file is recovered in a
     *                       process of its own (seconds): an invoker-profile Aeron client driven by that thread
     *                       must be kept alive meanwhile, or its conductor times out.
     * @return this context.
     */
    public StoreContext duringRecovery(final Runnable duringRecovery)
    {
        this.duringRecovery = duringRecovery;
        return this;
    }

    /**
     * @return supplier of merge functions, one per thread.
     */
    public Supplier<MergeFunction> mergeFunctionSupplier()
    {
        return mergeFunctionSupplier;
    }

    /**
     * @param mergeFunctionSupplier of merge functions, called once per thread that merges.
     * @return this context.
     */
    public StoreContext mergeFunctionSupplier(final Supplier<MergeFunction> mergeFunctionSupplier)
    {
        this.mergeFunctionSupplier = mergeFunctionSupplier;
        return this;
    }

    /**
     * @return counters.
     */
    public StoreCounters counters()
    {
        return counters;
    }

    /**
     * @param counters of the owning node.
     * @return this context.
     */
    public StoreContext counters(final StoreCounters counters)
    {
        this.counters = counters;
        return this;
    }

    /**
     * @return where corrupt entries and other failures are reported.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param errorHandler where corrupt entries and other failures are reported.
     * @return this context.
     */
    public StoreContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the store's name, used for the map's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @param name of the store.
     * @return this context.
     */
    public StoreContext name(final String name)
    {
        this.name = name;
        return this;
    }
}
