package dev.heartwatch.server.alert;

import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.Flip;
import dev.heartwatch.server.store.DeviceRecord;
import java.time.Duration;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * A new device's warm-up: a device that is not expected and would go DOWN less than
 * {@code window} after it was first seen, having beaten fewer than {@code beats} times, never
 * established itself (a typo, a test, one of a flood of invented names), so that silence raises
 * nothing. Once it has beaten {@code beats} times it alerts like any other, and so does a
 * device whose silence begins after its warm-up (a daily job is not asked for three runs).
 * Judged at the flip's own instant, so the answer does not change while it stays silent: a
 * name that beat once is not mailed about later either. Expected devices alert from the start.
 *
 * @param window how long after its first beat a device is new (longer than the threshold, or a
 *               silent new device is already out of it when it would go down)
 * @param beats  beats that end the warm-up early
 */
public record NewDeviceWarmUp(Duration window, int beats) {

    /** No warm-up: every device alerts from its first beat. */
    public static NewDeviceWarmUp none() {
        return new NewDeviceWarmUp(Duration.ZERO, 1);
    }

    /**
     * Whether {@code flip} (of the device {@code r}) is held back.
     *
     * @param beatCount how many beats the store holds for a device; asked only for a device in
     *                  its window
     */
    boolean holdsBack(DeviceRecord r, Flip flip, Set<String> expected, ToLongFunction<String> beatCount) {
        if (flip.to() != DeviceStatus.DOWN || window.isZero() || r.firstSeen() == null || expected.contains(r.device())) {
            return false;
        }
        return flip.at().isBefore(r.firstSeen().plus(window)) && beatCount.applyAsLong(r.device()) < beats;
    }
}
