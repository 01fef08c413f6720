package dev.heartwatch.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP proxy the agent goes through, as {@code https_proxy}/{@code http_proxy} name it
 * (the variables the original Python agent's {@code requests} reads): {@code
 * http://[user:password@]host[:port]}, or just {@code host:port}. The JDK's HTTP client does
 * the rest (HttpTransport): a {@code CONNECT} tunnel for HTTPS endpoints (the proxy sees the
 * endpoint's name and port, neither the key nor the body), the absolute form for plain HTTP,
 * and {@code Proxy-Authorization: Basic} from {@link #user()} and {@link #password()} when the
 * proxy asks for it.
 *
 * <p>{@code label} is how logs name the proxy, {@code http://host:port}, never with the
 * credentials.
 */
public final class ProxyUrl {
    public final String host;
    public final int port;
    public final String label;
    private final String user;
    private final String password;
    private final List<String> secrets;

    private ProxyUrl(String host, int port, String user, String password, String label, List<String> secrets) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.label = label;
        this.secrets = secrets;
    }

    public static ProxyUrl parse(String raw, String what) throws ConfigException {
        String text = raw.strip();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(what + " is not a valid proxy URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new ConfigException(what + " must be an http:// proxy (" + scheme
                    + " proxies are not supported; HTTPS endpoints still use TLS end to end through it)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ConfigException(what + " has no host name");
        }
        if (uri.getPort() > 65535) {
            throw new ConfigException(what + " has a port above 65535");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
            throw new ConfigException(what + " must be just http://host:port");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : 80;
        String user = "";
        String password = "";
        List<String> secrets = new ArrayList<>();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : percentDecode(userInfo.substring(colon + 1));
            // The header form too: the JDK writes it, and a proxy may echo it in an error.
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            for (String s : new String[] {token, password, colon < 0 ? "" : userInfo.substring(colon + 1)}) {
                if (!s.isEmpty()) {
                    secrets.add(s);
                }
            }
        }
        String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return new ProxyUrl(host, port, user, password, "http://" + authority + ":" + port, List.copyOf(secrets));
    }

    /** The user name for {@code Proxy-Authorization}, "" for none. */
    public String user() {
        return user;
    }

    /** The password for {@code Proxy-Authorization}, "" for none. */
    public String password() {
        return password;
    }

    public boolean hasCredentials() {
        return !user.isEmpty() || !password.isEmpty();
    }

    /**
     * A URL's user-info is percent-encoded, not form-encoded: a '+' is a plus (as Python's
     * {@code unquote} reads it for the original agent), never a space. The URI already
     * refused a malformed escape.
     */
    private static String percentDecode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** What must never be printed: the password, as written, decoded and in its header form. */
    public List<String> secrets() {
        return secrets;
    }

    @Override
    public String toString() {
        return label;
    }
}
