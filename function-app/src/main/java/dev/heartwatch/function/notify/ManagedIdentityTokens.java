package dev.heartwatch.function.notify;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredential;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens of the function app's user-assigned managed identity (azure-identity's
 * {@link ManagedIdentityCredential}), cached per scope until five minutes before they expire.
 * The identity is the one the app's storage connection already names
 * ({@code AzureWebJobsStorage__clientId}).
 */
public final class ManagedIdentityTokens implements TokenSource {
    private final ManagedIdentityCredential credential;
    private final Map<String, AccessToken> cache = new ConcurrentHashMap<>();

    public ManagedIdentityTokens(String clientId) {
        ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
        if (clientId != null && !clientId.isBlank()) {
            b.clientId(clientId.strip());
        }
        this.credential = b.build();
    }

    @Override
    public String token(String scope) {
        AccessToken t = cache.get(scope);
        if (t == null || t.getExpiresAt().isBefore(OffsetDateTime.now().plus(Duration.ofMinutes(5)))) {
            t = credential.getToken(new TokenRequestContext().addScopes(scope)).block(Duration.ofSeconds(10));
            if (t == null) {
                throw new IllegalStateException("no managed identity token for " + scope);
            }
            cache.put(scope, t);
        }
        return t.getToken();
    }
}
