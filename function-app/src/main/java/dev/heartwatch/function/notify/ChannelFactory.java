package dev.heartwatch.function.notify;

import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.channels.ThreadState;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Makes the channels of one kind from the app settings: none when its settings are absent (a
 * channel whose secret is not given is not configured), a {@code ChannelConfigException} naming
 * the setting when they are wrong. {@link NotifyConfig#FACTORIES} maps each kind's name to its
 * factory; a new way out (Azure Communication Services email) is one more entry there.
 */
@FunctionalInterface
public interface ChannelFactory {
    /**
     * @param tls trust for the channels' HTTPS (null: the JDK's own trust store)
     */
    List<NotificationChannel> create(Map<String, String> settings, ThreadState threads, Clock clock, SSLContext tls);
}
