package dev.heartwatch.agent.check;

import java.util.ArrayList;
import java.util.List;

/** The statuses an {@code http} check expects: {@code 200}, {@code 200-299}, {@code 2xx}, comma-separated. */
record StatusSet(List<int[]> ranges, String text) {
    static final StatusSet DEFAULT = parse("2xx,3xx");

    static StatusSet parse(String text) {
        List<int[]> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip().toLowerCase(java.util.Locale.ROOT);
            int lo;
            int hi;
            try {
                if (p.matches("[1-5]xx")) {
                    lo = (p.charAt(0) - '0') * 100;
                    hi = lo + 99;
                } else if (p.matches("\\d{3}-\\d{3}")) {
                    lo = Integer.parseInt(p.substring(0, 3));
                    hi = Integer.parseInt(p.substring(4));
                } else if (p.matches("\\d{3}")) {
                    lo = Integer.parseInt(p);
                    hi = lo;
                } else {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("status must be like 200, 200-299 or 2xx (comma-separated), not \"" + part + "\"");
            }
            if (lo < 100 || hi > 599 || lo > hi) {
                throw new IllegalArgumentException("status " + part + " is outside 100-599");
            }
            ranges.add(new int[] {lo, hi});
        }
        return new StatusSet(List.copyOf(ranges), text);
    }

    boolean contains(int status) {
        for (int[] r : ranges) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
