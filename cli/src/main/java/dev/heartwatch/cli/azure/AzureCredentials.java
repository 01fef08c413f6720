package dev.heartwatch.cli.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;

/**
 * The operator's Azure identity: {@code DefaultAzureCredential} (environment, workload identity in
 * GitHub Actions, managed identity, then the {@code az login} session). Never an account key.
 */
public final class AzureCredentials {
  private AzureCredentials() {}

  public static TokenCredential defaultCredential(HttpClient httpClient) {
    return new DefaultAzureCredentialBuilder().httpClient(httpClient).build();
  }
}
