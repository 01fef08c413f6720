package dev.heartwatch.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.rule.AzureAlertModel.Kind;
import dev.heartwatch.core.rule.AzureAlertModel.Limit;
import dev.heartwatch.core.rule.AzureAlertModel.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * infra/queries/silent-devices.kql says what {@link AzureAlertModel#evaluateSignals} says: the
 * strings it reads states by are the contract's, and each boundary (a start's grace, a silence's
 * limit, a stop's limit) uses the operator the model shows at that boundary, found by running the
 * model one nanosecond either side, not typed here. So are the precedence of a device's
 * {@code deviceLimits} row, its beats' own schedule ({@link BeatSchedule}) and the threshold, and
 * the cap on a beat's schedule: the model decides which value a device is judged by, and the test
 * asserts the query's {@code coalesce} lists them in that order. The Kusto language service checks
 * the same text in tests/infra.
 */
class AlertQueryKqlTest {
    private static final Instant T = Instant.parse("2026-06-10T00:00:00Z");
    private static final SilenceRule RULE = SilenceRule.recommended();
    private static final Limit LIMIT = new Limit(Duration.ofMinutes(15), Duration.ofMinutes(5));

    private static String query() throws IOException {
        Path p = Path.of(System.getProperty("user.dir")).resolve("../infra/queries/silent-devices.kql").normalize();
        assertTrue(Files.isRegularFile(p), "missing " + p);
        StringBuilder code = new StringBuilder();
        for (String line : Files.readAllLines(p)) {
            if (!line.strip().startsWith("//")) {
                code.append(line).append('\n');
            }
        }
        return code.toString();
    }

    /** Whether the model fires for a device whose only signal is {@code kind} at T, evaluated at T + after. */
    private static boolean firesAt(Kind kind, Duration after) {
        List<Signal> one = List.of(Signal.of("d", T, kind));
        return !AzureAlertModel.evaluateSignals(RULE, Map.of("d", LIMIT), one, List.of(T.plus(after))).isEmpty();
    }

    private static String operatorAt(Kind kind, Duration boundary) {
        assertTrue(firesAt(kind, boundary.plusNanos(1)), kind + " past its boundary must fire");
        assertTrue(!firesAt(kind, boundary.minusNanos(1)), kind + " before its boundary must not fire");
        return firesAt(kind, boundary) ? ">=" : ">";
    }

    private static List<String> comparisons(String kql, String left, String right) {
        Matcher m = Pattern.compile("\\b" + left + "\\s*(>=|<=|==|>|<)\\s*" + right + "\\b").matcher(kql);
        List<String> ops = new ArrayList<>();
        while (m.find()) {
            ops.add(m.group(1));
        }
        return ops;
    }

    @Test
    void theStartsGraceAndTheSilencesLimitUseTheModelsOperators() throws IOException {
        String kql = query();
        List<String> start = comparisons(kql, "startOpenFor", "grace");
        assertTrue(!start.isEmpty(), "the query compares no startOpenFor with grace");
        for (String op : start) {
            assertEquals(operatorAt(Kind.START, LIMIT.grace()), op, "a start's grace");
        }
        List<String> silence = comparisons(kql, "silentFor", "limit");
        assertTrue(!silence.isEmpty(), "the query compares no silentFor with limit");
        for (String op : silence) {
            assertEquals(operatorAt(Kind.SUCCESS, LIMIT.limit()), op, "a silence's limit");
        }
        // A fail fires at once: at the very instant it is seen.
        assertTrue(firesAt(Kind.FAIL, Duration.ZERO));
        assertTrue(kql.contains("| extend failed = isnotnull(lastFail) and lastFail == lastRunning\n"), kql);
        assertTrue(kql.contains("    or (failed and not(stopCounts))\n"), kql);
    }

    @Test
    void aStopCountsWhileStrictlyWithinTheLimit() throws IOException {
        // Model: a stop LIMIT after the last success does not count (set aside), one just before does.
        Signal success = Signal.of("d", T, Kind.SUCCESS);
        Instant late = T.plus(LIMIT.limit());
        List<Signal> atLimit = List.of(success, Signal.of("d", late, Kind.STOPPING));
        List<Signal> before = List.of(success, Signal.of("d", late.minusNanos(1), Kind.STOPPING));
        Instant judge = late.plusSeconds(1);
        assertTrue(!AzureAlertModel.evaluateSignals(RULE, Map.of("d", LIMIT), atLimit, List.of(judge)).isEmpty());
        assertTrue(AzureAlertModel.evaluateSignals(RULE, Map.of("d", LIMIT), before, List.of(judge)).isEmpty());
        assertTrue(query().contains("stopCounts = stopped and isnotnull(lastRunning) and lastSeen - lastRunning < limit"
                + " and not(failed)"));
    }

    @Test
    void theQueryReadsTheContractsStateStrings() throws IOException {
        String kql = query();
        for (Kind k : new Kind[] {Kind.FAIL, Kind.START}) {
            String state = k.name().toLowerCase(java.util.Locale.ROOT);
            assertEquals(k, Kind.of(state));
            assertTrue(kql.contains("state == \"" + state + "\""), state);
        }
        assertEquals(Kind.STOPPING, Kind.of("stopping"));
        assertTrue(kql.contains("state != \"stopping\""));
        assertTrue(kql.contains("lastState == \"stopping\""));
    }

    @Test
    void theTwoStackRuleIsTheModelsCoverFor() throws IOException {
        // Model: coverFor is expected, and every other row only while coverFor's row is there.
        String kql = query();
        assertTrue(kql.contains("let coverFor = \"\";\n"), "the coverFor tunable line (empty by default)");
        assertTrue(kql.contains("    | union (print device = coverFor)\n"), "coverFor is not an expected device");
        assertTrue(kql.contains("let primaryDown = isempty(coverFor) or toscalar(down | where device == coverFor | count) > 0;\n"), kql);
        assertTrue(kql.endsWith("down\n| where device == coverFor or primaryDown\n"), "the suppression is not the query's last step");
        Instant t = T.plus(Duration.ofMinutes(10));
        List<Signal> heard = List.of(Signal.of("d", T, Kind.SUCCESS), Signal.of("stack-p", t, Kind.SUCCESS));
        assertEquals(1, AzureAlertModel.evaluateSignals(RULE, Map.of(), heard, List.of(t)).size());
        assertTrue(AzureAlertModel.evaluateSignals(RULE, Map.of(), heard, List.of(t), "stack-p").isEmpty());
    }

    // --- The schedule a device's beats carry (issue 17): precedence and cap, against the model ---

    private static final long BEAT_PERIOD_MS = Duration.ofMinutes(20).toMillis();
    private static final long BEAT_GRACE_MS = Duration.ofMinutes(7).toMillis();
    /** A registry row whose limit and grace differ from the beat's (27m, 7m) and the threshold (5m). */
    private static final Limit ROW = new Limit(Duration.ofMinutes(15), Duration.ofMinutes(4));

    private static boolean fires(SilenceRule rule, Map<String, Limit> limits, Signal only, Duration after) {
        return !AzureAlertModel.evaluateSignals(rule, limits, List.of(only), List.of(only.at().plus(after))).isEmpty();
    }

    /** The one candidate the model's boundary is at: fires at it, not one nanosecond before. */
    private static String judgedBy(Map<String, Limit> limits, Signal only, Map<String, Duration> candidates) {
        List<String> at = new ArrayList<>();
        for (Map.Entry<String, Duration> c : candidates.entrySet()) {
            if (fires(RULE, limits, only, c.getValue()) && !fires(RULE, limits, only, c.getValue().minusNanos(1))) {
                at.add(c.getKey());
            }
        }
        assertEquals(1, at.size(), "the model's boundary is at exactly one of " + candidates + ": " + at);
        return at.get(0);
    }

    /** The arguments of {@code name = coalesce(...)} in the query, split at its top-level commas. */
    private static List<String> coalesced(String kql, String name) {
        Matcher m = Pattern.compile("\\b" + name + " = coalesce\\(").matcher(kql);
        assertTrue(m.find(), "the query sets no " + name + " = coalesce(...)");
        List<String> args = new ArrayList<>();
        int depth = 0;
        StringBuilder arg = new StringBuilder();
        for (int i = m.end(); i < kql.length(); i++) {
            char c = kql.charAt(i);
            if (c == ')' && depth == 0) {
                args.add(arg.toString().strip());
                assertTrue(!m.find(), "the query sets " + name + " more than once");
                return args;
            }
            if (c == ',' && depth == 0) {
                args.add(arg.toString().strip());
                arg.setLength(0);
                continue;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            arg.append(c);
        }
        throw new AssertionError("unbalanced coalesce for " + name);
    }

    /** A KQL timespan literal: 2d, 5m, 90s, 1h. */
    private static Duration timespan(String literal) {
        Matcher m = Pattern.compile("(\\d+)(d|h|m|s)").matcher(literal);
        assertTrue(m.matches(), "not a timespan literal: " + literal);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    @Test
    void aDevicesLimitIsItsRowElseItsBeatsScheduleElseTheThresholdInTheModelsOrder() throws IOException {
        String kql = query();
        Signal beat = Signal.of("d", T, Kind.SUCCESS).withSchedule(BEAT_PERIOD_MS, BEAT_GRACE_MS);
        Signal plain = Signal.of("d", T, Kind.SUCCESS);
        Map<String, Duration> candidates = new LinkedHashMap<>();
        candidates.put("limit", ROW.limit());
        candidates.put("beatLimit", Duration.ofMillis(BEAT_PERIOD_MS + BEAT_GRACE_MS));
        candidates.put("threshold", RULE.threshold());
        List<String> order = List.of(
                judgedBy(Map.of("d", ROW), beat, candidates),   // a row and a beat's schedule
                judgedBy(Map.of(), beat, candidates),           // a beat's schedule alone
                judgedBy(Map.of(), plain, candidates));         // neither
        assertEquals(order, coalesced(kql, "limit"), "the query's precedence for a silence's limit");
        assertTrue(kql.contains("| extend beatLimit = iff(isnull(beatGrace), timespan(null), "
                + "min_of(beatPeriod + beatGrace, longestLimit))\n"), kql);
    }

    @Test
    void aStartsGraceIsItsRowsElseItsBeatsElseTheThresholdInTheModelsOrder() throws IOException {
        String kql = query();
        Signal beat = Signal.of("d", T, Kind.START).withSchedule(BEAT_PERIOD_MS, BEAT_GRACE_MS);
        Signal plain = Signal.of("d", T, Kind.START);
        Map<String, Duration> candidates = new LinkedHashMap<>();
        candidates.put("grace", ROW.grace());
        candidates.put("min_of(beatGrace, beatLimit)", Duration.ofMillis(BEAT_GRACE_MS));
        candidates.put("threshold", RULE.threshold());
        List<String> order = List.of(
                judgedBy(Map.of("d", ROW), beat, candidates),
                judgedBy(Map.of(), beat, candidates),
                judgedBy(Map.of(), plain, candidates));
        assertEquals(order, coalesced(kql, "grace"), "the query's precedence for a start's grace");
        // The beat's grace never reaches past its (cut) limit.
        Signal longGrace = Signal.of("d", T, Kind.START).withSchedule(60_000L, Duration.ofDays(3).toMillis());
        Duration cap = RULE.lookback().minus(RULE.evaluationFrequency());
        assertTrue(fires(RULE, Map.of(), longGrace, cap) && !fires(RULE, Map.of(), longGrace, cap.minusNanos(1)));
    }

    @Test
    void aBeatsScheduleIsCutToTheLookbackLessOneEvaluationAsTheTunableSays() throws IOException {
        String kql = query();
        Matcher lookback = Pattern.compile("\\| where timestamp > ago\\((\\w+)\\)\n").matcher(kql);
        Matcher longest = Pattern.compile("let longestLimit = (\\w+) - (\\w+);\n").matcher(kql);
        assertTrue(lookback.find() && longest.find(), "the query's lookback or longestLimit line is gone");
        assertEquals(lookback.group(1), longest.group(1), "longestLimit does not start from the query's lookback");
        // The tunable's defaults are the recommended rule's (queries.bicep writes the deployed ones).
        assertEquals(RULE.lookback(), timespan(longest.group(1)));
        assertEquals(RULE.evaluationFrequency(), timespan(longest.group(2)));
        Duration cap = timespan(longest.group(1)).minus(timespan(longest.group(2)));
        Signal threeDays = Signal.of("d", T, Kind.SUCCESS).withSchedule(Duration.ofDays(3).toMillis(), 60_000L);
        assertTrue(fires(RULE, Map.of(), threeDays, cap), "the model does not cut the schedule to " + cap);
        assertTrue(!fires(RULE, Map.of(), threeDays, cap.minusNanos(1)), "the model cuts the schedule below " + cap);
        // Also under another rule: the cut follows the rule's evaluation frequency.
        SilenceRule hourly = RULE.withEvaluationFrequency(Duration.ofHours(1));
        Duration hourlyCap = hourly.lookback().minus(Duration.ofHours(1));
        assertTrue(fires(hourly, Map.of(), threeDays, hourlyCap) && !fires(hourly, Map.of(), threeDays, hourlyCap.minusNanos(1)));
    }

    @Test
    void theQueryReadsABeatsPeriodAndGraceAsTheModelDoes() throws IOException {
        String kql = query();
        // The latest line's values, as the server keeps the device's latest.
        assertTrue(kql.contains("periodMs = tolong(beat.periodMs), graceMs = tolong(beat.graceMs)\n"), kql);
        assertTrue(kql.contains("| summarize arg_max(timestamp, state, exitStatus, periodMs, graceMs),\n"), kql);
        Signal early = Signal.of("d", T.minus(Duration.ofMinutes(1)), Kind.SUCCESS).withSchedule(BEAT_PERIOD_MS, BEAT_GRACE_MS);
        Signal latestPlain = Signal.of("d", T, Kind.SUCCESS);
        List<Signal> both = List.of(early, latestPlain);
        Instant atThreshold = T.plus(RULE.threshold());
        assertTrue(!AzureAlertModel.evaluateSignals(RULE, Map.of(), both, List.of(atThreshold)).isEmpty(),
                "a latest line without a period is judged by the threshold");
        // No grace: the period. Zero or less: one millisecond. Not positive or past the longest: nothing.
        Duration period = Duration.ofMillis(BEAT_PERIOD_MS);
        Signal noGrace = Signal.of("d", T, Kind.SUCCESS).withSchedule(BEAT_PERIOD_MS, null);
        assertTrue(fires(RULE, Map.of(), noGrace, period.multipliedBy(2)) && !fires(RULE, Map.of(), noGrace,
                period.multipliedBy(2).minusNanos(1)));
        Signal zeroGrace = Signal.of("d", T, Kind.SUCCESS).withSchedule(BEAT_PERIOD_MS, 0L);
        assertTrue(fires(RULE, Map.of(), zeroGrace, period.plusMillis(1)) && !fires(RULE, Map.of(), zeroGrace, period));
        assertTrue(kql.contains("iff(isnull(graceMs), beatPeriod, 1ms * max_of(graceMs, 1))"), kql);
        long longest = BeatSchedule.LONGEST.toMillis();
        for (long p : new long[] {0, -1, longest + 1}) {
            Signal bad = Signal.of("d", T, Kind.SUCCESS).withSchedule(p, BEAT_GRACE_MS);
            assertTrue(fires(RULE, Map.of(), bad, RULE.threshold()) && !fires(RULE, Map.of(), bad,
                    RULE.threshold().minusNanos(1)), "a period of " + p + " ms is no schedule");
        }
        Signal badGrace = Signal.of("d", T, Kind.SUCCESS).withSchedule(BEAT_PERIOD_MS, longest + 1);
        assertTrue(fires(RULE, Map.of(), badGrace, RULE.threshold()), "a grace past the longest is no schedule");
        assertTrue(kql.contains("let longestScheduleMs = " + longest + ";\n"), "longestScheduleMs is not BeatSchedule.LONGEST");
        assertTrue(kql.contains("| extend beatPeriod = iff(periodMs > 0 and periodMs <= longestScheduleMs, "
                + "1ms * periodMs, timespan(null))\n"), kql);
        assertTrue(kql.contains("(isnotnull(graceMs) and graceMs > longestScheduleMs), timespan(null),"), kql);
    }
}
