/**
 * Functions the fault tests register by class; executor processes load them from the test class path.
 */
package io.droplet.soak.functions;
