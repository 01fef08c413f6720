package dev.heartwatch.core.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregationPolicyTest {
    static final Instant T = Instant.parse("2026-12-02T01:00:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);
    final AggregationPolicy policy = new AggregationPolicy(5, 3, MINUTE);

    static RaisedAlert down(String device, Instant lastSeen) {
        Instant at = lastSeen == null ? T : lastSeen.plus(Duration.ofMinutes(5));
        return new RaisedAlert(device + ":DOWN", device, AlertCondition.FIRED, at, at, lastSeen);
    }

    static RaisedAlert back(String device, Instant downAt) {
        return new RaisedAlert(device + ":UP", device, AlertCondition.RESOLVED, T, downAt, T);
    }

    static List<RaisedAlert> downs(int n) {
        List<RaisedAlert> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(down("d" + i, T.minusSeconds(600)));
        }
        return out;
    }

    @Test
    void upToTheThresholdEachDeviceGetsItsOwnMessage() {
        AlertPlan plan = policy.plan(EvaluationAlerts.standalone(T, downs(5)));
        assertEquals(5, plan.messages().size());
        assertTrue(plan.messages().stream().allMatch(m -> m instanceof OutgoingAlert.Single));
    }

    @Test
    void moreThanTheThresholdBecomeOneDigestNamingThemAll() {
        AlertPlan plan = policy.plan(EvaluationAlerts.standalone(T, downs(6)));
        assertEquals(1, plan.messages().size());
        OutgoingAlert.Digest d = assertInstanceOf(OutgoingAlert.Digest.class, plan.messages().get(0));
        assertEquals(List.of("d1", "d2", "d3", "d4", "d5", "d6"), d.devices());
        assertEquals("6 devices down", d.headline());
        assertEquals(6, d.covers().size());
        assertEquals("digest:fired@" + T, d.threadKey());
    }

    @Test
    void aDigestIsPerConditionAndKeepsTheOtherConditionSingle() {
        List<RaisedAlert> raised = new ArrayList<>(downs(7));
        raised.add(0, back("x", T.minusSeconds(900)));
        AlertPlan plan = policy.plan(EvaluationAlerts.standalone(T, raised));
        assertEquals(2, plan.messages().size());
        assertInstanceOf(OutgoingAlert.Single.class, plan.messages().get(0), "the RESOLVED came first, alone");
        assertEquals("7 devices down", ((OutgoingAlert.Digest) plan.messages().get(1)).headline());
    }

    @Test
    void aResolvedJoinsTheThreadItsDownOpened() {
        RaisedAlert d = down("pi", T.minusSeconds(600));
        RaisedAlert r = back("pi", d.flipAt());
        assertEquals(d.threadKey(), r.threadKey());
        RaisedAlert later = down("pi", T.plusSeconds(60));
        assertTrue(!later.threadKey().equals(d.threadKey()), "the next outage is a new thread");
    }

    @Test
    void aResolvedWithNoKnownDownStartsItsOwnThread() {
        RaisedAlert summary = new RaisedAlert("k", "pi", AlertCondition.RESOLVED, T, null, null);
        assertEquals("pi@" + T, summary.threadKey());
    }

    @Test
    void checksThatWentSilentWithTheirParentAreFoldedIntoItsDown() {
        Instant last = T.minusSeconds(600);
        List<RaisedAlert> raised = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            raised.add(down("home.c" + i, last.plusSeconds(1)));
        }
        raised.add(down("home", last));
        Map<String, String> parents = new java.util.HashMap<>();
        raised.forEach(r -> parents.put(r.device(), "home"));
        parents.remove("home");
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, raised, parents, Map.of("home", last)));
        assertEquals(1, plan.messages().size(), "12 checks behind a down agent are not a digest: one message");
        OutgoingAlert.Single s = assertInstanceOf(OutgoingAlert.Single.class, plan.messages().get(0));
        assertEquals("home", s.alert().device());
        assertEquals(12, s.behind().size());
        assertEquals(13, s.covers().size());
    }

    @Test
    void aCheckThatWentSilentBeforeItsParentFailedOnItsOwn() {
        Instant last = T.minusSeconds(600);
        RaisedAlert check = down("home.dns", last.minus(MINUTE).minusSeconds(1));
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, List.of(check, down("home", last)),
                Map.of("home.dns", "home"), Map.of("home", last)));
        assertEquals(2, plan.messages().size());
        assertTrue(plan.messages().stream().allMatch(m -> ((OutgoingAlert.Single) m).behind().isEmpty()));
    }

    @Test
    void aCheckGoingDownBehindAParentAlreadyDownIsAbsorbed() {
        Instant last = T.minusSeconds(900);
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, List.of(down("home.web", last)),
                Map.of("home.web", "home"), Map.of("home", last)));
        assertTrue(plan.messages().isEmpty());
        assertEquals(List.of(new AlertPlan.Absorbed(down("home.web", last), "home")), plan.absorbed());
    }

    @Test
    void noCheckResolvesMerelyBecauseItsParentWentDown() {
        Instant last = T.minusSeconds(600);
        // The check was down on its own before; its RESOLVED comes while its parent is down.
        RaisedAlert resolved = back("home.dns", T.minusSeconds(3600));
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, List.of(down("home", last), resolved),
                Map.of("home.dns", "home"), Map.of("home", last)));
        assertEquals(List.of(resolved), plan.held());
        assertEquals(1, plan.messages().size());
        assertEquals("home", ((OutgoingAlert.Single) plan.messages().get(0)).alert().device());
    }

    @Test
    void aHeldResolvedIsSentOnceTheParentIsBack() {
        RaisedAlert resolved = back("home.dns", T.minusSeconds(3600));
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, List.of(resolved), Map.of("home.dns", "home"), Map.of()));
        assertTrue(plan.held().isEmpty());
        assertEquals(1, plan.messages().size());
    }

    @Test
    void checksComingBackWithTheirParentAreFoldedIntoItsResolved() {
        Instant downAt = T.minusSeconds(600);
        RaisedAlert parent = back("home", downAt);
        RaisedAlert check = back("home.dns", downAt.plusSeconds(2));
        RaisedAlert ownOutage = back("home.web", downAt.minusSeconds(3600));
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, List.of(check, ownOutage, parent),
                Map.of("home.dns", "home", "home.web", "home"), Map.of()));
        assertEquals(2, plan.messages().size(), "the check down on its own keeps its own RESOLVED");
        OutgoingAlert.Single home = (OutgoingAlert.Single) plan.messages().stream()
                .filter(m -> ((OutgoingAlert.Single) m).alert().device().equals("home")).findFirst().orElseThrow();
        assertEquals(List.of(check), home.behind());
    }

    @Test
    void checksFoldThroughTwoLevelsToTheTopParent() {
        Instant last = T.minusSeconds(600);
        RaisedAlert top = down("site", last);
        RaisedAlert mid = down("site.home", last);
        RaisedAlert leaf = down("site.home.dns", last);
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, List.of(leaf, mid, top),
                Map.of("site.home.dns", "site.home", "site.home", "site"), Map.of("site", last, "site.home", last)));
        assertEquals(1, plan.messages().size());
        assertEquals(List.of(leaf, mid), ((OutgoingAlert.Single) plan.messages().get(0)).behind());
    }

    @Test
    void aCycleInTheParentMapFoldsNothing() {
        Instant last = T.minusSeconds(600);
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, List.of(down("a", last), down("b", last)),
                Map.of("a", "b", "b", "a"), Map.of("a", last, "b", last)));
        assertEquals(2, plan.messages().size());
    }

    @Test
    void foldedChecksDoNotCountTowardsADigest() {
        Instant last = T.minusSeconds(600);
        List<RaisedAlert> raised = new ArrayList<>(downs(4));
        Map<String, String> parents = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) {
            raised.add(down("home.c" + i, last));
            parents.put("home.c" + i, "home");
        }
        raised.add(down("home", last));
        AlertPlan plan = policy.plan(new EvaluationAlerts(T, raised, parents, Map.of("home", last)));
        assertEquals(5, plan.messages().size(), "four devices and home: at the threshold, no digest");
    }

    @Test
    void theDigestNamesACappedListAndHowManyMore() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            names.add("n" + i);
        }
        assertEquals("n1, n2, n3, n4, n5 and 1,995 more", DeviceList.named(names, 5));
        assertEquals("n1, n2", DeviceList.named(names.subList(0, 2), 5));
        assertEquals("2,000 devices", DeviceList.count(2000));
        assertEquals("1 device", DeviceList.count(1));
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AggregationPolicy(0, 3, MINUTE));
        assertThrows(IllegalArgumentException.class, () -> new AggregationPolicy(5, 0, MINUTE));
        assertThrows(IllegalArgumentException.class, () -> new AggregationPolicy(5, 3, MINUTE.negated()));
    }

    final AggregationPolicy gathering = new AggregationPolicy(5, 3, MINUTE, MINUTE);

    @Test
    void aDigestWithNoGatheringIsReleasedAtOnce() {
        AlertPlan plan = policy.plan(EvaluationAlerts.standalone(T, downs(6)));
        assertEquals(java.util.Set.of(AlertCondition.FIRED), plan.released());
        assertTrue(!((OutgoingAlert.Digest) plan.messages().get(0)).joinsOpen());
    }

    @Test
    void aStormKeepsItsDigestOpenAndLaterFlipsJoinIt() {
        AlertPlan first = gathering.plan(EvaluationAlerts.standalone(T, downs(6)));
        assertTrue(first.released().isEmpty(), "the storm may go on: keep gathering");
        // Next evaluation: two more (fewer than the threshold) join the open digest, not two mails.
        List<RaisedAlert> more = List.of(down("late1", T), down("late2", T));
        AlertPlan second = gathering.plan(new EvaluationAlerts(T.plusSeconds(1), more, Map.of(), Map.of(),
                Map.of(AlertCondition.FIRED, T)));
        assertEquals(1, second.messages().size());
        OutgoingAlert.Digest d = assertInstanceOf(OutgoingAlert.Digest.class, second.messages().get(0));
        assertTrue(d.joinsOpen());
        assertEquals(List.of("late1", "late2"), d.devices());
        assertTrue(second.released().isEmpty());
        // A quiet evaluation releases it.
        AlertPlan quiet = gathering.plan(new EvaluationAlerts(T.plusSeconds(2), List.of(), Map.of(), Map.of(),
                Map.of(AlertCondition.FIRED, T)));
        assertEquals(java.util.Set.of(AlertCondition.FIRED), quiet.released());
        assertTrue(quiet.messages().isEmpty());
    }

    @Test
    void aStormThatNeverSettlesIsReleasedAfterGatherFor() {
        AlertPlan plan = gathering.plan(new EvaluationAlerts(T.plus(MINUTE), List.of(down("still", T)), Map.of(), Map.of(),
                Map.of(AlertCondition.FIRED, T)));
        assertEquals(java.util.Set.of(AlertCondition.FIRED), plan.released(), "open a full minute: sent, with the last joiners");
        assertTrue(((OutgoingAlert.Digest) plan.messages().get(0)).joinsOpen());
    }

    @Test
    void anOpenDigestOfOneConditionLeavesTheOtherAlone() {
        AlertPlan plan = gathering.plan(new EvaluationAlerts(T, List.of(back("x", T.minusSeconds(900))), Map.of(), Map.of(),
                Map.of(AlertCondition.FIRED, T.minusSeconds(1))));
        assertInstanceOf(OutgoingAlert.Single.class, plan.messages().get(0), "a RESOLVED alone is not a digest");
        assertEquals(java.util.Set.of(AlertCondition.FIRED), plan.released(), "nothing new went down: the digest goes out");
    }
}
