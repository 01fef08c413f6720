package dev.heartwatch.agent;

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
 * http://[user:password@]host[:port]}, or just {@code host:port}. HTTPS endpoints are reached
 * through a {@code CONNECT} tunnel (RFC 9110 §9.3.6), so the proxy sees the endpoint's name
 * and port but neither the key nor the body; the TLS handshake and the certificate check are
 * the agent's, end to end. Plain-HTTP endpoints get the request in absolute form.
 *
 * <p>{@code authorization} is a {@code Proxy-Authorization} value ({@code Basic ...}) or "" for
 * none; {@code label} is how logs name the proxy, {@code http://host:port}, never with the
 * credentials.
 */
final class HttpProxy {
    final String host;
    final int port;
    final String authorization;
    final String label;
    private final List<String> secrets;

    private HttpProxy(String host, int port, String authorization, String label, List<String> secrets) {
        this.host = host;
        this.port = port;
        this.authorization = authorization;
        this.label = label;
        this.secrets = secrets;
    }

    static HttpProxy parse(String raw, String what) throws ConfigException {
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
        String authorization = "";
        List<String> secrets = new ArrayList<>();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? "" : percentDecode(userInfo.substring(colon + 1));
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            authorization = "Basic " + token;
            for (String s : new String[] {token, password, colon < 0 ? "" : userInfo.substring(colon + 1)}) {
                if (!s.isEmpty()) {
                    secrets.add(s);
                }
            }
            for (int i = 0; i < authorization.length(); i++) {
                char c = authorization.charAt(i);
                if (c < ' ' || c >= 0x7f) {
                    throw new ConfigException(what + " has characters a header cannot carry");
                }
            }
        }
        String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return new HttpProxy(host, port, authorization, "http://" + authority + ":" + port, List.copyOf(secrets));
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
    List<String> secrets() {
        return secrets;
    }

    @Override
    public String toString() {
        return label;
    }
}
