package io.weir.storage.log;

/**
 * An offset with where its batch lives, so a reader can bound the active segment by the last
 * fully written position without searching for it.
 */
record LogOffsetMetadata(long messageOffset, long segmentBaseOffset, int relativePositionInSegment) {}
