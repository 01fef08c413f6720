package dev.heartwatch.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.rule.AzureAlertModel.Kind;
import dev.heartwatch.core.rule.AzureAlertModel.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The four failure cases of two stacks (issue 18 §4), and the handover, each with the exact
 * notifications: which stack sends what, at which evaluation of the 5-minute grid. The
 * expectations are worked by hand from the rule (docs/regions.md): a silence of 5 minutes is
 * down at the next evaluation; a fired alert resolves at the third clean evaluation.
 */
class PairAlertModelTest {

    private static List<String> sequence(String name) {
        PairScenarios.Case c = PairScenarios.CASES.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        return PairScenarios.run(c).stream().map(PairAlertModel.Notification::toString).toList();
    }

    @Test
    void homeDownAlertsOnceFromThePrimaryOnly() {
        // Last beat 10:20:00; silent 5 min at the 10:25 evaluation. Beats again from 11:21:00:
        // clean at 11:25, 11:30, 11:35. The secondary hears the primary all along: it keeps quiet.
        assertEquals(List.of(
                "2026-06-10T10:25:00Z primary FIRED home-pi: DOWN",
                "2026-06-10T11:35:00Z primary RESOLVED home-pi: UP"), sequence("home down"));
    }

    @Test
    void primaryDownMakesTheSecondaryCoverAndStopsWhenItIsBack() {
        // The primary's last StackBeat in the secondary is 10:20:00: down at 10:25. The home still
        // beats the secondary, so nothing else. Back 11:20:30: beats from 11:21, clean at 11:25,
        // 11:30, 11:35. The primary, back, finds every device heard: it sends nothing.
        assertEquals(List.of(
                "2026-06-10T10:25:00Z secondary FIRED stack-westeurope: the primary region's alerting is down; the secondary is covering",
                "2026-06-10T11:35:00Z secondary RESOLVED stack-westeurope: the primary is back and alerts again"),
                sequence("primary down"));
    }

    @Test
    void secondaryDownIsSaidByThePrimary() {
        assertEquals(List.of(
                "2026-06-10T10:25:00Z primary FIRED stack-northeurope: the secondary region's alerting is down",
                "2026-06-10T11:35:00Z primary RESOLVED stack-northeurope: the secondary region's alerting is back"),
                sequence("secondary down"));
    }

    @Test
    void bothDownSendsNothing() {
        // Neither region runs its alert: nobody can say anything (docs/regions.md, single points of failure).
        assertEquals(List.of(), sequence("both down"));
    }

    @Test
    void theSecondaryCoversAHomeOutageAndHandsBack() {
        // Home's last beat 10:40:00: the secondary (covering) says DOWN at 10:45. The primary is back
        // at 11:20:30 and its first evaluation, 11:25, finds home-pi silent since 10:20: DOWN again,
        // from the primary. The secondary hears the primary from 11:21; its rows go, and its two
        // alerts resolve at the third clean evaluation, 11:35.
        assertEquals(List.of(
                "2026-06-10T10:25:00Z secondary FIRED stack-westeurope: the primary region's alerting is down; the secondary is covering",
                "2026-06-10T10:45:00Z secondary FIRED home-pi: DOWN (the secondary is covering)",
                "2026-06-10T11:25:00Z primary FIRED home-pi: DOWN",
                "2026-06-10T11:35:00Z secondary RESOLVED home-pi: the primary is back and alerts again",
                "2026-06-10T11:35:00Z secondary RESOLVED stack-westeurope: the primary is back and alerts again"),
                sequence("primary down, then the home"));
    }

    @Test
    void bothDownAndTheHomeIsSaidOnceByThePrimaryWhenItIsBack() {
        assertEquals(List.of("2026-06-10T11:25:00Z primary FIRED home-pi: DOWN"), sequence("both down, and the home"));
    }

    @Test
    void coverForSuppressesEveryOtherDeviceWhileThePrimaryIsHeard() {
        Instant t = PairScenarios.START;
        SilenceRule rule = SilenceRule.recommended();
        List<Signal> lines = List.of(Signal.of("home-pi", t, Kind.SUCCESS),
                Signal.of("stack-westeurope", t.plus(Duration.ofMinutes(8)), Kind.SUCCESS));
        List<Instant> evals = List.of(t.plus(Duration.ofMinutes(10)), t.plus(Duration.ofMinutes(15)));
        // Without coverFor home-pi fires at 10:10; with it, only once the primary is silent (10:15).
        assertEquals(t.plus(Duration.ofMinutes(10)),
                AzureAlertModel.evaluateSignals(rule, Map.of(), lines, evals).get(0).at());
        List<AlertEvent> covered = AzureAlertModel.evaluateSignals(rule, Map.of(), lines, evals, "stack-westeurope");
        assertEquals(List.of(
                new AlertEvent("home-pi", AlertEvent.Kind.FIRED, t.plus(Duration.ofMinutes(15)), t),
                new AlertEvent("stack-westeurope", AlertEvent.Kind.FIRED, t.plus(Duration.ofMinutes(15)),
                        t.plus(Duration.ofMinutes(8)))), covered);
        // A primary never heard is down (coverFor is expected), so the secondary covers from the start.
        List<AlertEvent> never = AzureAlertModel.evaluateSignals(rule, Map.of(),
                List.of(Signal.of("home-pi", t, Kind.SUCCESS)), evals, "stack-westeurope");
        assertEquals(List.of("home-pi", "stack-westeurope"), never.stream().map(AlertEvent::device).toList());
        assertTrue(never.stream().allMatch(e -> e.kind() == AlertEvent.Kind.FIRED && e.at().equals(evals.get(0))));
    }

    @Test
    void badPairsAreRefused() {
        PairAlertModel.Scenario s = PairScenarios.CASES.get(0).scenario();
        assertThrows(IllegalArgumentException.class,
                () -> PairAlertModel.run(PairScenarios.RULE, "westeurope", "westeurope", List.of("home-pi"), s));
        assertThrows(IllegalArgumentException.class,
                () -> PairAlertModel.run(PairScenarios.RULE, "westeurope", "northeurope", List.of("stack-x"), s));
        assertThrows(IllegalArgumentException.class, () -> PairAlertModel.stackId("West Europe"));
    }
}
