package dev.heartwatch.server.dashboard;

import java.util.Set;

/** The status words the dashboard shows; the page styles exactly these. */
final class DeviceStatusName {
    static final Set<String> ALL = Set.of("up", "down", "muted", "stopped", "retired", "unknown");

    private DeviceStatusName() {
    }

    static String require(String status, String what) {
        if (status == null || !ALL.contains(status)) {
            throw new IllegalArgumentException(what + " must be one of " + ALL + ", was " + status);
        }
        return status;
    }
}
