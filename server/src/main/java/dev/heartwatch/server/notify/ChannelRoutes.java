package dev.heartwatch.server.notify;

import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.core.notify.ChannelRouting;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.server.store.NotificationRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The device registry's routing ({@link ChannelRouting}) applied where the outbox's messages
 * become one channel's deliveries. A message about one device goes to that device's channels
 * and to those of the checks folded behind it (a channel that hears only about a check still
 * learns its parent is down, which is why the check is unknown). A digest goes to the union of
 * its devices' channels, and each channel's copy lists only the devices routed to it (a device
 * counts with the checks folded behind it). The console is not routed: it logs every message.
 * The registry is read once per delivery round of a channel ({@link #read()}), so a change
 * applies from the next round. A registry that cannot be read (a stored entry naming an unknown
 * channel, say) never silences an alert: every channel hears every message until it is fixed,
 * and the log says so.
 */
public final class ChannelRoutes {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ChannelRoutes.class.getName());
    /** No registry: every channel hears every message (tests, a server without entries). */
    public static final ChannelRoutes EVERY = new ChannelRoutes(() -> new DeviceRegistry(List.of()), null);

    private final Supplier<DeviceRegistry> registry;
    /** The routable names of the configured channels; null until {@link #over} is called. */
    private final List<String> configured;

    private ChannelRoutes(Supplier<DeviceRegistry> registry, List<String> configured) {
        this.registry = registry;
        this.configured = configured;
    }

    /** Routing by {@code registry} (read at each message). */
    public static ChannelRoutes of(Supplier<DeviceRegistry> registry) {
        return new ChannelRoutes(registry, null);
    }

    /** These routes over the channels the server has (the console excluded). */
    ChannelRoutes over(Collection<NotificationChannel> channels) {
        List<String> names = new ArrayList<>();
        for (NotificationChannel c : channels) {
            if (routed(c) && !names.contains(c.routeName())) {
                names.add(c.routeName());
            }
        }
        return new ChannelRoutes(registry, List.copyOf(names));
    }

    static boolean routed(NotificationChannel c) {
        return !(c instanceof ConsoleChannel);
    }

    /** The routable names of the configured channels. */
    List<String> configured() {
        return configured;
    }

    /**
     * Which of a message's devices a channel hears about: for a digest, its members (each
     * standing for the checks folded behind it too); for a single message, the message's device
     * when it or any check behind it is routed there. Empty: the message is not for this channel.
     */
    /** The registry as it is now, for one round; on failure an empty one (every channel), logged once per failure. */
    DeviceRegistry read() {
        try {
            DeviceRegistry r = registry.get();
            unreadable = false;
            return r;
        } catch (RuntimeException e) {
            if (!unreadable) {
                LOG.warning("the device registry cannot be read (" + e.getClass().getSimpleName()
                        + "): every channel hears every message until it is fixed (heartwatch devices list shows the problem)");
            }
            unreadable = true;
            return new DeviceRegistry(List.of());
        }
    }

    private volatile boolean unreadable;

    Set<String> devicesFor(NotificationChannel channel, NotificationRecord n, List<NotificationRecord> carried, DeviceRegistry r) {
        Map<String, Set<String>> leads = new LinkedHashMap<>();
        if (!n.digest()) {
            leads.put(n.device(), new LinkedHashSet<>(List.of(n.device())));
        }
        for (NotificationRecord c : carried) {
            if (c.behind() == null) {
                leads.computeIfAbsent(c.device(), k -> new LinkedHashSet<>()).add(c.device());
            } else {
                leads.computeIfAbsent(n.digest() ? c.behind() : n.device(), k -> new LinkedHashSet<>()).add(c.device());
            }
        }
        if (!routed(channel)) {
            return leads.keySet();
        }
        String name = channel.routeName();
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, Set<String>> lead : leads.entrySet()) {
            for (String d : lead.getValue()) {
                if (ChannelRouting.channelsOf(r, d, configured).contains(name)) {
                    out.add(lead.getKey());
                    break;
                }
            }
        }
        return out;
    }
}
