package dev.heartwatch.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.history.HistoryModel;
import dev.heartwatch.core.history.HistoryPeriod;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The read side for the dashboard and reports: live status, merged outages and uptime of one
 * device over a period, computed by core's {@link HistoryModel} (the one history model the CLI
 * and its reports use too) from the stored lines, so the figures agree with the alert mails and
 * with {@code heartwatch history}.
 */
public final class DeviceHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HeartwatchStore store;
    private final SilenceRule rule;
    private final HistoryModel model;

    public DeviceHistory(HeartwatchStore store, SilenceRule rule) {
        this.store = store;
        this.rule = rule;
        this.model = HistoryModel.of(rule);
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
        return span(device, from, to, now).over(from, to, now).map(dev.heartwatch.core.history.DeviceHistory::outages)
                .orElse(List.of());
    }

    /** Uptime of {@code device} over {@code [from, to)}; empty percent when it was never monitored then. */
    public Uptime uptime(String device, Instant from, Instant to, Instant now) {
        return span(device, from, to, now).uptime(from, to, now);
    }

    /**
     * What the store says of {@code device} over {@code [from, to)}, read once: its beats from one
     * lookback earlier (so a gap that began before {@code from} is seen whole) up to
     * {@code min(to, now)}, reduced to gaps, and its outage reports. Several uptimes (24 h, 7 d,
     * 30 d) and a status trail then come from one read.
     */
    public Span span(String device, Instant from, Instant to, Instant now) {
        Instant since = from.minus(rule.lookback());
        Instant until = to.isAfter(now) ? now : to;
        HistoryFacts facts = HistoryFacts.fromBeats(since, until, store.beats(device, since, until),
                store.reportedOutages(device, since, until), rule.threshold());
        return new Span(device, facts, model);
    }

    /** One device's facts as read, and the model that turns them into figures. */
    public static final class Span {
        private final String device;
        private final HistoryFacts facts;
        private final HistoryModel model;

        Span(String device, HistoryFacts facts, HistoryModel model) {
            this.device = device;
            this.facts = facts;
            this.model = model;
        }

        public String device() {
            return device;
        }

        /**
         * The device's history over {@code [from, to)} within the span read (days and months in
         * UTC); empty when nothing of it was read.
         */
        public Optional<dev.heartwatch.core.history.DeviceHistory> over(Instant from, Instant to, Instant now) {
            return model.compute(facts, new HistoryPeriod(from, to, ZoneOffset.UTC), now).device(device);
        }

        /** Uptime over {@code [from, to)} within the span read. */
        public Uptime uptime(Instant from, Instant to, Instant now) {
            return over(from, to, now).map(dev.heartwatch.core.history.DeviceHistory::total)
                    .orElse(new Uptime(from, to, Duration.ZERO, Duration.ZERO));
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
