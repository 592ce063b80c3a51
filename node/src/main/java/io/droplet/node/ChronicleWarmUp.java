package io.droplet.node;

import io.droplet.store.storage.ByteRegion;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Makes Chronicle Map generate and compile its classes for the maps this process will open, before
 * the process starts talking to a media driver. The first map of a JVM can take seconds to create
 * (longer on a loaded machine); if that happened while an Aeron client in the invoker profile waited
 * to be driven, the client would miss its service interval and close. Later opens are quick.
 * <p>
 * <b>Note:</b> thread-safe; call once per process, before {@code Transport.launch}.
 */
public final class ChronicleWarmUp
{
    private ChronicleWarmUp()
    {
    }

    /**
     * Creates and closes a small in-memory map of the key and value types the store and host cache use.
     */
    public static void run()
    {
        try (ChronicleMap<ByteRegion, ByteRegion> map = ByteRegion.mapBuilder()
            .name("droplet-warm-up")
            .entries(16)
            .averageKeySize(16)
            .averageValueSize(16)
            .create())
        {
            final ByteRegion key = new ByteRegion(8).copyFrom(new org.agrona.concurrent.UnsafeBuffer(new byte[]{ 1 }), 0, 1);
            map.put(key, key);
        }
    }
}
