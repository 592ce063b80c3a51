package io.droplet.scheduler;

import io.droplet.codecs.sbe.FunctionKind;
import org.agrona.DirectBuffer;

/**
 * Reads registration frames kept in the registry (a {@code RegisterFunction} or {@code RegisterDag}
 * frame as its client sent it): the {@link ClientRequestAdapter} implements it, so the protocol's
 * templates are decoded in that one class.
 * <p>
 * <b>Note:</b> called on the scheduler's thread only.
 */
public interface RegistrationReader
{
    /**
     * @param buffer holding a {@code RegisterFunction} frame.
     * @param offset of the frame.
     * @return the function's kind.
     */
    FunctionKind functionKind(DirectBuffer buffer, int offset);

    /**
     * @param buffer holding a {@code RegisterDag} frame.
     * @param offset of the frame.
     * @return the DAG it describes.
     * @throws IllegalArgumentException if it is not a valid DAG.
     */
    DagDefinition dag(DirectBuffer buffer, int offset);
}
