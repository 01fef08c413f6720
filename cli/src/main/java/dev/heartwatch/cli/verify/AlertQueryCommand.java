package dev.heartwatch.cli.verify;

import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.AzureHistorySource;
import dev.heartwatch.core.rule.DeviceFacts;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Step 4 of {@code deploy.sh --verify}: runs the alert rule's own deployed query and checks its
 * rows against what the silence rule ({@code core}'s {@link SilenceRule}) says from each
 * device's last beat: no row for the self-test device, one row for each device down now. Contract
 * v2 by the last signal alone: a device whose last line is a {@code fail} is down, one whose last
 * line is a {@code start} older than its grace too (a stop after a fail is not told apart here).
 */
@Command(name = "alert-query", mixinStandardHelpOptions = true,
    description = "Run the deployed alert query; check it lists exactly the silent devices and not the self-test one.")
final class AlertQueryCommand implements Callable<Integer> {
  /**
   * Each device's last beat over the rule's range: written apart from the alert query on
   * purpose, so a defect in the deployed query cannot hide in both.
   */
  static final String LAST_BEATS = "traces\n"
      + "| where message startswith \"[heartbeat] \"\n"
      + "| extend beat = parse_json(substring(message, 12))\n"
      + "| extend device = tostring(beat.device), state = tostring(beat.state)\n"
      + "| where isnotempty(device)\n"
      + "| summarize arg_max(timestamp, state), lastRunning = maxif(timestamp, state != \"stopping\") by device\n"
      + "| project device, lastSeen = timestamp, state, lastRunning, queriedAt = now()";

  @ParentCommand VerifyCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--resource", required = true, paramLabel = "ID", description = "Application Insights resource id.")
  String resource;

  @Option(names = "--rule", defaultValue = "-", paramLabel = "FILE",
      description = "The rule's JSON (az monitor scheduled-query show -o json); '-' reads stdin (default).")
  String rule;

  @Option(names = "--self-test-device", defaultValue = SelfTestDevice.ID, description = "Default ${DEFAULT-VALUE}.")
  String selfTest;

  private static SilenceRule ruleFor(Duration limit, DeployedAlertRule deployed, Map<Duration, SilenceRule> rules) {
    return rules.computeIfAbsent(limit, l -> {
      try {
        // Evaluation frequency and beat interval do not change a status; the rule's range is its lookback.
        return new SilenceRule(l, Duration.ofMinutes(5), deployed.timeRange(), Duration.ofMinutes(1), deployed.expectedDevices());
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.FAILURE, "the deployed alert rule's range and limit " + l
            + " are not a valid silence rule: " + e.getMessage());
      }
    });
  }

  @Override
  public Integer call() throws IOException {
    AzureHistorySource.checkedResourceId(resource);
    DeployedAlertRule deployed = DeployedAlertRule.parse(readRule());
    VerifyQueries queries = new VerifyQueries(parent.logs(), resource.strip());
    QueryTimeInterval range = new QueryTimeInterval(deployed.timeRange());

    LogsTable alertRows = queries.run("the deployed alert query", deployed.query(), range);
    Map<String, Integer> listed = new TreeMap<>();
    for (LogsTableRow row : alertRows.getRows()) {
      listed.merge(VerifyQueries.text(row, "device"), 1, Integer::sum);
    }
    LogsTable beats = queries.run("the last-beat query", LAST_BEATS, range);
    Instant now = parent.clock.instant();
    List<DeviceFacts> facts = new ArrayList<>();
    Map<String, String> lastStates = new HashMap<>();
    Set<String> heard = new HashSet<>();
    for (LogsTableRow row : beats.getRows()) {
      String device = VerifyQueries.text(row, "device");
      Instant queriedAt = VerifyQueries.instant(row, "queriedAt");
      now = queriedAt == null ? now : queriedAt;
      Instant lastSeen = VerifyQueries.instant(row, "lastSeen");
      boolean stopping = "stopping".equals(VerifyQueries.text(row, "state"));
      lastStates.put(device, VerifyQueries.text(row, "state"));
      // The last running beat tells a stop that counts from one sent to a device already down.
      facts.add(new DeviceFacts(device, lastSeen, stopping, stopping ? VerifyQueries.instant(row, "lastRunning") : lastSeen));
      heard.add(device);
    }
    for (String device : deployed.expectedDevices()) {
      if (!heard.contains(device)) {
        facts.add(DeviceFacts.neverSeen(device));
      }
    }
    // Each device is judged by its own limit (the query's deviceLimits row), else the threshold.
    Map<Duration, SilenceRule> rules = new HashMap<>();
    ruleFor(deployed.threshold(), deployed, rules);
    Map<String, String> down = new TreeMap<>();
    for (DeviceFacts f : facts) {
      String state = lastStates.get(f.device());
      if ("fail".equals(state)) {
        // Contract v2: a fail is down at once, whatever the limit (docs/alerting.md, "Start and fail in Azure").
        down.put(f.device(), "its last signal was a fail");
      } else if ("start".equals(state) && Duration.between(f.lastSeen(), now).compareTo(deployed.graceOf(f.device())) >= 0) {
        down.put(f.device(), "a start " + minutes(Duration.between(f.lastSeen(), now)) + " ago with no success or fail,"
            + " past its " + deployed.graceOf(f.device()) + " grace");
      } else if (ruleFor(deployed.limitOf(f.device()), deployed, rules).status(f, now) == DeviceStatus.DOWN) {
        down.put(f.device(), f.lastSeen() == null ? "never heard"
            : "silent " + minutes(Duration.between(f.lastSeen(), now)));
      }
    }

    // A secondary (issue 18) lists another device only while the primary's own beat is down here.
    String cover = deployed.coverFor();
    boolean covering = !cover.isEmpty() && down.containsKey(cover);
    if (!cover.isEmpty() && !covering) {
      down.clear();
    }

    List<String> problems = new ArrayList<>();
    if (listed.containsKey(selfTest)) {
      problems.add("it lists the self-test device " + selfTest + ", whose last beat said 'stopping': the deployed query"
          + " does not honour state stopping (docs/contract.md §6); every clean stop would alert");
    }
    listed.forEach((device, n) -> {
      if (n > 1) {
        problems.add(device + " has " + n + " rows (one alert instance per device needs one row)");
      }
    });
    Set<String> missing = new TreeSet<>(down.keySet());
    missing.removeAll(listed.keySet());
    Set<String> extra = new TreeSet<>(listed.keySet());
    extra.removeAll(down.keySet());
    extra.remove(selfTest);
    for (String device : missing) {
      problems.add("no row for " + device + " (" + down.get(device) + ", past its " + deployed.limitOf(device) + " limit)");
    }
    for (String device : extra) {
      problems.add("a row for " + device + ", which is not silent past its limit");
    }
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.FAILURE, "the deployed alert query is wrong: " + String.join("; ", problems)
          + ". Redeploy (scripts/deploy.sh) so the rule runs infra/queries/silent-devices.kql; a device crossing its"
          + " limit between the two queries can differ once, so rerun --verify before you conclude");
    }
    StringBuilder out = new StringBuilder("no row for " + selfTest + "; ");
    if (!cover.isEmpty()) {
      out.append(covering ? cover + " is down here, so this stack covers; " : cover + " is up here, so this stack holds its alerts; ");
    }
    if (down.isEmpty()) {
      out.append("no device silent past its limit");
    } else {
      out.append(down.size()).append(" silent past their limits: ");
      List<String> parts = new ArrayList<>();
      down.forEach((device, why) -> parts.add(device + " (" + why + ")"));
      out.append(String.join(", ", parts));
    }
    spec.commandLine().getOut().println(out);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private String readRule() throws IOException {
    if ("-".equals(rule)) {
      InputStream in = System.in;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path file = Path.of(rule);
    if (!Files.isRegularFile(file)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--rule: no such file: " + rule);
    }
    return Files.readString(file);
  }

  private static String minutes(Duration d) {
    return String.format(Locale.ROOT, "%.1f min", d.toSeconds() / 60.0);
  }
}
