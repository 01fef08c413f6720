package dev.heartwatch.cli.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alert rule as Azure holds it ({@code az monitor scheduled-query show} JSON, the
 * scheduledQueryRules resource: learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules):
 * its query text, its time range, and the tunables queries.bicep wrote into that text.
 *
 * @param query           {@code criteria.allOf[0].query}, exactly as deployed
 * @param timeRange       {@code overrideQueryTimeRange} (the lookback each evaluation reads)
 * @param threshold       the query's {@code let threshold = ...;}
 * @param expectedDevices the query's {@code let expectedDevices = dynamic([...]);}
 * @param deviceLimits    the query's {@code let deviceLimits = datatable(...) ['nas',900s,300s, ...];}: a
 *                        device's own limit, which replaces the threshold for it
 * @param deviceGraces    the same rows' grace (contract v2: how long a {@code start} may go without a
 *                        success or fail), for the devices whose row has one
 * @param coverFor        the query's {@code let coverFor = "...";}: empty alone or in a primary; in a
 *                        secondary (issue 18) {@code stack-<primary>}, an expected device too, whose
 *                        silence alone lets the query list any other device (docs/regions.md)
 */
record DeployedAlertRule(String query, Duration timeRange, Duration threshold, Set<String> expectedDevices,
    Map<String, Duration> deviceLimits, Map<String, Duration> deviceGraces, String coverFor) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern THRESHOLD = Pattern.compile("(?m)^let threshold = (\\d+)([smhd]);\\s*$");
  private static final Pattern EXPECTED = Pattern.compile("(?m)^let expectedDevices = dynamic\\((\\[.*])\\);\\s*$");
  private static final Pattern COVER_FOR = Pattern.compile("(?m)^let coverFor = \"([a-z0-9._-]{0,64})\";\\s*$");
  private static final Pattern LIMITS =
      Pattern.compile("(?m)^let deviceLimits = datatable\\(device: string, limit: timespan(?:, grace: timespan)?\\) \\[(.*)];\\s*$");
  /**
   * One row as queries.bicep writes it: a sanitised id in single quotes, whole seconds; since contract
   * v2 the grace follows (a rule deployed before has none). Verify reads the limit.
   */
  private static final Pattern LIMIT_ROW = Pattern.compile("'([a-z0-9._-]{1,64})',(\\d{1,9})s(?:,(\\d{1,9})s)?");

  /** How long a {@code start} from {@code device} may go without a success or fail: its row's grace, else the threshold. */
  Duration graceOf(String device) {
    return deviceGraces.getOrDefault(device, threshold);
  }

  /** The silence that means down for {@code device}: its own limit, else the threshold. */
  Duration limitOf(String device) {
    return deviceLimits.getOrDefault(device, threshold);
  }

  static DeployedAlertRule parse(String ruleJson) {
    JsonNode rule;
    try {
      rule = JSON.readTree(ruleJson);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "the alert rule is not JSON (az monitor scheduled-query show -o json)");
    }
    // az flattens the resource's properties; the ARM resource nests them: accept both.
    JsonNode props = rule != null && rule.has("properties") ? rule.get("properties") : rule;
    if (props == null) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "the alert rule JSON is empty");
    }
    String query = props.at("/criteria/allOf/0/query").asText("");
    if (query.isBlank()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "the alert rule has no criteria.allOf[0].query");
    }
    Duration range;
    try {
      range = Duration.parse(props.path("overrideQueryTimeRange").asText("P2D"));
    } catch (DateTimeParseException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "the alert rule's overrideQueryTimeRange is not ISO-8601: "
          + props.path("overrideQueryTimeRange").asText());
    }
    Matcher t = THRESHOLD.matcher(query);
    if (!t.find()) {
      throw new CliFailure(ExitCodes.FAILURE, "the deployed alert query has no 'let threshold = <n><s|m|h|d>;' line:"
          + " it is not infra/queries/silent-devices.kql as queries.bicep tunes it; redeploy with scripts/deploy.sh");
    }
    long n = Long.parseLong(t.group(1));
    Duration threshold = switch (t.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    Set<String> expected = new LinkedHashSet<>();
    Matcher e = EXPECTED.matcher(query);
    if (e.find()) {
      try {
        for (JsonNode d : JSON.readTree(e.group(1))) {
          expected.add(d.asText());
        }
      } catch (IOException ex) {
        throw new CliFailure(ExitCodes.FAILURE, "the deployed alert query's expectedDevices is not a JSON list: " + e.group(1));
      }
    }
    Map<String, Duration> limits = new LinkedHashMap<>();
    Map<String, Duration> graces = new LinkedHashMap<>();
    Matcher l = LIMITS.matcher(query);
    if (l.find() && !l.group(1).isBlank()) {
      String[] cells = l.group(1).split(",(?=')");
      for (String cell : cells) {
        Matcher row = LIMIT_ROW.matcher(cell);
        if (!row.matches()) {
          throw new CliFailure(ExitCodes.FAILURE, "the deployed alert query's deviceLimits has a row that is not 'id',<n>s: "
              + cell + "; redeploy with scripts/deploy.sh");
        }
        limits.put(row.group(1), Duration.ofSeconds(Long.parseLong(row.group(2))));
        if (row.group(3) != null) {
          graces.put(row.group(1), Duration.ofSeconds(Long.parseLong(row.group(3))));
        }
      }
    }
    // A rule deployed before issue 18 has no coverFor line: it covers for no one.
    Matcher c = COVER_FOR.matcher(query);
    String coverFor = c.find() ? c.group(1) : "";
    if (!coverFor.isEmpty()) {
      expected.add(coverFor);
    }
    return new DeployedAlertRule(query, range, threshold, Set.copyOf(expected), Map.copyOf(limits), Map.copyOf(graces),
        coverFor);
  }
}
