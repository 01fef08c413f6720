package dev.heartwatch.cli.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.LogsQueryClientBuilder;
import java.time.Duration;

/**
 * The one Monitor Query logs client every command uses ({@code history}, {@code verify}), so
 * what the deploy check measures is what the history tool will see.
 */
public final class MonitorQueryClients {
  /** The query API's public endpoint (the SDK's default). */
  public static final String DEFAULT_ENDPOINT = "https://api.loganalytics.io/v1";

  private MonitorQueryClients() {}

  /**
   * 429 and 5xx are retried by the SDK's RetryPolicy, which waits what Retry-After (or
   * retry-after-ms) says, else an exponential backoff from {@code retryBaseDelay}.
   */
  public static LogsQueryClient logs(String endpoint, TokenCredential credential, HttpClient httpClient,
      int retries, Duration retryBaseDelay) {
    RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions()
        .setMaxRetries(retries)
        .setBaseDelay(retryBaseDelay)
        .setMaxDelay(Duration.ofSeconds(60)));
    return new LogsQueryClientBuilder()
        .endpoint(endpoint)
        .credential(credential)
        .httpClient(httpClient)
        .retryOptions(retry)
        .buildClient();
  }
}
