package io.droplet.client;

import io.droplet.api.DropletFunction;

/**
 * Installs a function object into the executors of the caller's own process; provided by
 * {@code Droplet.local()}. A client connected to a deployment has none (shipping code comes later).
 * <p>
 * <b>Note:</b> implementations must be thread-safe.
 */
@FunctionalInterface
public interface FunctionInstaller
{
    /**
     * @param name     of the function.
     * @param function to install.
     */
    void install(String name, DropletFunction function);
}
