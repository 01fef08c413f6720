package dev.heartwatch.cli.support;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import reactor.core.publisher.Mono;

/**
 * Test credentials: a JWT shaped like an Entra ID token for Storage. Azurite's {@code --oauth
 * basic} decodes it without checking the signature and validates nbf/exp/iat, the issuer prefix
 * ({@code https://sts.windows.net/}) and the audience ({@code https://storage.azure.com} or the
 * account's blob host); user delegation keys are derived from its {@code oid} and {@code tid}
 * (azurite 3.37.0, BlobTokenAuthenticator and ServiceHandler.getUserDelegationKey).
 */
public final class TestTokens {
  public static final String TENANT = "72f988bf-0000-4000-8000-000000000001";
  public static final String OBJECT_ID = "0a1b2c3d-0000-4000-8000-000000000002";

  private TestTokens() {}

  public static TokenCredential withAudience(String audience, Instant now) {
    String jwt = jwt(audience, now);
    OffsetDateTime expires = OffsetDateTime.ofInstant(now.plusSeconds(3600), ZoneOffset.UTC);
    return request -> Mono.just(new AccessToken(jwt, expires));
  }

  public static TokenCredential storage(Instant now) {
    return withAudience("https://storage.azure.com", now);
  }

  static String jwt(String audience, Instant now) {
    long t = now.getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String payload =
        "{\"aud\":\"" + audience + "\",\"iss\":\"https://sts.windows.net/" + TENANT + "/\","
            + "\"iat\":" + (t - 60) + ",\"nbf\":" + (t - 60) + ",\"exp\":" + (t + 3600) + ","
            + "\"oid\":\"" + OBJECT_ID + "\",\"tid\":\"" + TENANT + "\",\"sub\":\"heartwatch-test\","
            + "\"ver\":\"1.0\"}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString("not-checked-by-azurite-basic".getBytes(StandardCharsets.UTF_8));
  }
}
