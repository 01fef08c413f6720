package dev.heartwatch.cli.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The Azure SDK's HTTP client: the JDK's, chosen explicitly because netty is excluded from the
 * build. One place for timeouts, so every command (publish, history...) behaves the same.
 */
public final class AzureHttpClients {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private AzureHttpClients() {}

  /** The client for real Azure endpoints, trusting the JDK's default CAs. */
  public static HttpClient standard() {
    return build(java.net.http.HttpClient.newBuilder());
  }

  /** A client trusting {@code sslContext} (tests: a local HTTPS server's own certificate). */
  public static HttpClient trusting(SSLContext sslContext) {
    return build(java.net.http.HttpClient.newBuilder().sslContext(sslContext));
  }

  private static HttpClient build(java.net.http.HttpClient.Builder jdk) {
    return new JdkHttpClientBuilder(jdk.connectTimeout(CONNECT_TIMEOUT))
        .connectionTimeout(CONNECT_TIMEOUT)
        .build();
  }
}
