package dev.heartwatch.server.dashboard;

import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.server.store.AdminState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A dashboard source with set data that a test can change while the page watches. */
final class FixtureSource implements DashboardSource {
    static final String HOSTILE = "<img src=x onerror=alert(1)>";

    private final Map<String, DeviceView> devices = new LinkedHashMap<>();
    private final Map<String, List<OutageView>> outages = new LinkedHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;

    synchronized FixtureSource device(DeviceView view) {
        devices.put(view.device(), view);
        return this;
    }

    synchronized FixtureSource outage(OutageView view) {
        outages.computeIfAbsent(view.device(), d -> new ArrayList<>()).add(view);
        return this;
    }

    /** A heartbeat arrives: the device is up, seen at {@code at}, its ongoing outage closed. */
    synchronized void beat(String device, Instant at) {
        DeviceView d = devices.get(device);
        List<String> trail = new ArrayList<>(d.trail());
        trail.add("up");
        devices.put(device, new DeviceView(device, "up", at, d.ip(), d.uptime24h(), d.uptime7d(), d.uptime30d(), trail,
                d.schedule(), d.due() == null ? null : "up", d.nextDue(), d.downAt(), d.lastDurationMs(),
                d.runs24h(), d.runs7d(), d.runs30d()));
        List<OutageView> list = outages.getOrDefault(device, List.of());
        for (int i = 0; i < list.size(); i++) {
            OutageView o = list.get(i);
            if (o.end() == null) {
                list.set(i, new OutageView(o.device(), o.start(), at, at.toEpochMilli() - o.start().toEpochMilli(),
                        o.cause(), o.detail(), o.source()));
            }
        }
    }

    @Override
    public synchronized List<DeviceView> devices(Instant now) {
        if (failure != null) {
            throw failure;
        }
        calls.add("devices " + now);
        return List.copyOf(devices.values());
    }

    @Override
    public synchronized List<OutageView> outages(String device, Instant from, Instant to, Instant now) {
        calls.add("outages " + device + " " + from + " " + to + " " + now);
        return List.copyOf(outages.getOrDefault(device, List.of()));
    }

    @Override
    public synchronized Optional<AdminState> mute(String device, Duration duration, Instant now) {
        calls.add("mute " + device + " " + duration + " " + now);
        return decided(device, now.plus(duration), null);
    }

    @Override
    public synchronized Optional<AdminState> unmute(String device, Instant now) {
        calls.add("unmute " + device + " " + now);
        return decided(device, null, null);
    }

    @Override
    public synchronized Optional<AdminState> retire(String device, Instant now) {
        calls.add("retire " + device + " " + now);
        return decided(device, null, now);
    }

    @Override
    public synchronized Optional<AdminState> unretire(String device, Instant now) {
        calls.add("unretire " + device + " " + now);
        return decided(device, null, null);
    }

    private Optional<AdminState> decided(String device, Instant mutedUntil, Instant retiredAt) {
        return devices.containsKey(device) ? Optional.of(new AdminState(device, mutedUntil, retiredAt)) : Optional.empty();
    }

    /** A small household: one device down with a DNS outage, one muted, one stopped, one hostile name. */
    static FixtureSource household(Instant now) {
        FixtureSource s = new FixtureSource();
        List<String> good = trail("up", 24);
        List<String> goingDown = new ArrayList<>(trail("up", 20));
        goingDown.addAll(List.of("down", "down", "down", "down"));
        List<String> flaky = new ArrayList<>(trail("up", 24));
        flaky.set(7, "down");
        s.device(new DeviceView("home-router", "up", now.minusSeconds(20), "203.0.113.24", 100.0, 99.95, 99.981, good)
                .withSchedule("every 1m + 4m grace", "up", now.plusSeconds(40), now.plusSeconds(280), null, null, null, null));
        s.device(new DeviceView("cabin-pi", "down", now.minus(Duration.ofMinutes(47)), "198.51.100.7",
                96.7, 99.42, 99.86, goingDown));
        // A nightly backup job (a cron device): its uptime is runs on time, and tonight's run is late.
        s.device(new DeviceView("garage-nas", "muted", now.minus(Duration.ofMinutes(3)), "203.0.113.24",
                0.0, 100.0 * 5 / 7, 100.0 * 27 / 30, flaky, "30 2 * * * Europe/Berlin + 1h", "late",
                now.minus(Duration.ofMinutes(10)), now.plus(Duration.ofMinutes(50)), 754_000L,
                new RunCount(1, 0, 0), new RunCount(7, 5, 1), new RunCount(30, 27, 1)));
        s.device(new DeviceView("old-laptop", "stopped", now.minus(Duration.ofDays(2)), null, null, 88.1, 97.3,
                trail("stopped", 24)));
        s.device(new DeviceView(HOSTILE, "up", now.minusSeconds(40), "2001:db8::5", 100.0, 100.0, null, good));
        s.outage(new OutageView("cabin-pi", now.minus(Duration.ofDays(6)).minus(Duration.ofHours(3)),
                now.minus(Duration.ofDays(6)).minus(Duration.ofHours(2)).minus(Duration.ofMinutes(49)),
                Duration.ofMinutes(11).toMillis(), "wifi", "no association with the access point", "agent"));
        s.outage(new OutageView("cabin-pi", now.minus(Duration.ofMinutes(46)), null,
                Duration.ofMinutes(46).toMillis(), "dns", "resolver timed out <b>twice</b>", "both"));
        s.outage(new OutageView("garage-nas", now.minus(Duration.ofHours(16)), now.minus(Duration.ofHours(15)).minus(Duration.ofMinutes(54)),
                Duration.ofMinutes(6).toMillis(), "silence", null, "cloud"));
        s.outage(new OutageView(HOSTILE, now.minus(Duration.ofDays(1)), now.minus(Duration.ofDays(1)).plusSeconds(90),
                90_000, "<script>alert(2)</script>", "\"><svg onload=alert(3)>", "agent"));
        return s;
    }

    private static List<String> trail(String status, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(status);
        }
        return out;
    }
}
