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
        assertTrue(workbookDevices.contains("timestamp - prevTs " + closedOperator() + " gapLimit"));
        assertTrue(workbookDevices.contains("asOf - lastSeen " + openOperator() + " gapLimit"));
        String workbookOutages = code(read("infra/queries/workbook-outages.kql"));
        assertTrue(workbookOutages.contains("timestamp - prevTs " + closedOperator() + " gapLimit"));
        assertTrue(workbookOutages.contains("asOf - timestamp " + openOperator() + " gapLimit"));
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
        assertTrue(workbookOutages.contains("gapLimit and prevState != \"stopping\""));
        assertTrue(workbookOutages.contains("gapLimit and state != \"stopping\""));
    }

    /** A beat's schedule read from its line, in every query that reads one (the alert's reading). */
    private static final String READ = "periodMs = tolong(beat.periodMs), graceMs = tolong(beat.graceMs)\n";
    /** BeatSchedule.LONGEST as the queries fix it. */
    private static final String LONGEST = "let longestScheduleMs = " + BeatSchedule.LONGEST.toMillis() + ";\n";
    /**
     * The pinned lines that turn the beat before a gap ({@code prevPeriodMs}, {@code prevGraceMs})
     * into {@code gapLimit}, whitespace collapsed: {@link #kqlGapLimit} is written from them.
     */
    private static final List<String> GAP_LIMIT_LINES = List.of(
            "| extend beatPeriod = iff(prevPeriodMs > 0 and prevPeriodMs <= longestScheduleMs, 1ms * prevPeriodMs, timespan(null))",
            "| extend beatGrace = iff(isnull(beatPeriod) or (isnotnull(prevGraceMs) and prevGraceMs > longestScheduleMs),"
                    + " timespan(null), iff(isnull(prevGraceMs), beatPeriod, 1ms * max_of(prevGraceMs, 1)))",
            "| extend gapLimit = iff(isnull(beatGrace), threshold, max_of(threshold, beatPeriod + beatGrace))");

    private static String collapsed(String kql) {
        return kql.replaceAll("\\s+", " ");
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    /**
     * How {@code kql} departs from the pinned reading of a beat's schedule: the line's values
     * read as the alert reads them, {@code longestScheduleMs} as core's, and each pinned
     * {@code gapLimit} line exactly {@code times} times (once per place a silence is judged);
     * empty when it does not.
     */
    static List<String> gapLimitProblems(String file, String kql, int times) {
        List<String> problems = new ArrayList<>();
        if (!kql.contains(READ)) {
            problems.add(file + ": a beat's periodMs and graceMs are not read as the alert reads them");
        }
        if (!kql.contains(LONGEST)) {
            problems.add(file + ": longestScheduleMs is not BeatSchedule.LONGEST");
        }
        String flat = collapsed(kql);
        for (String line : GAP_LIMIT_LINES) {
            int n = occurrences(flat, line);
            if (n != times) {
                problems.add(file + ": " + n + " of " + times + " copies of '" + line + "'");
            }
        }
        return problems;
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
        String read = READ;
        assertTrue(alert.contains(READ) && alert.contains(LONGEST), "the alert's reading of a beat moved: " + alert);
        assertEquals(List.of(), gapLimitProblems("history-gaps.kql", gaps, 1), "uncapped: history has no lookback");
        assertTrue(gaps.contains("| project device, timestamp, state, periodMs, graceMs\n"), gaps);
        assertTrue(gaps.contains("prevPeriodMs = prev(periodMs), prevGraceMs = prev(graceMs)\n"), gaps);
        assertTrue(gaps.contains("| where prevDevice == device and timestamp - gapStart > gapLimit\n"), gaps);
        assertTrue(gaps.contains("| project device, gapStart, gapEnd = timestamp, prevState, prevPeriodMs, prevGraceMs\n"), gaps);
        assertPinnedLinesAreCores();
        // The open end: each day's latest beat's values (the device's latest, once the days are joined).
        String daily = code(read("infra/queries/history-daily.kql"));
        assertTrue(daily.contains(read), daily);
        assertTrue(daily.contains("| summarize arg_max(timestamp, periodMs, graceMs), "), daily);
        assertTrue(daily.contains("lastPeriodMs = periodMs, lastGraceMs = graceMs\n"), daily);
    }

    /** The pinned lines ({@link #kqlGapLimit}) give core's {@link BeatSchedule#outageGap} for every kind of beat. */
    private static void assertPinnedLinesAreCores() {
        long min = 60_000L;
        long longestMs = BeatSchedule.LONGEST.toMillis();
        Long[][] cases = {
            {null, null}, {20 * min, 7 * min}, {20 * min, null}, {20 * min, 0L}, {20 * min, -5L}, {min, min},
            {0L, 7 * min}, {-1L, 7 * min}, {longestMs, longestMs}, {longestMs + 1, min}, {20 * min, longestMs + 1},
            {5 * min, 30_000L}, {3 * 24 * 60 * min, min}, {null, 7 * min}, {-1L, null},
        };
        for (Long[] c : cases) {
            Duration core = coreGapLimit(c[0], c[1]);
            assertEquals(BeatSchedule.outageGap(THRESHOLD, BeatSchedule.ofMillis(c[0], c[1]).orElse(null)), core,
                    "Gap's limit is BeatSchedule.outageGap");
            assertEquals(core, kqlGapLimit(c[0], c[1]), "periodMs " + c[0] + ", graceMs " + c[1]);
        }
    }

    /**
     * Issue 17 in the workbook: a closed gap is judged by the beat before it and a silence still
     * open (and the device's {@code status}) by its last beat, each with history-gaps.kql's pinned
     * lines, so by core's {@link BeatSchedule#outageGap}; no silence is judged on the bare threshold.
     */
    @Test
    void theWorkbookJudgesASilenceByTheBeatBeforeItAsCoreDoes() throws IOException {
        assertPinnedLinesAreCores();
        String devices = code(read("infra/queries/workbook-devices.kql"));
        String outages = code(read("infra/queries/workbook-outages.kql"));
        for (String[] f : new String[][] {{"workbook-devices.kql", devices}, {"workbook-outages.kql", outages}}) {
            String file = f[0];
            String kql = f[1];
            assertEquals(List.of(), gapLimitProblems(file, kql, 2), file + ": one copy for closed gaps, one for the open silence");
            String flat = collapsed(kql);
            assertTrue(flat.contains("prevTs = prev(timestamp), prevState = prev(state), prevPeriodMs = prev(periodMs), "
                    + "prevGraceMs = prev(graceMs)"), file + ": a closed gap reads the beat before it");
            assertTrue(flat.contains("prevPeriodMs = periodMs, prevGraceMs = graceMs"), file + ": the open silence reads the last beat");
            Matcher bare = COMPARISON.matcher(kql);
            while (bare.find()) {
                assertTrue(bare.group().endsWith("gapLimit"), file + ": '" + bare.group() + "' judges a silence on the threshold alone");
            }
        }
        assertTrue(devices.contains("arg_max(timestamp, state, periodMs, graceMs), firstBeat = min(timestamp) by device"), devices);
        assertTrue(collapsed(devices).contains("iff(asOf - lastSeen " + openOperator() + " gapLimit, iff(lastState == \"stopping\", "
                + "\"paused\", \"down\"), \"up\")"), "status is down on the last beat's gapLimit");
        assertTrue(outages.contains("| summarize arg_max(timestamp, state, periodMs, graceMs) by device\n"), outages);
    }

    @Test
    void aDriftedScheduleReadingIsCaught() throws IOException {
        String devices = code(read("infra/queries/workbook-devices.kql"));
        assertEquals(List.of(), gapLimitProblems("workbook-devices.kql", devices, 2));
        // Capped as the alert caps, a grace above the cap kept, a negative period believed, or one place on the threshold:
        String[][] drifts = {
            {"max_of(threshold, beatPeriod + beatGrace)", "min_of(beatPeriod + beatGrace, 2d)"},
            {"prevGraceMs > longestScheduleMs", "prevGraceMs > 2 * longestScheduleMs"},
            {"prevPeriodMs > 0 and", "prevPeriodMs != 0 and"},
            {"graceMs = tolong(beat.graceMs)", "graceMs = toint(beat.graceMs)"},
            {"let longestScheduleMs = 31622400000;", "let longestScheduleMs = 31536000000;"},
        };
        for (String[] d : drifts) {
            assertTrue(devices.contains(d[0]), d[0]);
            assertFalse(gapLimitProblems("drifted.kql", devices.replace(d[0], d[1]), 2).isEmpty(), d[1]);
        }
        int first = devices.indexOf("| extend gapLimit");
        String once = devices.substring(0, first) + devices.substring(devices.indexOf('\n', first) + 1);
        assertFalse(gapLimitProblems("drifted.kql", once, 2).isEmpty(), "a copy left out");
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
