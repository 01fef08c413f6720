package dev.heartwatch.server.pair;

import dev.heartwatch.server.config.ConfigException;
import dev.heartwatch.server.config.PairMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Pair mode's own heartbeat (issue 18 sections 3 and 5): one POST to the peer's ping as
 * {@code stack-<this name>} each {@link PairMode#interval()}, with the key of
 * {@code HEARTWATCH_PEER_KEY_FILE} in {@code x-functions-key} (the header the ping reads, as the
 * agent sends it). Bounded: a connect and request timeout of at most ten seconds and never more
 * than the interval, so a hung peer never piles beats up. The key is never logged, nor is the
 * peer's answer body; a failure is logged by its status or exception class only.
 */
public final class PeerBeat {
    private static final Logger LOG = Logger.getLogger(PeerBeat.class.getName());
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    private final PairMode pair;
    private final String key;
    private final HttpClient client;
    private final Duration timeout;
    private volatile String lastProblem;

    private PeerBeat(PairMode pair, String key) {
        this.pair = pair;
        this.key = key;
        this.timeout = pair.interval().compareTo(MAX_TIMEOUT) < 0 ? pair.interval() : MAX_TIMEOUT;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Reads the key file: exactly one key, else the start stops (the message never holds the key). */
    public static PeerBeat of(PairMode pair) {
        List<String> keys = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(pair.peerKeyFile(), StandardCharsets.UTF_8)) {
                String k = line.strip();
                if (!k.isEmpty() && !k.startsWith("#")) {
                    keys.add(k);
                }
            }
        } catch (IOException e) {
            throw new ConfigException("HEARTWATCH_PEER_KEY_FILE " + pair.peerKeyFile() + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (keys.size() != 1) {
            throw new ConfigException("HEARTWATCH_PEER_KEY_FILE " + pair.peerKeyFile() + " must hold exactly one key");
        }
        return new PeerBeat(pair, keys.get(0));
    }

    /**
     * Refuses a peer URL that is this server's own listener: a stack that beats itself would
     * hide its peer's death. Same port, and a host that is the bind address or any address of
     * this machine when the server binds every interface.
     */
    public static void refuseSelf(PairMode pair, String bindAddress, int port) {
        URI peer = pair.peerUrl();
        int peerPort = peer.getPort() >= 0 ? peer.getPort() : "https".equalsIgnoreCase(peer.getScheme()) ? 443 : 80;
        if (peerPort != port) {
            return;
        }
        try {
            InetAddress[] peerAddresses = InetAddress.getAllByName(stripBrackets(peer.getHost()));
            InetAddress bind = InetAddress.getByName(bindAddress);
            for (InetAddress a : peerAddresses) {
                if (a.equals(bind) || bind.isAnyLocalAddress()
                        && (a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null)) {
                    throw new ConfigException("HEARTWATCH_PEER_URL is this server's own address (" + peer.getHost() + ":"
                            + port + "): a stack never beats itself; name the other server");
                }
            }
        } catch (UnknownHostException e) {
            // Not resolvable now: not this server; the beats will say so when they fail.
        } catch (java.net.SocketException e) {
            // No interface list: judged by the bind address alone, done above.
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** One beat; never throws (a scheduled task that throws is never run again). */
    public void beatQuietly() {
        try {
            HttpRequest request = HttpRequest.newBuilder(pair.peerUrl())
                    .timeout(timeout)
                    .header("x-functions-key", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + pair.ownDevice() + "\"}"))
                    .build();
            HttpResponse<Void> answer = client.send(request, HttpResponse.BodyHandlers.discarding());
            report(answer.statusCode() / 100 == 2 ? null : "answered " + answer.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            report("failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Logs a change only: a peer down for an hour is one line, not sixty. */
    private void report(String problem) {
        String before = lastProblem;
        lastProblem = problem;
        if (problem != null && !problem.equals(before)) {
            LOG.warning("pair: the beat to " + pair.peerName() + " " + problem);
        } else if (problem == null && before != null) {
            LOG.info("pair: the beat to " + pair.peerName() + " is answered again");
        }
    }
}
