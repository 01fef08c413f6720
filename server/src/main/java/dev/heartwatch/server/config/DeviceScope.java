package dev.heartwatch.server.config;

import dev.heartwatch.core.contract.DeviceId;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices a bound ping key speaks for: device ids ({@code router}) and name prefixes
 * ({@code office-*}). A device speaks for its checks too: {@code router} covers
 * {@code router.dns} (a check beats as {@code <device>.<check>}), but not {@code router2}.
 *
 * @param devices  exact device ids, normalised as the contract normalises them
 * @param prefixes name prefixes, without the {@code *}
 */
public record DeviceScope(List<String> devices, List<String> prefixes) {
    public DeviceScope {
        devices = List.copyOf(devices);
        prefixes = List.copyOf(prefixes);
    }

    /** Whether a line of {@code device} (a normalised id) may be sent with this key. */
    public boolean speaksFor(String device) {
        for (String d : devices) {
            if (device.equals(d) || device.startsWith(d + ".")) {
                return true;
            }
        }
        for (String p : prefixes) {
            if (device.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads {@code router, nas, office-*}; {@code where} names the binding in an error.
     *
     * @throws ConfigException for an empty list, a name that is not a device id as the contract
     *                         normalises it, or a prefix that would cover every device
     */
    static DeviceScope parse(String list, String where) {
        List<String> devices = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String[] parts = list.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String entry = parts[i].strip();
            if (entry.isEmpty()) {
                continue;
            }
            boolean prefix = entry.endsWith("*");
            String name = prefix ? entry.substring(0, entry.length() - 1) : entry;
            if (prefix && name.isEmpty()) {
                throw new ConfigException(where + ": '*' alone would speak for every device; "
                        + "such a key belongs in HEARTWATCH_KEYS");
            }
            // A prefix may end where an id may not (office- , site.): check it as an id with a letter after it.
            if (!DeviceId.isValid(prefix ? name + "a" : name) || name.contains("*")) {
                // An entry as long as a key may be one, written the wrong way round: never echo it.
                String shown = entry.length() < KeyRules.MIN_LENGTH ? "'" + SettingNames.printable(entry) + "'"
                        : "device " + (i + 1) + " (as long as a key: is the binding KEY:devices?)";
                throw new ConfigException(where + ": " + shown + " is not a device id"
                        + (prefix ? " prefix" : "") + " (lower case a-z, 0-9, '.', '_', '-'; a prefix ends in '*')");
            }
            (prefix ? prefixes : devices).add(name);
        }
        if (devices.isEmpty() && prefixes.isEmpty()) {
            throw new ConfigException(where + ": names no device");
        }
        return new DeviceScope(devices, prefixes);
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(devices);
        prefixes.forEach(p -> all.add(p + "*"));
        return String.join(",", all);
    }
}
