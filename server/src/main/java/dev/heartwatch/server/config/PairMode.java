package dev.heartwatch.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Issue 18 section 5: two servers covering each other, each beating the other as
 * {@code stack-<name>} (docs/regions.md, "Two servers"). {@code null} in {@link ServerConfig}
 * when {@code HEARTWATCH_PAIR_ROLE} is absent.
 *
 * @param stackName   this server's name ({@code HEARTWATCH_STACK_NAME}); it beats its peer as {@code stack-<stackName>}
 * @param role        primary alerts on every device; secondary only while the primary is silent
 * @param peerName    the peer's name: its beats arrive here as {@code stack-<peerName>}
 * @param peerUrl     the peer's ping URL (https, or http on loopback)
 * @param peerKeyFile the file holding the key this server presents to its peer (never logged)
 * @param interval    how often this server beats its peer
 */
public record PairMode(String stackName, Role role, String peerName, URI peerUrl, Path peerKeyFile, Duration interval) {
    public enum Role { PRIMARY, SECONDARY }

    /** The reserved prefix of the stacks' own device ids. */
    public static final String STACK_PREFIX = "stack-";
    private static final String NAME = "[a-z0-9-]{1,40}";

    /** The device this server beats as, at its peer. */
    public String ownDevice() {
        return STACK_PREFIX + stackName;
    }

    /** The device the peer beats as, here. */
    public String peerDevice() {
        return STACK_PREFIX + peerName;
    }

    public boolean secondary() {
        return role == Role.SECONDARY;
    }

    /** The DOWN of {@link #peerDevice()} says what it means for alerting. */
    public String peerDownText() {
        return secondary() ? PRIMARY_DOWN : SECONDARY_DOWN;
    }

    public static final String PRIMARY_DOWN = "the primary's alerting is down; the secondary is covering";
    public static final String SECONDARY_DOWN = "the secondary's alerting is down";

    /** The RESOLVED of a device alert the secondary held open while it covered. */
    public static final String PRIMARY_BACK = "the primary is back and alerts again";

    /** What a pair's message puts in its subject, from its reason: the texts above, else nothing. */
    public static java.util.Optional<String> headline(String reason) {
        if (reason == null) {
            return java.util.Optional.empty();
        }
        for (String text : List.of(PRIMARY_DOWN, SECONDARY_DOWN, PRIMARY_BACK)) {
            if (reason.startsWith(text)) {
                return java.util.Optional.of(text);
            }
        }
        return java.util.Optional.empty();
    }

    static PairMode read(String role, String stackName, String peerName, String peerUrl, String peerKeyFile,
                         Duration interval) {
        if (role == null) {
            if (stackName != null || peerName != null || peerUrl != null || peerKeyFile != null) {
                throw new ConfigException("HEARTWATCH_STACK_NAME, HEARTWATCH_PEER_NAME, HEARTWATCH_PEER_URL and HEARTWATCH_PEER_KEY_FILE are for pair mode: "
                        + "set HEARTWATCH_PAIR_ROLE to primary or secondary, or remove them");
            }
            return null;
        }
        Role r;
        try {
            r = Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HEARTWATCH_PAIR_ROLE must be primary or secondary");
        }
        if (stackName == null || !stackName.matches(NAME)) {
            throw new ConfigException("pair mode needs HEARTWATCH_STACK_NAME, 1-40 characters of a-z, 0-9 and '-'");
        }
        if (peerName == null || peerUrl == null || peerKeyFile == null) {
            throw new ConfigException("HEARTWATCH_PAIR_ROLE=" + role.toLowerCase(Locale.ROOT) + " needs a peer: "
                    + "HEARTWATCH_PEER_NAME, HEARTWATCH_PEER_URL and HEARTWATCH_PEER_KEY_FILE");
        }
        if (!peerName.matches(NAME)) {
            throw new ConfigException("HEARTWATCH_PEER_NAME must be 1-40 characters of a-z, 0-9 and '-'");
        }
        if (peerName.equals(stackName)) {
            throw new ConfigException("HEARTWATCH_PEER_NAME is this server's own HEARTWATCH_STACK_NAME: a stack never beats itself");
        }
        URI uri;
        try {
            uri = URI.create(peerUrl);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HEARTWATCH_PEER_URL is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && loopback(uri.getHost()))) {
            throw new ConfigException("HEARTWATCH_PEER_URL must be an https URL (http only on loopback), "
                    + "the peer's ping URL such as https://peer.example.com/api/ping");
        }
        if (uri.getUserInfo() != null || uri.getRawQuery() != null) {
            // The key goes in a header from the key file, never in the URL (it would be logged).
            throw new ConfigException("HEARTWATCH_PEER_URL must carry no user info and no query; the key comes from HEARTWATCH_PEER_KEY_FILE");
        }
        return new PairMode(stackName, r, peerName, uri, Path.of(peerKeyFile), interval);
    }

    static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    @Override
    public String toString() {
        return "PairMode[" + stackName + " " + role.name().toLowerCase(Locale.ROOT) + ", peer " + peerName + " at "
                + peerUrl.getScheme() + "://" + peerUrl.getHost() + (peerUrl.getPort() < 0 ? "" : ":" + peerUrl.getPort())
                + ", every " + interval + "]";
    }
}
