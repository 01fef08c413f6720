package dev.heartwatch.function.support;

import dev.heartwatch.function.notify.StateTable;
import dev.heartwatch.function.notify.TokenSource;
import dev.heartwatch.function.notify.WorkspaceLines;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Test tokens per scope: for Storage a JWT shaped like an Entra ID token, which Azurite's
 * {@code --oauth basic} decodes without checking the signature (it checks nbf/exp, the issuer
 * prefix {@code https://sts.windows.net/} and the audience {@code https://storage.azure.com};
 * azurite 3.37.0, TableTokenAuthenticator); for the workspace an opaque value the fake checks.
 */
public final class TestTokens {
    public static final String LOGS_TOKEN = "logs-token-for-the-fake-workspace-0123456789";

    private TestTokens() {
    }

    public static TokenSource of(Instant now) {
        String storage = jwt("https://storage.azure.com", now);
        return scope -> switch (scope) {
            case StateTable.SCOPE -> storage;
            case WorkspaceLines.SCOPE -> LOGS_TOKEN;
            default -> throw new IllegalArgumentException("no test token for " + scope);
        };
    }

    static String jwt(String audience, Instant now) {
        long t = now.getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"aud\":\"" + audience + "\",\"iss\":\"https://sts.windows.net/72f988bf-0000-4000-8000-000000000001/\","
                + "\"iat\":" + (t - 60) + ",\"nbf\":" + (t - 60) + ",\"exp\":" + (t + 3600) + ","
                + "\"oid\":\"0a1b2c3d-0000-4000-8000-000000000002\",\"tid\":\"72f988bf-0000-4000-8000-000000000001\","
                + "\"sub\":\"heartwatch-notify-test\",\"ver\":\"1.0\"}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("not-checked-by-azurite-basic".getBytes(StandardCharsets.UTF_8));
    }
}
