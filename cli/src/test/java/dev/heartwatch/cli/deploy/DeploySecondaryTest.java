package dev.heartwatch.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.deploy.FakeAzureWorld.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/deploy.sh --secondary-location against the recording fake az (issue 18 §1): the first
 * run deploys both stacks and copies the keys, the channel secrets and the non-regional app
 * settings to the secondary; a rerun sets nothing; a removal on the primary is not propagated; a
 * secondary in the primary's region is refused before anything changes; a copy cut short is
 * reported and completed by the next run; no key is ever in an argument list or the output.
 */
@Tag("full")
class DeploySecondaryTest {
  static final String REGION = "northeurope";
  static final String SECONDARY_APP = "hw-func-abc123-" + REGION;
  static final String SECONDARY_VAULT = "hw-kv-def456";
  static final String SLACK_URL = "https://hooks.slack.com/services/T0001/B0001/sl4ckS3cretValueThatIsLong";
  static final String CUSTOM = "CUSTOM_SETTING=a-value-set-on-the-primary-by-hand";

  @TempDir Path dir;

  private static String read(FakeAzureWorld world, String file) throws Exception {
    Path p = world.state.resolve(file);
    return Files.exists(p) ? Files.readString(p).strip() : "";
  }

  private static long count(Run run, String prefix) {
    return run.calls().stream().filter(c -> c.startsWith(prefix)).count();
  }

  private String[] args() throws Exception {
    Path secrets = dir.resolve("channels.env");
    Files.writeString(secrets, "HEARTWATCH_SLACK_WEBHOOK_URL=" + SLACK_URL + "\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    return DeployScriptTest.concat(DeployScriptTest.ARGS, "--secondary-location", REGION, "--channel-secrets", secrets.toString());
  }

  private static void assertNeverShown(Run run, String secret) {
    assertTrue(secret.length() >= 32, "a real secret to look for: '" + secret + "'");
    for (String call : run.calls()) assertFalse(call.contains(secret), "a secret in an argument list: " + call);
    assertFalse(run.out().contains(secret), "a secret in the output:\n" + run);
    assertFalse(run.err().contains(secret), "a secret in the errors:\n" + run);
  }

  private static void assertCopied(FakeAzureWorld world) throws Exception {
    String notify = read(world, "kv/notify-function-key");
    String peer = read(world, "kv/peer-function-key");
    assertTrue(peer.matches("[A-Za-z0-9_-]{43}"), "the peer key is 32 random bytes: " + peer.length());
    assertEquals(notify, read(world, "kv-" + SECONDARY_VAULT + "/notify-function-key"));
    assertEquals(peer, read(world, "kv-" + SECONDARY_VAULT + "/peer-function-key"));
    assertEquals(SLACK_URL, read(world, "kv-" + SECONDARY_VAULT + "/heartwatch-slack-webhook-url"));
    assertEquals(FakeAzureWorld.FUNCTION_KEY, read(world, "fkey-" + SECONDARY_APP + "-Ping-default"),
        "the agents' key (Ping's own function key) works on both");
    assertEquals(peer, read(world, "fkey-hw-func-abc123-StackPing-peer"));
    assertEquals(peer, read(world, "fkey-" + SECONDARY_APP + "-StackPing-peer"));
    assertFalse(Files.exists(world.state.resolve("fkey-hw-func-abc123-Ping-peer")), "the peer key opens StackPing only");
    assertFalse(Files.exists(world.state.resolve("fkey-" + SECONDARY_APP + "-Ping-peer")), "the peer key opens StackPing only");
    assertEquals(notify, read(world, "fkey-" + SECONDARY_APP + "-Notify-notify"));
    assertEquals("https://" + SECONDARY_APP + ".azurewebsites.net/api/notify?code=" + notify,
        read(world, "notify-url-hw-ag-abc123-" + REGION));
    assertTrue(read(world, "settings-" + SECONDARY_APP).contains(CUSTOM), "the hand-set setting is copied");
    assertFalse(read(world, "settings-" + SECONDARY_APP).contains("HEARTWATCH_STACK_NAME"), "a regional setting is not copied");
  }

  /** The primary's app settings as a hand (or the template) left them: one regional, one not. */
  private static void primarySettings(FakeAzureWorld world, String... lines) throws Exception {
    Files.writeString(world.state.resolve("settings-hw-func-abc123"), String.join("\n", lines) + "\n");
  }

  @Test
  void theFirstRunCopiesEverythingAndTheSecondSetsNothing() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    primarySettings(world, "HEARTWATCH_STACK_NAME=westeurope", CUSTOM);
    Run first = world.deploy(args());

    assertEquals(0, first.exitCode(), first.toString());
    assertTrue(first.called("az deployment group create --resource-group rg-test --name heartwatch --template-file"), first.toString());
    assertTrue(first.calls().stream().anyMatch(c -> c.startsWith("az deployment group create") && c.contains("secondaryLocation=" + REGION)), first.toString());
    assertTrue(first.called("az functionapp deployment source config-zip --resource-group rg-test --name " + SECONDARY_APP), first.toString());
    assertCopied(world);

    Run second = world.deploy(args());

    assertEquals(0, second.exitCode(), second.toString());
    assertFalse(second.called("az keyvault secret set"), "nothing changed, no secret set:\n" + second);
    assertFalse(second.called("az functionapp function keys set"), second.toString());
    assertFalse(second.called("az functionapp function keys delete"), second.toString());
    assertFalse(second.called("az functionapp config appsettings set"), second.toString());
    assertFalse(second.called("az functionapp deployment source config-zip"), second.toString());
    assertFalse(second.called("az monitor action-group update"), second.toString());
    assertTrue(second.out().contains("copy complete: 0 set"), second.toString());
    assertCopied(world);
    for (Run run : new Run[] {first, second}) {
      DeployScriptTest.assertAgentsKeyIsPingsOwn(run);
      assertNeverShown(run, read(world, "kv/notify-function-key"));
      assertNeverShown(run, read(world, "kv/peer-function-key"));
      assertNeverShown(run, SLACK_URL);
    }
  }

