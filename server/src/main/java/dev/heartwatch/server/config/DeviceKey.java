package dev.heartwatch.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A ping key bound to the devices it speaks for ({@code HEARTWATCH_DEVICE_KEYS},
 * {@code HEARTWATCH_DEVICE_KEY_FILE}): a home agent's key that can beat, stop or report outages
 * for that home's devices only, so a leaked key cannot silence or forge anyone else's.
 *
 * <p>The form is {@code KEY:device,device,prefix-*}: in the environment bindings are separated by
 * {@code ;}, in the file there is one a line ({@code #} starts a comment line). The key is
 * what comes before the last {@code :} (no device id holds one).
 *
 * @param key   the key; never in {@link #toString()} or in an error
 * @param scope its devices
 * @param where which binding it is, for messages ({@code HEARTWATCH_DEVICE_KEY_FILE line 3})
 */
public record DeviceKey(String key, DeviceScope scope, String where) {
    /** The bindings of {@code HEARTWATCH_DEVICE_KEYS}: {@code KEY:devices;KEY:devices}. */
    static List<DeviceKey> parseSetting(String value) {
        List<DeviceKey> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        String[] bindings = value.split(";", -1);
        for (int i = 0; i < bindings.length; i++) {
            if (!bindings[i].isBlank()) {
                out.add(parse(bindings[i], "HEARTWATCH_DEVICE_KEYS binding " + (i + 1)));
            }
        }
        return out;
    }

    /** The bindings of a key file's lines, one a line. */
    static List<DeviceKey> parseFile(List<String> lines, String setting) {
        List<DeviceKey> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(parse(line, setting + " line " + (i + 1)));
            }
        }
        return out;
    }

    private static DeviceKey parse(String binding, String where) {
        int colon = binding.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(where + ": expected KEY:device,device,prefix-* (no ':' found)");
        }
        String key = binding.substring(0, colon).strip();
        if (key.isEmpty()) {
            throw new ConfigException(where + ": no key before ':'");
        }
        return new DeviceKey(key, DeviceScope.parse(binding.substring(colon + 1), where), where);
    }

    @Override
    public String toString() {
        return "DeviceKey[" + where + ": " + scope + "]";
    }
}
