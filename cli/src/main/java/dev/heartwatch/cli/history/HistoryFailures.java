package dev.heartwatch.cli.history;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpResponse;
import com.azure.identity.CredentialUnavailableException;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.azure.AzureFailures;

/**
 * What a history query's failure means to the operator, one line and one exit code each
 * (docs/history.md, "Exit codes").
 */
public final class HistoryFailures {
  static final String NOT_AUTHORISED =
      "not authorised: run 'az login' (or set up workload identity) and check the role"
          + " 'Monitoring Reader' on the resource";

  private HistoryFailures() {}

  /** For an Azure SDK exception from the query client. */
  public static CliFailure ofAzure(RuntimeException error, String resourceId) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CredentialUnavailableException || t instanceof ClientAuthenticationException) {
        return new CliFailure(HistoryExitCodes.AUTH, NOT_AUTHORISED + " (" + firstLine(t.getMessage()) + ")");
      }
      if (t instanceof HttpResponseException http && http.getResponse() != null) {
        HttpResponse response = http.getResponse();
        return ofStatus(response.getStatusCode(), response.getHeaderValue("Retry-After"),
            "Application Insights resource " + resourceId, firstLine(http.getMessage()));
      }
    }
    return AzureFailures.classify(error, "the Application Insights query API");
  }

  /** For an HTTP status from either store. */
  static CliFailure ofStatus(int status, String retryAfter, String what, String detail) {
    if (status == 401 || status == 403) {
      return new CliFailure(HistoryExitCodes.AUTH, NOT_AUTHORISED + " (HTTP " + status + " from " + what + ")");
    }
    if (status == 404) {
      return new CliFailure(HistoryExitCodes.NOT_FOUND,
          "not found: " + what + " (HTTP 404); check --resource / APPLICATIONINSIGHTS_RESOURCE_ID"
              + " (the Bicep output) or --server");
    }
    if (status == 429) {
      return new CliFailure(HistoryExitCodes.THROTTLED,
          "throttled: " + what + " still answers HTTP 429 after every retry"
              + (retryAfter == null ? "" : " (Retry-After: " + retryAfter + ")")
              + "; wait a few minutes or ask for a shorter period");
    }
    return new CliFailure(HistoryExitCodes.SERVICE, what + " answered HTTP " + status + ": " + detail);
  }

  static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "(no detail)";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
