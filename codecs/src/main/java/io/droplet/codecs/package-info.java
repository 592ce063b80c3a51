/**
 * Droplet's wire protocol: the SBE schema ({@code droplet-schema.xml}, generated into
 * {@code io.droplet.codecs.sbe} at build time), the single gate every inbound frame passes before a
 * decoder touches it ({@link io.droplet.codecs.FrameValidator}), and the value encoding for function
 * arguments and results ({@link io.droplet.codecs.value}).
 * <p>
 * This module knows nothing of Aeron: it works on Agrona buffers only, so it can be used by any
 * transport and tested without one.
 */
package io.droplet.codecs;
