package dev.heartwatch.cli.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.support.CliRun;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * What {@code heartwatch verify} refuses before any query: text that would leave its KQL string
 * literal, ids that are not ids, a rule that is not the deployed one. The query client must not
 * even be built.
 */
class VerifyCommandInputTest {
  static final String RESOURCE =
      "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/microsoft.insights/components/appi";

  static CliRun verify(String... args) {
    VerifyCommand command = new VerifyCommand(Clock.systemUTC(), d -> { }, () -> {
      throw new AssertionError("no query may run for bad input");
    });
    return CliRun.of(command, args);
  }

  @Test
  void aMarkerThatWouldEndTheKqlStringIsRefused() {
    CliRun run = verify("ingestion", "--resource", RESOURCE, "--marker", "x\" or 1 == 1 //", "--sent-at", "0");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--marker: 1-64 of [A-Za-z0-9._-]"), run.toString());
  }

  @Test
  void aDeviceThatIsNotAnIdIsRefused() {
    CliRun run = verify("ingestion", "--resource", RESOURCE, "--marker", "m1", "--sent-at", "0", "--device", "a\"b");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
  }

  @Test
  void aResourceThatIsNotAComponentIdIsRefused() {
    CliRun run = verify("ingestion", "--resource", "/subscriptions/x/../../v1", "--marker", "m1", "--sent-at", "0");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
  }

  @Test
  void aTimeoutThatIsNotAnIsoDurationIsRefused() {
    CliRun run = verify("ingestion", "--resource", RESOURCE, "--marker", "m1", "--sent-at", "0", "--timeout", "10m");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("PT10M"), run.toString());
  }

  @Test
  void aRuleWithoutTheThresholdTunableIsNotTheDeployedHeartwatchQuery() {
    var failure = org.junit.jupiter.api.Assertions.assertThrows(dev.heartwatch.cli.CliFailure.class,
        () -> DeployedAlertRule.parse("{\"criteria\":{\"allOf\":[{\"query\":\"traces | take 1\"}]}}"));
    assertTrue(failure.getMessage().contains("no 'let threshold"), failure.getMessage());
  }

  @Test
  void theRuleIsReadFromAzsFlattenedJsonAndFromTheArmShape() {
    String query = "let threshold = 10m;\nlet expectedDevices = dynamic([\"a\",\"b\"]);\ntraces";
    DeployedAlertRule flat = DeployedAlertRule.parse("{\"overrideQueryTimeRange\":\"P1D\",\"criteria\":{\"allOf\":[{\"query\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(query) + "}]}}");
    assertEquals(java.time.Duration.ofMinutes(10), flat.threshold());
    assertEquals(java.time.Duration.ofDays(1), flat.timeRange());
    assertEquals(java.util.Set.of("a", "b"), flat.expectedDevices());
    DeployedAlertRule arm = DeployedAlertRule.parse("{\"properties\":{\"criteria\":{\"allOf\":[{\"query\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(query) + "}]}}}");
    assertEquals(java.time.Duration.ofDays(2), arm.timeRange(), "no override: the two-day default");
    assertEquals(java.time.Duration.ofMinutes(10), flat.limitOf("a"), "no deviceLimits: the threshold");
  }

  @Test
  void eachDevicesLimitIsReadFromTheDeviceLimitsDatatable() {
    String query = "let threshold = 5m;\nlet deviceLimits = datatable(device: string, limit: timespan) ['nas',900s,'backup',93600s];\ntraces";
    DeployedAlertRule rule = DeployedAlertRule.parse("{\"criteria\":{\"allOf\":[{\"query\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(query) + "}]}}");
    assertEquals(java.time.Duration.ofMinutes(15), rule.limitOf("nas"));
    assertEquals(java.time.Duration.ofHours(26), rule.limitOf("backup"));
    assertEquals(java.time.Duration.ofMinutes(5), rule.limitOf("router"));
    String empty = "let threshold = 5m;\nlet deviceLimits = datatable(device: string, limit: timespan) [];\ntraces";
    assertEquals(java.util.Map.of(), DeployedAlertRule.parse("{\"criteria\":{\"allOf\":[{\"query\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(empty) + "}]}}").deviceLimits());
    String hostile = "let threshold = 5m;\nlet deviceLimits = datatable(device: string, limit: timespan) ['nas',15m];\ntraces";
    var failure = org.junit.jupiter.api.Assertions.assertThrows(dev.heartwatch.cli.CliFailure.class,
        () -> DeployedAlertRule.parse("{\"criteria\":{\"allOf\":[{\"query\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(hostile) + "}]}}"));
    assertTrue(failure.getMessage().contains("not 'id',<n>s"), failure.getMessage());
  }

  @Test
  void theDatatableWithItsGraceColumnReadsTheSameLimits() {
    // Contract v2's query: each row carries the grace a start is given (queries.bicep writes it beside the limit).
    String query = "let threshold = 5m;\nlet deviceLimits = datatable(device: string, limit: timespan, grace: timespan)"
        + " ['nas',900s,300s,'backup',93600s,3600s];\ntraces";
    DeployedAlertRule rule = DeployedAlertRule.parse("{\"criteria\":{\"allOf\":[{\"query\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(query) + "}]}}");
    assertEquals(java.util.Map.of("nas", java.time.Duration.ofMinutes(15), "backup", java.time.Duration.ofHours(26)),
        rule.deviceLimits());
    assertEquals(java.time.Duration.ofMinutes(5), rule.graceOf("nas"));
    assertEquals(java.time.Duration.ofHours(1), rule.graceOf("backup"));
    assertEquals(java.time.Duration.ofMinutes(5), rule.graceOf("router"), "no row: the threshold");
    String hostile = "let threshold = 5m;\nlet deviceLimits = datatable(device: string, limit: timespan, grace: timespan)"
        + " ['nas',900s,5m];\ntraces";
    assertThrows(dev.heartwatch.cli.CliFailure.class, () -> DeployedAlertRule.parse("{\"criteria\":{\"allOf\":[{\"query\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(hostile) + "}]}}"));
  }
}
