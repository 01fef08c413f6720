package dev.heartwatch.cli.history;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.cli.ConsoleText;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long the {@code traces} that history reads are kept, read from Azure Resource Manager:
 * the component's {@code WorkspaceResourceId}, then that workspace's {@code AppTraces} table
 * (workspace-based Application Insights keeps {@code traces} there). Its interactive
 * {@code retentionInDays} is what a query can read; older data is in long-term retention, which
 * only a search job reaches ("Manage data retention in a Log Analytics workspace",
 * learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure; REST "Tables - Get",
 * learn.microsoft.com/rest/api/loganalytics/tables/get). Reading the table needs
 * {@code Microsoft.OperationalInsights/workspaces/tables/read} (Log Analytics Reader).
 *
 * <p>Nothing here is worth failing a report for: when ARM refuses or cannot be reached, the
 * answer is a {@link Retention#unknown} that says why.
 */
public final class TracesRetention {
  /** ARM's public endpoint. */
  public static final String DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param days  the interactive retention in days, if known
   * @param where what was read ("table AppTraces of workspace hw-log-abc")
   * @param why   when unknown, why
   */
  public record Retention(Optional<Integer> days, String where, String why) {
    static Retention unknown(String why) {
      return new Retention(Optional.empty(), "", why);
    }

    /**
     * The plain warning for a read that starts at {@code readFrom} (the period's start less
     * what the queries read before it), or empty when the retention covers it.
     */
    public Optional<String> warning(Instant periodStart, Instant readFrom, Instant now) {
      if (days.isEmpty()) {
        // Unknown matters only past 30 days, the default every workspace table keeps.
        if (!readFrom.isBefore(now.minus(Duration.ofDays(30)))) {
          return Optional.empty();
        }
        return Optional.of("could not read how long traces are kept (" + why + "); the period reaches back more than"
            + " 30 days (the default), and days past the workspace's retention come back empty, as no data");
      }
      Instant cutoff = now.minus(Duration.ofDays(days.get()));
      if (!readFrom.isBefore(cutoff)) {
        return Optional.empty();
      }
      String kept = "traces are kept " + days.get() + " days (" + where + "): nothing before "
          + cutoff.truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + " can be read";
      if (periodStart.isBefore(cutoff)) {
        return Optional.of("the period starts " + periodStart + ", past the retention: " + kept
            + "; the days before it show no heartbeats, and their uptime is not real. Ask for a shorter period");
      }
      return Optional.of("the queries read " + HistoryCommand.LEAD.toDays() + " days before the period, past the"
          + " retention: " + kept + "; an outage that began before the period may be cut at that point");
    }
  }

  private final HttpPipeline pipeline;
  private final String endpoint;

  public TracesRetention(String armEndpoint, TokenCredential credential, HttpClient httpClient) {
    this.endpoint = armEndpoint.endsWith("/") ? armEndpoint.substring(0, armEndpoint.length() - 1) : armEndpoint;
    this.pipeline = new HttpPipelineBuilder()
        .httpClient(httpClient)
        .policies(new BearerTokenAuthenticationPolicy(credential, this.endpoint + "/.default"))
        .build();
  }

  /** The retention of the traces behind {@code componentId} (a checked resource id). */
  public Retention of(String componentId) {
    try {
      JsonNode component = get(componentId, "2020-02-02");
      String workspace = component.path("properties").path("WorkspaceResourceId").asText("");
      if (workspace.isEmpty()) {
        return Retention.unknown("the component names no workspace");
      }
      String name = workspace.substring(workspace.lastIndexOf('/') + 1);
      JsonNode table = get(workspace + "/tables/AppTraces", "2022-10-01").path("properties");
      int days = table.path("retentionInDays").asInt(-1);
      String where = "table AppTraces of workspace " + name;
      if (days <= 0) {
        // -1: the table follows the workspace's default.
        days = get(workspace, "2023-09-01").path("properties").path("retentionInDays").asInt(-1);
        where = "workspace " + name + " default";
      }
      return days > 0 ? new Retention(Optional.of(days), ConsoleText.of(where), "")
          : Retention.unknown("no retentionInDays in the workspace's answer");
    } catch (ArmRefusal e) {
      return Retention.unknown(e.getMessage());
    } catch (RuntimeException e) {
      return Retention.unknown("Azure Resource Manager: " + HistoryFailures.firstLine(String.valueOf(e.getMessage())));
    }
  }

  private JsonNode get(String resourceId, String apiVersion) {
    if (!resourceId.startsWith("/subscriptions/") || resourceId.contains("?") || resourceId.contains("#")) {
      throw new ArmRefusal("not a resource id: " + ConsoleText.of(resourceId));
    }
    HttpRequest request = new HttpRequest(HttpMethod.GET, endpoint + resourceId + "?api-version=" + apiVersion);
    try (HttpResponse response = pipeline.sendSync(request, com.azure.core.util.Context.NONE)) {
      int status = response.getStatusCode();
      if (status == 401 || status == 403) {
        throw new ArmRefusal("HTTP " + status + " reading " + last(resourceId)
            + ": give the identity Log Analytics Reader on the workspace");
      }
      if (status != 200) {
        throw new ArmRefusal("HTTP " + status + " reading " + last(resourceId));
      }
      return JSON.readTree(response.getBodyAsBinaryData().toBytes());
    } catch (IOException e) {
      throw new ArmRefusal("unreadable answer for " + last(resourceId));
    }
  }

  private static String last(String id) {
    return ConsoleText.of(id.substring(id.lastIndexOf('/') + 1));
  }

  private static final class ArmRefusal extends RuntimeException {
    ArmRefusal(String message) {
      super(message, null, false, false);
    }
  }
}
