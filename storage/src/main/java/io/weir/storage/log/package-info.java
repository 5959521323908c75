/**
 * The partition log, in Kafka's shape. A partition directory {@code <log.dir>/<topic>-<partition>/}
 * holds:
 *
 * <ul>
 *   <li>segments named by their base offset padded to 20 digits: {@code .log} (record batches in
 *       Kafka's v2 layout, byte for byte), {@code .index} (sparse offset to position) and {@code
 *       .timeindex} (sparse timestamp to offset);
 *   <li>{@code leader-epoch-checkpoint} (epoch to start offset), {@code
 *       recovery-point-offset-checkpoint} and {@code log-start-offset-checkpoint}, each written
 *       atomically (temp file, fsync, rename, directory fsync);
 *   <li>{@code .clean-shutdown} while the log is closed cleanly; its absence at open means
 *       recovery from the recovery point.
 * </ul>
 *
 * <p>{@link io.weir.storage.log.Log} is the partition; {@link io.weir.storage.log.LogManager} a
 * log directory of them; {@link io.weir.storage.log.LogCleaner} compaction. Offsets never change:
 * retention deletes whole segments and moves the log start offset, compaction leaves gaps.
 */
package io.weir.storage.log;
