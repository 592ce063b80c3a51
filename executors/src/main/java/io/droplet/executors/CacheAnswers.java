package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * What the host's cache agent answers executors; {@link CachePublisher} encodes it in place, tests
 * record it. Each method returns a {@code SendStatus}.
 * <p>
 * <b>Note:</b> called on the cache agent's thread only.
 */
interface CacheAnswers
{
    /**
     * @param valueLength of the value in {@code value}, or negative if the key is absent.
     */
    int answerGet(long executor, long correlationId, DirectBuffer key, int keyOffset, int keyLength, DirectBuffer value, int valueLength);

    /**
     * @param code NONE if the write reached the key's primary replica, or why it did not.
     */
    int answerPut(long executor, long correlationId, ErrorCode code);

    /**
     * A typed error for a fetch that failed (error path).
     */
    int error(long executor, long correlationId, ErrorCode code, String detail);
}
