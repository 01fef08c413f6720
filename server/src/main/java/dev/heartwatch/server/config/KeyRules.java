package dev.heartwatch.server.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every key must be: long enough not to be guessed (at least {@link #MIN_LENGTH}
 * characters, {@code openssl rand -hex 24} gives 48), free of white space and control
 * characters (it is typed into a header or a URL), and used for one job only: a ping key that
 * is also the admin key lets every agent retire devices, a read key that is also a ping key lets
 * every browser forge beats. Messages name the key by its setting and position, never by value.
 */
final class KeyRules {
    private KeyRules() {
    }

    static final int MIN_LENGTH = 32;

    private enum Kind { PING, DEVICE, ADMIN, READ }

    private record Named(String key, Kind kind, String name) {
    }

    static void check(List<String> pingKeys, List<DeviceKey> deviceKeys, List<String> adminKeys, String readKey) {
        List<Named> all = new ArrayList<>();
        for (int i = 0; i < pingKeys.size(); i++) {
            all.add(new Named(pingKeys.get(i), Kind.PING, "ping key " + (i + 1) + " (HEARTWATCH_KEYS, then HEARTWATCH_KEY_FILE)"));
        }
        for (DeviceKey d : deviceKeys) {
            all.add(new Named(d.key(), Kind.DEVICE, "the device key of " + d.where()));
        }
        for (int i = 0; i < adminKeys.size(); i++) {
            all.add(new Named(adminKeys.get(i), Kind.ADMIN, "admin key " + (i + 1) + " (HEARTWATCH_ADMIN_KEYS, then HEARTWATCH_ADMIN_KEY_FILE)"));
        }
        if (readKey != null) {
            all.add(new Named(readKey, Kind.READ, "the read key (HEARTWATCH_READ_KEY or its file)"));
        }
        Map<String, Named> seen = new HashMap<>();
        for (Named k : all) {
            if (k.key().length() < MIN_LENGTH) {
                throw new ConfigException(k.name() + " is shorter than " + MIN_LENGTH
                        + " characters (make one with: openssl rand -hex 24)");
            }
            if (k.key().chars().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c))) {
                throw new ConfigException(k.name() + " holds white space or control characters");
            }
            Named earlier = seen.putIfAbsent(k.key(), k);
            if (earlier != null && !(earlier.kind() == Kind.PING && k.kind() == Kind.PING)) {
                // The same ping key listed twice means the same thing twice; any other repeat
                // gives one key two meanings.
                throw new ConfigException(k.name() + " is the same as " + earlier.name()
                        + ": ping, device, admin and read keys must all differ");
            }
        }
    }
}
