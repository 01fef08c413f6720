package dev.heartwatch.core.notify;

import java.util.List;
import java.util.Locale;

/** How a message names many devices: a capped list and how many more ("a, b and 1,995 more"). */
public final class DeviceList {
    private DeviceList() {
    }

    /** "1 device", "2,000 devices". */
    public static String count(int n) {
        return String.format(Locale.ROOT, "%,d", n) + (n == 1 ? " device" : " devices");
    }

    /** The first {@code cap} names and how many more; "" for none. */
    public static String named(List<String> names, int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1: " + cap);
        }
        int shown = Math.min(cap, names.size());
        StringBuilder s = new StringBuilder(String.join(", ", names.subList(0, shown)));
        int more = names.size() - shown;
        if (more > 0) {
            s.append(" and ").append(String.format(Locale.ROOT, "%,d", more)).append(" more");
        }
        return s.toString();
    }

    /** The names shown by {@link #named}: at most {@code cap}. */
    public static List<String> shown(List<String> names, int cap) {
        return names.subList(0, Math.min(cap, names.size()));
    }
}
