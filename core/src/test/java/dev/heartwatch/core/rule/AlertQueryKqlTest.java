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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * infra/queries/silent-devices.kql says what {@link AzureAlertModel#evaluateSignals} says: the
 * strings it reads states by are the contract's, and each boundary (a start's grace, a silence's
 * limit, a stop's limit) uses the operator the model shows at that boundary, found by running the
 * model one nanosecond either side, not typed here. The Kusto language service checks the same
 * text in tests/infra.
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
}
