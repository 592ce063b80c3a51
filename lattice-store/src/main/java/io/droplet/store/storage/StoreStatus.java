package io.droplet.store.storage;

/**
 * Results of {@link LatticeStore} operations: non-negative for success, negative otherwise.
 */
public final class StoreStatus
{
    /** A merge changed the stored value (a write happened). */
    public static final int CHANGED = 1;
    /** A merge left the stored value as it was (nothing written). */
    public static final int UNCHANGED = 0;
    /** No value under the key. */
    public static final int NOT_FOUND = -10;
    /** The merge failed: the values are of different types. */
    public static final int TYPE_MISMATCH = -11;
    /** The incoming value is not a valid encoding. */
    public static final int INVALID = -12;
    /** The value is larger than the configured maximum, or the caller's buffer. */
    public static final int TOO_LARGE = -13;
    /** The store has no room for another entry. */
    public static final int FULL = -14;
    /** The stored entry failed its checksum: it was dropped, counted and reported (a read answers {@link #DATA_LOST}). */
    public static final int CORRUPT = -15;
    /** The key is empty or longer than the configured maximum. */
    public static final int INVALID_KEY = -16;
    /**
     * No value under the key, but this store held one and dropped it as corrupt (at recovery, or when a read
     * found it failing its checksum): lost, not absent, until a merge stores a value under the key again.
     */
    public static final int DATA_LOST = -17;

    private StoreStatus()
    {
    }

    /**
     * @param mergeResult a negative {@link MergeFunction} result: -1 type mismatch, -2 invalid, -3 too large.
     * @return the matching store status.
     */
    public static int ofMergeFailure(final int mergeResult)
    {
        switch (mergeResult)
        {
            case -1:
                return TYPE_MISMATCH;
            case -3:
                return TOO_LARGE;
            default:
                return INVALID;
        }
    }
}
