package dev.heartwatch.core.notify;

import dev.heartwatch.common.EditDistance;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which channels hear about a device (issue 15 §5): routing lives in the device registry alone,
 * never in a channel's settings. A device's channels are its registry entry's {@code channels}
 * when it names some, else the registry's {@code defaults.channels}, else every configured
 * channel. Names the registry gives that this deployment has not configured are dropped; if
 * that leaves none, every configured channel hears it (a routing slip never silences an alert).
 * Pure: the registry and the configured names are parameters.
 */
public final class ChannelRouting {
    /**
     * The channel names a registry may use: the server's and Azure's {@code Notify}'s channels,
     * by the name routing knows them by ({@code email} is SMTP, the outbox directory or Azure's
     * ACS mail, whichever the deployment has). The console is not routed: it logs everything.
     */
    public static final List<String> KNOWN = List.of("email", "webhook", "slack", "discord", "teams", "telegram", "ntfy",
            "pushover", "github");

    private ChannelRouting() {
    }

    /** The channels {@code device} uses, in the registry's order, among {@code configured} (in theirs when all). */
    public static List<String> channelsOf(DeviceRegistry registry, String device, Collection<String> configured) {
        List<String> named = registry.find(device).map(RegisteredDevice::channels).filter(c -> !c.isEmpty())
                .orElse(registry.defaultChannels());
        List<String> out = new ArrayList<>();
        for (String c : named) {
            if (configured.contains(c)) {
                out.add(c);
            }
        }
        return out.isEmpty() ? List.copyOf(configured) : out;
    }

    /** The union of {@code devices}' channels, in first-seen order (a digest, a device with checks folded behind it). */
    public static Set<String> unionOf(DeviceRegistry registry, Collection<String> devices, Collection<String> configured) {
        Set<String> out = new LinkedHashSet<>();
        for (String d : devices) {
            out.addAll(channelsOf(registry, d, configured));
        }
        return out;
    }

    /**
     * Why {@code name} is not a channel routing knows, with the nearest known name ("did you
     * mean"), or empty when it is one.
     */
    public static Optional<String> unknown(String name) {
        if (KNOWN.contains(name)) {
            return Optional.empty();
        }
        String near = EditDistance.closest(name, KNOWN, 2).map(n -> "did you mean \"" + n + "\"? ").orElse("");
        return Optional.of("channel \"" + name + "\" is not a channel (" + near + "channels: " + String.join(", ", KNOWN) + ")");
    }
}
