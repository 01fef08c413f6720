package dev.heartwatch.core.notify;

import java.util.List;
import java.util.Locale;

/** How a message names many devices: a capped list and how many more ("a, b and 1,995 more"). */
public final class DeviceList {
    private DeviceList() {
    }

    /** "1 device", "2,000 devices". */
    public static String count(int n) {
        return number(n) + (n == 1 ? " device" : " devices");
    }

    /** "1 check", "12 checks": the devices behind a parent. */
    public static String checks(int n) {
        return number(n) + (n == 1 ? " check" : " checks");
    }

    /** "and 1,995 more". */
    public static String andMore(int more) {
        return "and " + number(more) + " more";
    }

    private static String number(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The first {@code cap} names and how many more; "" for none. */
    public static String named(List<String> names, int cap) {
        return listed(shown(names, cap), names.size());
    }

    /** {@code shown} and how many more of {@code total} there are. */
    public static String listed(List<String> shown, int total) {
        StringBuilder s = new StringBuilder(String.join(", ", shown));
        int more = total - shown.size();
        if (more > 0) {
            s.append(' ').append(andMore(more));
        }
        return s.toString();
    }

    /** The names shown by {@link #named}: at most {@code cap}. */
    public static List<String> shown(List<String> names, int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1: " + cap);
        }
        return names.subList(0, Math.min(cap, names.size()));
    }
}
