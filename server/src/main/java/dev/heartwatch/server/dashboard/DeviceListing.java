package dev.heartwatch.server.dashboard;

import dev.heartwatch.server.http.Query;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One page of {@code GET /api/devices}: every device's {@linkplain DeviceSummary summary}
 * filtered by {@code q} (a part of the name, any case) and {@code status} (one status or several,
 * comma-separated), in the page's order (down first, then unknown, muted, stopped, up, retired;
 * by name within each), from after the cursor {@code after}, at most {@code limit} of them.
 * The cursor is the {@code next} of the previous page, {@code RANK:DEVICE}: a page starts after
 * that place in the order, so a device that changes status between two pages moves, and the
 * others are neither skipped nor shown twice.
 */
final class DeviceListing {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_QUERY_CHARS = 64;
    /** The page's order, worst first; dashboard.js sorts each page the same way. */
    static final Map<String, Integer> SEVERITY = Map.of("down", 0, "unknown", 1, "muted", 2, "stopped", 3, "up", 4, "retired", 5);

    static final Comparator<DeviceSummary> ORDER = Comparator.<DeviceSummary>comparingInt(d -> SEVERITY.get(d.status()))
            .thenComparing(DeviceSummary::device);

    /** A request that cannot be served: its message says what is allowed. */
    static final class BadListing extends Exception {
        BadListing(String message) {
            super(message, null, false, false);
        }
    }

    private final String q;
    private final Set<String> statuses;
    private final int limit;
    private final DeviceSummary after;

    private DeviceListing(String q, Set<String> statuses, int limit, DeviceSummary after) {
        this.q = q;
        this.statuses = statuses;
        this.limit = limit;
        this.after = after;
    }

    /** The page's matching devices, how many matched in all, and the cursor of the next page (null: none). */
    record Page(List<DeviceSummary> devices, int matched, String next) {
    }

    static DeviceListing of(Query query) throws BadListing {
        String q = query.getOrDefault("q", "").strip().toLowerCase(Locale.ROOT);
        if (q.length() > MAX_QUERY_CHARS || q.chars().anyMatch(Character::isISOControl)) {
            throw new BadListing("q must be at most " + MAX_QUERY_CHARS + " characters, without control characters");
        }
        Set<String> statuses = new LinkedHashSet<>();
        for (String s : query.getOrDefault("status", "").split(",")) {
            String word = s.strip();
            if (word.isEmpty()) {
                continue;
            }
            if (!SEVERITY.containsKey(word)) {
                throw new BadListing("status must be one or more of down, unknown, muted, stopped, up, retired (comma-separated)");
            }
            statuses.add(word);
        }
        int limit;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", Integer.toString(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadListing("limit must be a whole number from 1 to " + MAX_LIMIT);
        }
        return new DeviceListing(q, statuses, limit, cursor(query.get("after")));
    }

    private static DeviceSummary cursor(String raw) throws BadListing {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        int colon = raw.indexOf(':');
        String rank = colon < 0 ? "" : raw.substring(0, colon);
        for (Map.Entry<String, Integer> e : SEVERITY.entrySet()) {
            if (rank.equals(Integer.toString(e.getValue())) && raw.length() > colon + 1 && raw.length() <= 300) {
                return new DeviceSummary(raw.substring(colon + 1), e.getKey());
            }
        }
        throw new BadListing("after must be the next value of the previous page");
    }

    static String cursorOf(DeviceSummary d) {
        return SEVERITY.get(d.status()) + ":" + d.device();
    }

    Page page(List<DeviceSummary> all) {
        List<DeviceSummary> matching = new ArrayList<>();
        for (DeviceSummary d : all) {
            if ((statuses.isEmpty() || statuses.contains(d.status()))
                    && (q.isEmpty() || d.device().toLowerCase(Locale.ROOT).contains(q))) {
                matching.add(d);
            }
        }
        matching.sort(ORDER);
        int from = 0;
        if (after != null) {
            while (from < matching.size() && ORDER.compare(matching.get(from), after) <= 0) {
                from++;
            }
        }
        int to = Math.min(matching.size(), from + limit);
        List<DeviceSummary> page = List.copyOf(matching.subList(from, to));
        String next = to < matching.size() ? cursorOf(page.get(page.size() - 1)) : null;
        return new Page(page, matching.size(), next);
    }
}
