package dev.heartwatch.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.OutageMerge;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.outage.UptimeCalculator;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read side for the dashboard and reports: live status, merged outages and uptime of one
 * device over a period, computed by {@code core} from the stored lines (nothing is precomputed,
 * so the figures always agree with the alert mails).
 */
public final class DeviceHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HeartwatchStore store;
    private final SilenceRule rule;

    public DeviceHistory(HeartwatchStore store, SilenceRule rule) {
        this.store = store;
        this.rule = rule;
    }

    public SilenceRule rule() {
        return rule;
    }

    /** The status the rule gives the device at {@code now} (what the next evaluation will record). */
    public DeviceStatus status(DeviceRecord device, Instant now) {
        return rule.status(device.facts(), now);
    }

    /** Merged outages of {@code device} that overlap {@code [from, to)}, oldest first; an ongoing one has no end. */
    public List<Outage> outages(String device, Instant from, Instant to, Instant now) {
        // Beats from one lookback earlier, so a gap that began before {@code from} is seen whole.
        Instant since = from.minus(rule.lookback());
        Instant until = to.isAfter(now) ? now : to;
        List<Beat> beats = store.beats(device, since, until);
        List<Outage> out = new ArrayList<>();
        for (Outage o : OutageMerge.of(rule).merge(beats, store.reportedOutages(device, since, until), now)) {
            boolean startsBeforeEnd = o.start().isBefore(to);
            boolean endsAfterStart = o.end() == null || o.end().isAfter(from);
            if (startsBeforeEnd && endsAfterStart) {
                out.add(o);
            }
        }
        return out;
    }

    /** Uptime of {@code device} over {@code [from, to)}; empty percent when it was never monitored then. */
    public Uptime uptime(String device, Instant from, Instant to, Instant now) {
        return span(device, from, to, now).uptime(from, to, now);
    }

    /**
     * What the store says of {@code device} over {@code [from, to)}, read once: its coverage
     * (first heartbeat, clean stops) and its merged outages, beats from one lookback earlier so a
     * gap that began before {@code from} is seen whole. Several uptimes (24 h, 7 d, 30 d) and a
     * status trail then come from one read.
     */
    public Span span(String device, Instant from, Instant to, Instant now) {
        Instant since = from.minus(rule.lookback());
        Instant until = to.isAfter(now) ? now : to;
        List<Beat> beats = store.beats(device, since, until);
        Optional<DeviceRecord> record = store.device(device);
        Coverage window = Coverage.fromBeats(beats).get(device);
        Coverage coverage = null;
        if (window != null) {
            Instant firstSeen = record.map(DeviceRecord::firstSeen).orElse(window.firstSeen());
            coverage = new Coverage(device, firstSeen == null ? window.firstSeen() : firstSeen, window.stopped());
        }
        List<Outage> outages = OutageMerge.of(rule).merge(beats, store.reportedOutages(device, since, until), now);
        return new Span(device, coverage, outages);
    }

    /**
     * One device's coverage (null: no heartbeat in the span read) and merged outages.
     */
    public record Span(String device, Coverage coverage, List<Outage> outages) {
        public Span {
            outages = List.copyOf(outages);
        }

        /** Uptime over {@code [from, to)} within the span read. */
        public Uptime uptime(Instant from, Instant to, Instant now) {
            return UptimeCalculator.over(device, coverage, outages, from, to, now);
        }
    }

    /** The client address of the device's last heartbeat, when it had one. */
    public Optional<String> lastAddress(String device) {
        Optional<DeviceRecord> r = store.device(device);
        if (r.isEmpty() || r.get().lastSeen() == null) {
            return Optional.empty();
        }
        Instant at = r.get().lastSeen();
        List<String> lines = store.lineTexts(device, "heartbeat", at, at);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            String text = lines.get(lines.size() - 1);
            JsonNode ip = JSON.readTree(text.substring(text.indexOf('{'))).get("ip");
            return ip == null ? Optional.empty() : Optional.of(ip.asText());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
