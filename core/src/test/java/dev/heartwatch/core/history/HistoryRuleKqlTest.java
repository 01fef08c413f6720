package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.BeatSchedule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KQL copies of the history rule (docs/queries.md, "The history rule in KQL") say what
 * {@code core} says: every comparison of a silence with {@code threshold} uses core's operator
 * ({@link Gap#counts}: closed gaps and silences still open at {@code now}), and each query
 * applies the stop rule its row in the table promises. The operators expected here are read
 * from core's behaviour at the boundary, not typed.
 */
class HistoryRuleKqlTest {

    private static final Duration THRESHOLD = Duration.ofMinutes(5);
    private static final Instant T = Instant.parse("2026-06-10T00:00:00Z");
    /** {@code a - b OP threshold}: the left term {@code asOf} (the query's now) marks an open silence. */
    private static final Pattern COMPARISON = Pattern.compile("(\\w+)\\s*-\\s*(\\w+)\\s*(>=|<=|==|!=|>|<)\\s*(?:threshold|gapLimit)\\b");
    private static final List<String> COPIES = List.of(
            "history-gaps.kql", "history-daily.kql", "workbook-devices.kql", "workbook-outages.kql");

    private static Path repo(String relative) {
        // surefire runs in the module directory (core/); infra/ and docs/ are at the repository root
        return Path.of(System.getProperty("user.dir")).resolve("..").resolve(relative).normalize();
    }

    private static String read(String relative) throws IOException {
        Path p = repo(relative);
        assertTrue(Files.isRegularFile(p), "missing " + p);
        return Files.readString(p);
    }

    /** Core's operator for a closed gap, found at the boundary: exactly the threshold, then one nanosecond more. */
    static String closedOperator() {
        boolean atThreshold = new Gap("d", T, T.plus(THRESHOLD), false).counts(THRESHOLD, null);
        assertTrue(new Gap("d", T, T.plus(THRESHOLD).plusNanos(1), false).counts(THRESHOLD, null));
        return atThreshold ? ">=" : ">";
    }

    /** Core's operator for a silence still open at the horizon. */
    static String openOperator() {
        Gap open = new Gap("d", T, null, false);
        assertFalse(open.counts(THRESHOLD, T.plus(THRESHOLD).minusNanos(1)));
        return open.counts(THRESHOLD, T.plus(THRESHOLD)) ? ">=" : ">";
    }

    /** Every threshold comparison in {@code kql} that is not core's; empty when they all are. */
    static List<String> wrongComparisons(String file, String kql) {
        List<String> wrong = new ArrayList<>();
        Matcher m = COMPARISON.matcher(kql);
        while (m.find()) {
            boolean open = m.group(1).equals("asOf");
            String expected = open ? openOperator() : closedOperator();
            if (!m.group(3).equals(expected)) {
                wrong.add(file + ": '" + m.group() + "' (core: " + expected + " for " + (open ? "an open" : "a closed")
                        + " silence)");
            }
        }
        return wrong;
    }

    private static String code(String kql) {
        return kql.lines().filter(l -> !l.strip().startsWith("//")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void everyThresholdComparisonInTheCopiesIsCores() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String f : COPIES) {
            wrong.addAll(wrongComparisons(f, code(read("infra/queries/" + f))));
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void eachCopyComparesWhereItsRowSaysItDoes() throws IOException {
        String gaps = code(read("infra/queries/history-gaps.kql"));
        assertTrue(gaps.contains("timestamp - gapStart " + closedOperator() + " gapLimit"), gaps);
        String workbookDevices = code(read("infra/queries/workbook-devices.kql"));
        assertTrue(workbookDevices.contains("timestamp - prevTs " + closedOperator() + " threshold"));
        assertTrue(workbookDevices.contains("asOf - lastSeen " + openOperator() + " threshold"));
        String workbookOutages = code(read("infra/queries/workbook-outages.kql"));
        assertTrue(workbookOutages.contains("timestamp - prevTs " + closedOperator() + " threshold"));
        assertTrue(workbookOutages.contains("asOf - timestamp " + openOperator() + " threshold"));
    }

    /**
     * Core's stop rule: a counting silence after {@code stopping} is unmonitored and no outage; a
     * shorter one is monitored. The queries that feed core must therefore keep gaps after a stop
     * (core decides), and the workbook must treat them as core does.
     */
    @Test
    void theCopiesApplyCoresStopRule() throws IOException {
        HistoryModel model = new HistoryModel(THRESHOLD, Duration.ofMinutes(1));
        HistoryPeriod day = new HistoryPeriod(T, T.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        Instant now = T.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(2));
        List<Beat> longStop = List.of(Beat.stopping("d", T), Beat.of("d", T.plus(Duration.ofHours(1))));
        DeviceHistory d = model.compute(HistoryFacts.fromBeats(T, now, longStop, List.of(), THRESHOLD), day, now)
                .device("d").orElseThrow();
        List<Outage> none = List.of();
        assertEquals(none, d.outages(), "a clean stop is no outage");
        assertEquals(Duration.ofMinutes(2), d.total().monitored(), "and unmonitored: only the 2 minutes since it came back");

        String gaps = code(read("infra/queries/history-gaps.kql"));
        assertTrue(gaps.contains("prevState = prev(state)") && gaps.contains("project device, gapStart, gapEnd = timestamp, prevState"),
                "history-gaps.kql returns the state before each gap");
        assertFalse(gaps.contains("\"stopping\""), "history-gaps.kql keeps gaps after a stop: core needs them for coverage");
        String daily = code(read("infra/queries/history-daily.kql"));
        assertTrue(daily.contains("lastStop = maxif(timestamp, state == \"stopping\")"), daily);

        String workbookDevices = code(read("infra/queries/workbook-devices.kql"));
        assertTrue(workbookDevices.contains("cleanStop = prevState == \"stopping\""));
        assertTrue(workbookDevices.contains("cleanStop = lastState == \"stopping\""));
        assertTrue(workbookDevices.contains("sumif(s30d, not(cleanStop))"), "down: silences that are no clean stop");
        assertTrue(workbookDevices.contains("- coalesce(stopped30d, 0.0)"), "clean stops leave monitored time");
        String workbookOutages = code(read("infra/queries/workbook-outages.kql"));
        assertTrue(workbookOutages.contains("threshold and prevState != \"stopping\""));
        assertTrue(workbookOutages.contains("threshold and state != \"stopping\""));
    }

    /**
     * {@code gapLimit} as history-gaps.kql computes it from the beat before the gap, written from
     * the query's pinned lines below (not from core): no schedule, the threshold; else
     * {@code max(threshold, period + grace)}, uncapped.
     */
    private static Duration kqlGapLimit(Long prevPeriodMs, Long prevGraceMs) {
        long longest = 31_622_400_000L;
        Long beatPeriod = prevPeriodMs != null && prevPeriodMs > 0 && prevPeriodMs <= longest ? prevPeriodMs : null;
        Long beatGrace = beatPeriod == null || prevGraceMs != null && prevGraceMs > longest ? null
                : prevGraceMs == null ? beatPeriod : Math.max(prevGraceMs, 1);
        return beatGrace == null ? THRESHOLD : Duration.ofMillis(Math.max(THRESHOLD.toMillis(), beatPeriod + beatGrace));
    }

    /** Core's limit for a gap after a beat with these values, found at its boundary (counts just past it, not at it). */
    private static Duration coreGapLimit(Long periodMs, Long graceMs) {
        BeatSchedule schedule = BeatSchedule.ofMillis(periodMs, graceMs).orElse(null);
        Duration limit = new Gap("d", T, T.plusSeconds(1), false, schedule).limit(THRESHOLD);
        assertFalse(new Gap("d", T, T.plus(limit), false, schedule).counts(THRESHOLD, null), "at " + limit);
        assertTrue(new Gap("d", T, T.plus(limit).plusNanos(1), false, schedule).counts(THRESHOLD, null), "past " + limit);
        Gap open = new Gap("d", T, null, false, schedule);
        assertTrue(open.counts(THRESHOLD, T.plus(limit)) && !open.counts(THRESHOLD, T.plus(limit).minusNanos(1)),
                "an open gap is judged by the same limit");
        return limit;
    }

    /** Issue 17: a gap after a check's beat is judged by the period and grace that beat carried, in the query as in core. */
    @Test
    void theGapsQueryJudgesAGapByTheBeatBeforeItAsCoreDoes() throws IOException {
        String gaps = code(read("infra/queries/history-gaps.kql"));
        String alert = code(read("infra/queries/silent-devices.kql"));
        // Read as the alert query reads a beat (one reading of periodMs and graceMs), from the beat before the gap.
        String read = "periodMs = tolong(beat.periodMs), graceMs = tolong(beat.graceMs)\n";
        assertTrue(gaps.contains(read) && alert.contains(read), gaps);
        assertTrue(gaps.contains("| project device, timestamp, state, periodMs, graceMs\n"), gaps);
        assertTrue(gaps.contains("prevPeriodMs = prev(periodMs), prevGraceMs = prev(graceMs)\n"), gaps);
        String longest = "let longestScheduleMs = " + BeatSchedule.LONGEST.toMillis() + ";\n";
        assertTrue(gaps.contains(longest) && alert.contains(longest), "longestScheduleMs is not BeatSchedule.LONGEST");
        assertTrue(gaps.contains("| extend beatPeriod = iff(prevPeriodMs > 0 and prevPeriodMs <= longestScheduleMs, "
                + "1ms * prevPeriodMs, timespan(null))\n"), gaps);
        assertTrue(gaps.contains("| extend beatGrace = iff(isnull(beatPeriod) or (isnotnull(prevGraceMs) and prevGraceMs "
                + "> longestScheduleMs),\n    timespan(null), iff(isnull(prevGraceMs), beatPeriod, 1ms * max_of(prevGraceMs, 1)))\n"), gaps);
        assertTrue(gaps.contains("| extend gapLimit = iff(isnull(beatGrace), threshold, max_of(threshold, beatPeriod + beatGrace))\n"),
                "uncapped: history has no lookback");
        assertTrue(gaps.contains("| where prevDevice == device and timestamp - gapStart > gapLimit\n"), gaps);
        assertTrue(gaps.contains("| project device, gapStart, gapEnd = timestamp, prevState, prevPeriodMs, prevGraceMs\n"), gaps);
        long min = 60_000L;
        long longestMs = BeatSchedule.LONGEST.toMillis();
        Long[][] cases = {
            {null, null}, {20 * min, 7 * min}, {20 * min, null}, {20 * min, 0L}, {20 * min, -5L}, {min, min},
            {0L, 7 * min}, {-1L, 7 * min}, {longestMs, longestMs}, {longestMs + 1, min}, {20 * min, longestMs + 1},
            {5 * min, 30_000L}, {3 * 24 * 60 * min, min},
        };
        for (Long[] c : cases) {
            assertEquals(coreGapLimit(c[0], c[1]), kqlGapLimit(c[0], c[1]), "periodMs " + c[0] + ", graceMs " + c[1]);
        }
        // The open end: each day's latest beat's values (the device's latest, once the days are joined).
        String daily = code(read("infra/queries/history-daily.kql"));
        assertTrue(daily.contains(read), daily);
        assertTrue(daily.contains("| summarize arg_max(timestamp, periodMs, graceMs), "), daily);
        assertTrue(daily.contains("lastPeriodMs = periodMs, lastGraceMs = graceMs\n"), daily);
    }

    @Test
    void docsListExactlyTheCopiesThisTestChecks() throws IOException {
        String doc = read("docs/queries.md");
        int at = doc.indexOf("## The history rule in KQL");
        assertTrue(at >= 0, "docs/queries.md lacks the section 'The history rule in KQL'");
        Set<String> listed = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([\\w-]+\\.kql)` \\|").matcher(doc.substring(at));
        while (row.find()) {
            listed.add(row.group(1));
        }
        assertEquals(new LinkedHashSet<>(COPIES), listed);
    }

    @Test
    void aCopyWithAnotherComparisonIsCaught() {
        String drifted = "| where prevDevice == device and timestamp - prevTs >= threshold\n"
                + "| where asOf - lastSeen > threshold\n";
        assertEquals(2, wrongComparisons("drifted.kql", drifted).size());
        assertEquals(List.of(), wrongComparisons("same.kql", "timestamp - prevTs > threshold; asOf - lastSeen >= threshold"));
    }
}
