package dev.heartwatch.agent.config;

import dev.heartwatch.common.SecretRedactor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * One place a heartbeat can go. A {@code code=} in the configured URL is moved into
 * {@link #key()} (sent as the {@code x-functions-key} header), so the key never
 * travels in a URL that proxies or logs might keep.
 *
 * @param target the URL to post to, without {@code code=}
 * @param key    the function key, or "" for none
 * @param label  how logs name it: scheme, host, port and path, never a query
 */
public record Endpoint(URI target, String key, String label) {

    public static Endpoint parse(String raw, String explicitKey, String what) throws ConfigException {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            throw new ConfigException(what + " is empty");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(what + " is not a valid URL: " + SecretRedactor.none().redact(text));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new ConfigException(what + " must start with https:// (or http:// for a local server)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ConfigException(what + " has no host name");
        }
        if (uri.getPort() > 65535) {
            // the URI allows any digits; found only here, it would fail every beat instead
            throw new ConfigException(what + " has a port above 65535");
        }
        String codeKey = "";
        StringBuilder rest = new StringBuilder();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                if (pair.regionMatches(true, 0, "code=", 0, 5)) {
                    codeKey = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                } else {
                    rest.append(rest.length() == 0 ? "" : "&").append(pair);
                }
            }
        }
        String key = explicitKey != null && !explicitKey.isEmpty() ? explicitKey : codeKey;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                // It goes into a header line: a line break would end the header (the key itself is not shown).
                throw new ConfigException("the function key for " + what
                        + " holds a space, control or non-ASCII character; function keys never do");
            }
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String authority = uri.getRawAuthority();
        if (uri.getRawUserInfo() != null) {
            throw new ConfigException(what + " must not carry a user name or password");
        }
        URI target;
        try {
            target = new URI(scheme + "://" + authority + path + (rest.length() == 0 ? "" : "?" + rest));
        } catch (URISyntaxException e) {
            throw new ConfigException(what + " is not a valid URL");
        }
        String label = scheme + "://" + authority + path + (rest.length() == 0 ? "" : "?" + SecretRedactor.MARK);
        return new Endpoint(target, key, label);
    }

    @Override
    public String toString() {
        return label; // a record's default toString would print the key
    }
}
