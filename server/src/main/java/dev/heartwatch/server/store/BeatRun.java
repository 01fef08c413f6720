package dev.heartwatch.server.store;

/**
 * One run of a device's heartbeats: consecutive beats none of which is more than the threshold
 * after the one before. Between two runs lies a gap longer than the threshold (an outage, or a
 * clean stop when {@code lastStopping}); inside a run nothing counts (core's one gap rule,
 * {@code Gap#counts}). Receiver times, epoch ms.
 *
 * @param id           row id; 0 while not yet written
 * @param beats        how many beats the run holds
 * @param lastStopping the run's last beat said {@code stopping}
 */
record BeatRun(long id, String device, long firstBeat, long lastBeat, long beats, boolean lastStopping) {
}
