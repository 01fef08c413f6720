package dev.heartwatch.agent.check;

import java.time.Duration;

/**
 * One active check, parsed and validated at start-up: what it probes, how often, and the device
 * it beats for.
 *
 * @param device  {@code <agent device>.<name>}, sanitised by the contract's device-id rule
 * @param where   where it was configured, for messages
 * @param retries the check is down at its {@code retries}-th consecutive failure; it beats until then
 * @param period  sent with each beat: the interval, at least the agent's (batches go once an interval)
 * @param grace   sent with each beat
 */
public record Check(String name, String device, String where, Probe probe, Duration every, int retries,
                    Duration timeout, Duration period, Duration grace) {
}
