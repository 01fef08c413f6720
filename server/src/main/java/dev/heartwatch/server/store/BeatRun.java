package dev.heartwatch.server.store;

import dev.heartwatch.core.rule.BeatSchedule;

/**
 * One run of a device's heartbeats: consecutive beats none of which is further after the one
 * before than that beat's gap limit ({@link BeatSchedule#outageGap} of the schedule it carried,
 * the threshold for a beat without one). Between two runs lies a gap longer than the limit of the
 * run's last beat (an outage, or a clean stop when {@code lastStopping}); inside a run nothing
 * counts (core's one gap rule, {@code Gap#counts}). Receiver times, epoch ms.
 *
 * @param id           row id; 0 while not yet written
 * @param beats        how many beats the run holds
 * @param lastStopping the run's last beat said {@code stopping}
 * @param lastSchedule the schedule the run's last beat carried, or null (none): it judges the gap after the run
 */
record BeatRun(long id, String device, long firstBeat, long lastBeat, long beats, boolean lastStopping,
               BeatSchedule lastSchedule) {
}
