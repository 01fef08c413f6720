package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.SilenceRule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.heartwatch.core.rule.Beats.concat;
import static dev.heartwatch.core.rule.Beats.everyMinute;
import static dev.heartwatch.core.rule.Beats.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OutageMergeTest {

    private final OutageMerge merge = OutageMerge.of(SilenceRule.recommended());
    private final List<Beat> gap1010to1020 = concat(everyMinute("pi", "10:00", "10:10"), everyMinute("pi", "10:20", "10:30"));

    private static ReportedOutage report(String id, String start, String end, Duration skew) {
        return new ReportedOutage("pi", id, t(start), t(end), "dns", "no answer from resolver", skew);
    }

    @Test
    void outageSeenByBothSourcesTakesTheAgentsStartAndCause() {
        List<Outage> out = merge.merge(gap1010to1020, List.of(report("o1", "10:10:40", "10:19:50", Duration.ZERO)), null);
        assertEquals(List.of(new Outage("pi", t("10:10:40"), t("10:20"), "dns", "no answer from resolver",
                Source.BOTH, "o1")), out);
    }

    @Test
    void outageSeenOnlyByTheAgentShorterThanTheThresholdIsKept() {
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:10"), everyMinute("pi", "10:13", "10:30"));
        List<Outage> out = merge.merge(beats, List.of(report("o1", "10:10:30", "10:12:30", null)), null);
        assertEquals(List.of(new Outage("pi", t("10:10:30"), t("10:12:30"), "dns", "no answer from resolver",
                Source.AGENT, "o1")), out);
    }

    @Test
    void outageSeenOnlyByTheCloudStartsOneIntervalAfterTheLastBeat() {
        List<Outage> out = merge.merge(gap1010to1020, List.of(), null);
        assertEquals(List.of(new Outage("pi", t("10:11"), t("10:20"), "unknown", "", Source.CLOUD,
                "cloud:" + t("10:10").toEpochMilli())), out);
    }

    @Test
    void duplicateReportIsCountedOnceKeepingTheFirstSeen() {
        ReportedOutage first = report("o1", "10:10:40", "10:19:50", Duration.ZERO);
        ReportedOutage resent = new ReportedOutage("pi", "o1", t("10:10:40"), t("10:19:50"), "reset", "resent", Duration.ZERO);
        List<Outage> out = merge.merge(List.of(), List.of(first, resent), null);
        assertEquals(1, out.size());
        assertEquals("dns", out.get(0).cause());
    }

    @Test
    void overlappingReportsBecomeOneOutageSpanningBoth() {
        List<Outage> out = merge.merge(List.of(), List.of(
                report("o1", "10:00", "10:05", null), report("o2", "10:03", "10:08", null)), null);
        assertEquals(List.of(new Outage("pi", t("10:00"), t("10:08"), "dns", "no answer from resolver",
                Source.AGENT, "o1")), out);
    }

    @Test
    void agentClockOneMinuteBehindIsCorrectedBySkew() {
        // the agent's clock reads 10:09:40 when the receiver's reads 10:10:40
        ReportedOutage behind = report("o1", "10:09:40", "10:18:50", Duration.ofMinutes(1));
        List<Outage> out = merge.merge(gap1010to1020, List.of(behind), null);
        assertEquals(List.of(new Outage("pi", t("10:10:40"), t("10:20"), "dns", "no answer from resolver",
                Source.BOTH, "o1")), out);
    }

    @Test
    void gapAfterAStoppingBeatIsNotAnOutage() {
        List<Beat> beats = concat(everyMinute("pi", "10:00", "10:09"), List.of(Beat.stopping("pi", t("10:10"))),
                everyMinute("pi", "11:00", "11:05"));
        assertEquals(List.of(), merge.merge(beats, List.of(), t("11:05")));
    }

    @Test
    void silentDeviceHasAnOngoingOutageWhenNowIsGiven() {
        List<Outage> out = merge.merge(everyMinute("pi", "10:00", "10:10"), List.of(), t("10:15"));
        assertEquals(List.of(new Outage("pi", t("10:11"), null, "unknown", "", Source.CLOUD,
                "cloud:" + t("10:10").toEpochMilli())), out);
    }

    @Test
    void silenceShorterThanTheThresholdIsNotYetAnOngoingOutage() {
        assertEquals(List.of(), merge.merge(everyMinute("pi", "10:00", "10:10"), List.of(), t("10:14:59")));
    }

    @Test
    void cloudStartWinsWhenTheAgentMissedTheBeginning() {
        // power cut at 10:10; the agent came back at 10:15, found the internet down, reported from 10:15
        List<Outage> out = merge.merge(gap1010to1020, List.of(report("o1", "10:15", "10:19:50", Duration.ZERO)), null);
        assertEquals(t("10:11"), out.get(0).start());
        assertEquals(Source.BOTH, out.get(0).source());
    }

    @Test
    void outagesOfDifferentDevicesAreNeverMerged() {
        List<Beat> beats = concat(gap1010to1020, everyMinute("nas", "10:00", "10:10"), everyMinute("nas", "10:20", "10:30"));
        List<Outage> out = merge.merge(beats, List.of(), null);
        assertEquals(List.of("nas", "pi"), out.stream().map(Outage::device).toList());
    }
}
