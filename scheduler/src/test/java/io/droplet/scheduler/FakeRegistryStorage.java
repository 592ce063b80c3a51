package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Lattice;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A KVS that answers only when the test says so: reads and writes wait in order.
 */
final class FakeRegistryStorage implements RegistryStorage
{
    record Read(List<String> keys, Completion completion)
    {
    }

    record Write(String key, byte[] frame, Completion completion)
    {
    }

    final ArrayDeque<Read> reads = new ArrayDeque<>();
    final ArrayDeque<Write> writes = new ArrayDeque<>();
    final List<String> subscribed = new ArrayList<>();
    EntryListener listener;

    public void entryListener(final EntryListener listener)
    {
        this.listener = listener;
    }

    public int doWork()
    {
        return 0;
    }

    public void write(final String key, final byte[] frame, final Completion completion)
    {
        writes.add(new Write(key, frame, completion));
    }

    public void read(final List<String> keys, final Completion completion)
    {
        reads.add(new Read(List.copyOf(keys), completion));
    }

    public void subscribe(final String key)
    {
        subscribed.add(key);
    }

    public void addToSet(final String key, final String element, final Completion completion)
    {
        completion.onComplete(ErrorCode.NONE, Map.of());
    }

    public void close()
    {
    }

    /**
     * Answers the oldest read.
     *
     * @param code  NONE or a failure.
     * @param found lattices by key.
     */
    void answerRead(final ErrorCode code, final Map<String, Lattice> found)
    {
        reads.removeFirst().completion().onComplete(code, new HashMap<>(found));
    }

    /**
     * Acknowledges the oldest write.
     */
    void acknowledgeWrite()
    {
        writes.removeFirst().completion().onComplete(ErrorCode.NONE, new HashMap<>());
    }
}
