package dev.heartwatch.core.rule;

import dev.heartwatch.core.rule.PairAlertModel.Down;
import dev.heartwatch.core.rule.PairAlertModel.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The two-stack failure cases (issue 18 §4) on one timeline, shared by {@link PairAlertModelTest}
 * (the exact sequences) and {@link AlertingDocTest} (the table in docs/alerting.md): the
 * recommended rule (threshold PT5M, evaluated every PT5M on :00, :05, ...), one home device
 * beating each minute on the minute, the primary in westeurope, the secondary in northeurope.
 * What fails, fails at {@link #FAIL} (30 s after a beat) and comes back at {@link #BACK}.
 */
final class PairScenarios {
    static final Instant START = Instant.parse("2026-06-10T10:00:00Z");
    static final Instant END = Instant.parse("2026-06-10T12:00:00Z");
    static final Instant FAIL = Instant.parse("2026-06-10T10:20:30Z");
    static final Instant BACK = Instant.parse("2026-06-10T11:20:30Z");
    static final Instant HOME_LATER = Instant.parse("2026-06-10T10:40:30Z");
    static final Instant NEVER = END.plus(Duration.ofDays(1));
    static final String PRIMARY = "westeurope";
    static final String SECONDARY = "northeurope";
    static final String HOME = "home-pi";
    static final SilenceRule RULE = SilenceRule.recommended().withExpectedDevices(Set.of(HOME));

    record Case(String name, String failure, Scenario scenario) {
    }

    private static Scenario scenario(List<Down> home, List<Down> primary, List<Down> secondary) {
        return new Scenario(START, END, home, primary, secondary);
    }

    static final Down OUTAGE = new Down(FAIL, BACK);

    static final List<Case> CASES = List.of(
            new Case("home down", "the home (its link or the agent) is down, then back",
                    scenario(List.of(OUTAGE), List.of(), List.of())),
            new Case("primary down", "the primary region is down, then back",
                    scenario(List.of(), List.of(OUTAGE), List.of())),
            new Case("secondary down", "the secondary region is down, then back",
                    scenario(List.of(), List.of(), List.of(OUTAGE))),
            new Case("both down", "both regions are down, then back",
                    scenario(List.of(), List.of(OUTAGE), List.of(OUTAGE))),
            new Case("primary down, then the home",
                    "the primary region is down, the home goes down 20 min later (and stays down), the primary comes back",
                    scenario(List.of(new Down(HOME_LATER, NEVER)), List.of(OUTAGE), List.of())),
            new Case("both down, and the home",
                    "both regions and the home go down; the regions come back, the home stays down",
                    scenario(List.of(new Down(FAIL, NEVER)), List.of(OUTAGE), List.of(OUTAGE))));

    static List<PairAlertModel.Notification> run(Case c) {
        return PairAlertModel.run(RULE, PRIMARY, SECONDARY, List.of(HOME), c.scenario());
    }

    private PairScenarios() {
    }
}
