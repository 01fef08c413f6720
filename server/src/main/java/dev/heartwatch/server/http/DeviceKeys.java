package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.server.config.DeviceKey;
import dev.heartwatch.server.config.DeviceScope;
import dev.heartwatch.server.config.PairMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "A key speaks for its own devices": the ping keys bound to devices, and the one check of a
 * request's lines against the key it came with. An unbound key (HEARTWATCH_KEYS) is not here and
 * speaks for every device. A bound key's request is refused whole when any of its lines is for
 * another device, or is a probe (a line for no device is not one of its devices either).
 */
public final class DeviceKeys {
    private record Bound(KeyRing key, DeviceScope scope) {
    }

    /** Devices named in a refusal; a batch of hundreds is not echoed back. */
    private static final int MAX_NAMED = 5;

    private final List<Bound> bound = new ArrayList<>();

    public DeviceKeys(List<DeviceKey> keys) {
        for (DeviceKey k : keys) {
            bound.add(new Bound(new KeyRing(List.of(k.key())), k.scope()));
        }
    }

    public static DeviceKeys none() {
        return new DeviceKeys(List.of());
    }

    /**
     * Why {@code lines}, sent with {@code presentedKey}, may not be stored; empty when they may.
     * The reason names the devices refused, never the key.
     */
    public Optional<String> refusal(String presentedKey, List<ContractLine> lines) {
        Optional<DeviceScope> scope = scopeOf(presentedKey);
        Optional<String> reserved = reservedRefusal(scope, lines);
        if (reserved.isPresent() || scope.isEmpty()) {
            return reserved;
        }
        List<String> refused = new ArrayList<>();
        for (ContractLine line : lines) {
            String device = deviceOf(line);
            if (device == null) {
                return Optional.of("this key speaks only for " + scope.get()
                        + "; a request without a device (a probe) is not one of them");
            }
            if (!scope.get().speaksFor(device) && !refused.contains(device) && refused.size() < MAX_NAMED) {
                refused.add(device);
            }
        }
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("this key speaks only for " + scope.get() + ", not for " + String.join(",", refused)
                + "; nothing from this request was stored");
    }

    /**
     * Issue 18: {@code stack-*} ids are the pair's own beats (a server beating its peer). Only a
     * key bound to exactly that device may send one: not an unbound key, not a prefix binding
     * such as {@code stack-*}, not a key bound to another stack.
     */
    private static Optional<String> reservedRefusal(Optional<DeviceScope> scope, List<ContractLine> lines) {
        for (ContractLine line : lines) {
            String device = deviceOf(line);
            if (device != null && device.startsWith(PairMode.STACK_PREFIX)
                    && (scope.isEmpty() || !scope.get().devices().contains(device))) {
                return Optional.of(device + " is a stack's reserved id: only the peer's key, bound to exactly "
                        + device + " in HEARTWATCH_DEVICE_KEYS, may beat for it; nothing from this request was stored");
            }
        }
        return Optional.empty();
    }

    /** Every bound key is compared (KeyRing: constant time), so the answer's time tells nothing. */
    private Optional<DeviceScope> scopeOf(String presentedKey) {
        DeviceScope found = null;
        for (Bound b : bound) {
            if (b.key().matches(presentedKey)) {
                found = b.scope();
            }
        }
        return Optional.ofNullable(found);
    }

    private static String deviceOf(ContractLine line) {
        if (line instanceof HeartbeatLine h) {
            return h.device();
        }
        if (line instanceof OutageLine o) {
            return o.device();
        }
        return null; // a ProbeLine: no device
    }
}
