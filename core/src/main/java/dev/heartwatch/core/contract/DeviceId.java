package dev.heartwatch.core.contract;

import dev.heartwatch.common.DeviceIdRule;

/**
 * Device ids (contract §3 step 3): NFKC, lower case, every run outside {@code [a-z0-9._-]}
 * becomes one {@code -}, leading and trailing {@code -} and {@code .} removed, at most 64
 * characters. An empty id means "no device": the request is a probe. The rule itself is
 * common's {@link DeviceIdRule}, which the agent uses to name its checks' devices.
 */
public final class DeviceId {
    private DeviceId() {
    }

    public static String normalize(String raw) {
        return DeviceIdRule.normalize(raw);
    }

    /** True when {@code id} is already a normalised, non-empty device id. */
    public static boolean isValid(String id) {
        return id != null && !id.isEmpty() && id.equals(normalize(id));
    }
}
