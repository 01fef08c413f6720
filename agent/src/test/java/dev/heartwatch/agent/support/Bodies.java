package dev.heartwatch.agent.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the few fields tests need out of the agent's compact JSON bodies. */
public final class Bodies {
    private static final Pattern OUTAGE = Pattern.compile(
            "\\{\"id\":\"([^\"]+)\",\"start\":(\\d+),\"end\":(\\d+),\"cause\":\"([^\"]+)\",\"detail\":\"((?:[^\"\\\\]|\\\\.)*)\"}");

    /** One outage as sent. */
    public record SentOutage(String id, long start, long end, String cause, String detail) {
    }

    private Bodies() {
    }

    public static List<SentOutage> outages(String body) {
        List<SentOutage> out = new ArrayList<>();
        Matcher m = OUTAGE.matcher(body);
        while (m.find()) {
            out.add(new SentOutage(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    m.group(4), m.group(5)));
        }
        return out;
    }

    public static String field(String body, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|\\d+)").matcher(body);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }
}
