package dev.heartwatch.server.config;

import dev.heartwatch.channels.ChannelConfig;
import dev.heartwatch.channels.ChannelConfigException;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.channels.ThreadState;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The chat, push and GitHub channels the server delivers to. The reading of their settings is
 * the {@code channels} module's {@link ChannelConfig} (the one implementation, shared with
 * Azure's {@code NotifyDeliver}); this class gives its errors as the server's
 * {@link ConfigException}, so a bad setting stops the start like any other.
 */
public final class ChannelSettings {
    /** Every setting read here, for the configuration's known names. */
    public static final List<String> NAMES = ChannelConfig.NAMES;

    public static final ChannelSettings NONE = new ChannelSettings(ChannelConfig.NONE);

    private final ChannelConfig config;

    private ChannelSettings(ChannelConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public static ChannelSettings from(Map<String, String> m) {
        try {
            return new ChannelSettings(ChannelConfig.from(m));
        } catch (ChannelConfigException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    public ChannelConfig config() {
        return config;
    }

    public Duration timeout() {
        return config.timeout();
    }

    public URI slack() {
        return config.slack();
    }

    public URI discord() {
        return config.discord();
    }

    public URI teams() {
        return config.teams();
    }

    public ChannelConfig.Telegram telegram() {
        return config.telegram();
    }

    public ChannelConfig.Ntfy ntfy() {
        return config.ntfy();
    }

    public ChannelConfig.Pushover pushover() {
        return config.pushover();
    }

    public ChannelConfig.GitHub github() {
        return config.github();
    }

    /** The channels configured, each with its own exchange (its timeout, its secrets), trusting the JDK's CAs. */
    public List<NotificationChannel> channels(ThreadState threads, Clock clock) {
        return config.channels(threads, clock);
    }

    /** The same trusting {@code tls} (null: the JDK's own trust store). */
    public List<NotificationChannel> channels(ThreadState threads, Clock clock, SSLContext tls) {
        return config.channels(threads, clock, tls);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelSettings other && other.config.equals(config);
    }

    @Override
    public int hashCode() {
        return config.hashCode();
    }

    /** The names of the channels that are on; no target, no secret. */
    @Override
    public String toString() {
        return config.toString();
    }
}
