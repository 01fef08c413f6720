package dev.heartwatch.cli.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.identity.CredentialUnavailableException;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns what the Azure SDK throws into one clear line and a distinct exit code: cannot reach,
 * no or rejected credential, or another service error.
 */
public final class AzureFailures {
  private AzureFailures() {}

  public static CliFailure classify(RuntimeException error, String endpoint) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CredentialUnavailableException || t instanceof ClientAuthenticationException) {
        return new CliFailure(
            ExitCodes.AUTH,
            "no usable Azure credential (run 'az login', or set up workload identity): "
                + firstLine(t.getMessage()));
      }
      if (t instanceof HttpResponseException http && http.getResponse() != null) {
        int status = http.getResponse().getStatusCode();
        if (status == 401 || status == 403) {
          return new CliFailure(
              ExitCodes.AUTH,
              "credentials rejected by " + endpoint + " (HTTP " + status + "): "
                  + firstLine(http.getMessage())
                  + " - the identity needs 'Storage Blob Data Contributor' on the account");
        }
        return new CliFailure(
            ExitCodes.SERVICE,
            endpoint + " answered HTTP " + status + ": " + firstLine(http.getMessage()));
      }
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof HttpConnectTimeoutException
          || t instanceof HttpTimeoutException
          || t instanceof TimeoutException
          || t instanceof SSLException) {
        return new CliFailure(
            ExitCodes.UNREACHABLE,
            "cannot reach " + endpoint + " (" + t.getClass().getSimpleName() + ": "
                + firstLine(t.getMessage()) + ")");
      }
      if (t instanceof IOException && t.getCause() == null) {
        return new CliFailure(
            ExitCodes.UNREACHABLE, "cannot reach " + endpoint + ": " + firstLine(t.getMessage()));
      }
    }
    return new CliFailure(ExitCodes.FAILURE, "Azure request failed: " + firstLine(error.getMessage()));
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "(no detail)";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
