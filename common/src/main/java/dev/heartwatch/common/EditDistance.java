package dev.heartwatch.common;

import java.util.Collection;
import java.util.Optional;

/**
 * How far apart two setting names are, for "did you mean" answers to a mistyped name: the
 * optimal string alignment distance (Levenshtein's insertions, deletions and substitutions, and
 * a swap of two neighbours counted as one edit, since {@code THRESHOLD} typed as
 * {@code THERSHOLD} is one slip, not two).
 */
public final class EditDistance {
    private EditDistance() {
    }

    /** The number of single-character edits that turn {@code a} into {@code b}. */
    public static int between(String a, String b) {
        int n = a.length();
        int m = b.length();
        // Three rows of the dynamic programme: the swap looks two rows back.
        int[] twoBack = new int[m + 1];
        int[] previous = new int[m + 1];
        int[] current = new int[m + 1];
        for (int j = 0; j <= m; j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= n; i++) {
            current[0] = i;
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, twoBack[j - 2] + 1);
                }
                current[j] = best;
            }
            int[] recycled = twoBack;
            twoBack = previous;
            previous = current;
            current = recycled;
        }
        return previous[m];
    }

    /**
     * The candidate nearest to {@code name}, if one is at most {@code maxDistance} edits away;
     * of equally near ones, the first in the collection's order.
     */
    public static Optional<String> closest(String name, Collection<String> candidates, int maxDistance) {
        String best = null;
        int bestDistance = maxDistance + 1;
        for (String candidate : candidates) {
            int d = between(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }
}