  @Test
  void aRemovalOnThePrimaryIsNotPropagatedButAChangeIs() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    primarySettings(world, CUSTOM, "OTHER_SETTING=first-value-of-the-other-setting");
    assertEquals(0, world.deploy(args()).exitCode());
    primarySettings(world, "OTHER_SETTING=second-value-of-the-other-setting");

    Run run = world.deploy(args());

    assertEquals(0, run.exitCode(), run.toString());
    String secondary = read(world, "settings-" + SECONDARY_APP);
    assertTrue(secondary.contains(CUSTOM), "removed on the primary, kept on the secondary:\n" + secondary);
    assertTrue(secondary.contains("OTHER_SETTING=second-value-of-the-other-setting"), secondary);
    assertFalse(secondary.contains("first-value"), secondary);
    assertEquals(1, count(run, "az functionapp config appsettings set"), run.toString());
  }

  @Test
  void aSecondaryInThePrimarysRegionIsRefusedBeforeAnythingChanges() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy(DeployScriptTest.concat(DeployScriptTest.ARGS, "--secondary-location", "West Europe"));

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("is the primary's region"), run.toString());
    assertFalse(run.called("az group create"), run.toString());
    assertFalse(run.called("az deployment group create"), run.toString());
  }

  @Test
  void aCopyCutShortIsReportedAndTheNextRunCompletesIt() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    primarySettings(world, CUSTOM);
    world.env.put("FAKE_AZ_FAIL", "functionapp config appsettings set --resource-group rg-test --name " + SECONDARY_APP);
    Run failed = world.deploy(args());

    assertNotEquals(0, failed.exitCode(), failed.toString());
    assertTrue(failed.err().contains("failed at \"copying to the secondary stack " + SECONDARY_APP), failed.toString());
    assertTrue(failed.err().contains("the next run completes the copy"), failed.toString());
    assertEquals(SLACK_URL, read(world, "kv-" + SECONDARY_VAULT + "/heartwatch-slack-webhook-url"), "copied before the failure");
    assertFalse(read(world, "settings-" + SECONDARY_APP).contains(CUSTOM));

    world.env.remove("FAKE_AZ_FAIL");
    Run next = world.deploy(args());

    assertEquals(0, next.exitCode(), next.toString());
    assertFalse(next.called("az keyvault secret set --vault-name " + SECONDARY_VAULT), "what was copied is not copied again:\n" + next);
    assertEquals(1, count(next, "az functionapp config appsettings set"), next.toString());
    assertCopied(world);
  }

  @Test
  void aPeerKeyLeftOnPingByAnEarlierDeployIsRemovedOnce() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    primarySettings(world, CUSTOM);
    assertEquals(0, world.deploy(args()).exitCode());
    // Before StackPing, deploy.sh set the peer key as function key peer of Ping in both apps.
    Files.writeString(world.state.resolve("fkey-hw-func-abc123-Ping-peer"), read(world, "kv/peer-function-key"));
    Files.writeString(world.state.resolve("fkey-" + SECONDARY_APP + "-Ping-peer"), read(world, "kv/peer-function-key"));

    Run run = world.deploy(args());

    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(2, count(run, "az functionapp function keys delete"), run.toString());
    assertTrue(run.called("az functionapp function keys delete --resource-group rg-test --name hw-func-abc123 --function-name Ping --key-name peer"),
        run.toString());
    assertCopied(world);
    Run again = world.deploy(args());
    assertFalse(again.called("az functionapp function keys delete"), again.toString());
  }

  private static String verifyRow(Run run, int step) {
    return run.out().lines().filter(l -> l.startsWith("  " + step + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no verify row " + step + ":\n" + run));
  }

  @Test
  void verifyChecksTheSecondaryStackAndThatEachStackHearsTheOther() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(args()).exitCode());

    Run run = world.deploy("--verify", "-g", "rg-test");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("[12/12]"), run.toString());
    for (int step : new int[] {1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12}) {
      assertTrue(verifyRow(run, step).contains("PASS"), "step " + step + ":\n" + run);
    }
    assertTrue(verifyRow(run, 7).contains("secondary: endpoint: 401 without a key, 200 with"), run.toString());
    assertTrue(verifyRow(run, 8).contains("secondary: self-test heartbeat"), run.toString());
    assertTrue(verifyRow(run, 9).contains("ingestion delay"), "the line found in the secondary's own traces:\n" + run);
    assertTrue(verifyRow(run, 10).contains("rule hw-silent-device-abc123-" + REGION)
        && verifyRow(run, 10).contains("stack-westeurope is up here"), run.toString());
    assertTrue(verifyRow(run, 4).contains("rule hw-silent-device-abc123:"), "the primary's own rule:\n" + run);
    assertTrue(verifyRow(run, 11).contains("secondary hears stack-westeurope") && verifyRow(run, 11).contains("last heard"), run.toString());
    assertTrue(verifyRow(run, 12).contains("primary hears stack-" + REGION), run.toString());
    assertTrue(run.calls().stream().anyMatch(c -> c.startsWith("curl ") && c.contains("--data")
        && c.endsWith("https://" + SECONDARY_APP + ".azurewebsites.net/api/ping")), "a self-test beat through the secondary's Ping:\n" + run);
    assertTrue(run.calls().contains("heartwatch verify peer-beat --resource " + FakeAzureWorld.APPINSIGHTS_ID + "-" + REGION
        + " --device stack-westeurope --within PT5M --timeout PT20S --poll-every PT0.2S"), run.toString());
    DeployScriptTest.assertAgentsKeyIsPingsOwn(run);
    assertTrue(run.out().contains("the secondary (" + REGION + ") too, and each stack hears the other"), run.toString());
  }

  @Test
  void verifyFailsWhenThePrimarysBeatDoesNotReachTheSecondary() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(args()).exitCode());
    world.silentStacks.add(FakeAzureWorld.PRIMARY_STACK);
    world.env.put("DEPLOY_VERIFY_INGESTION_TIMEOUT", "PT2S");

    Run run = world.deploy("--verify", "-g", "rg-test");

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(verifyRow(run, 11).contains("FAIL"), run.toString());
    assertTrue(run.err().contains("no beat of stack-westeurope within PT5M"), run.toString());
    assertTrue(verifyRow(run, 12).contains("PASS"), "the other direction still works:\n" + run);
    // Its rule, seeing the primary silent, covers: the primary's row and the silent home device.
    assertTrue(verifyRow(run, 10).contains("PASS") && verifyRow(run, 10).contains("stack-westeurope is down here, so this stack covers"),
        run.toString());
    assertTrue(run.err().contains("verify failed at step(s) 11"), run.toString());
  }

  @Test
  void verifyProbesTheSecondaryWithTheAgentsKeySoAMissingCopyFailsItsEndpointStep() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(args()).exitCode());
    // As if the copy never ran: the secondary's Ping keeps the key its host made, so an agent
    // fanning out with the primary's key would get 401 there.
    Files.delete(world.state.resolve("fkey-" + SECONDARY_APP + "-Ping-default"));

    Run run = world.deploy("--verify", "-g", "rg-test");

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(verifyRow(run, 7).contains("FAIL") && verifyRow(run, 7).contains("HTTP 401"), run.toString());
    assertTrue(run.err().contains("rerun scripts/deploy.sh --secondary-location REGION, which sets it"), run.toString());
    assertTrue(verifyRow(run, 1).contains("PASS"), run.toString());
    assertTrue(verifyRow(run, 8).contains("SKIP"), "no beat without the key:\n" + run);
  }
}
