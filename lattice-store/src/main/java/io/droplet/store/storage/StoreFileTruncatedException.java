package io.droplet.store.storage;

/**
 * The store's map file is shorter than it was when the store last had it: refused, since starting empty
 * would hide a problem an operator must see (a full disk, a copy cut short). The process should end with
 * this message and a non-zero status.
 * <p>
 * <b>Note:</b> immutable, thread-safe.
 */
public final class StoreFileTruncatedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was found and what to do.
     */
    public StoreFileTruncatedException(final String message)
    {
        super(message);
    }
}
