package dev.heartwatch.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.deploy.FakeAzureWorld.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * azure.yaml's postprovision and postdeploy hooks (scripts/azd-secondary.sh, which runs
 * scripts/deploy.sh --notify-only) against the recording fake az, in a world azd provisioned:
 * with no secondary they do the Notify step only; with one they put the package azd built on
 * the secondary and copy the keys, secrets and settings to it; a rerun changes nothing; a
 * secondary in the primary's region, or one the deployment lacks, is refused before anything
 * changes. The preprovision check (before azd provisions) is tests/infra/azd-hook.test.js's.
 */
@Tag("full")
class DeployAzdHooksTest {
  static final String REGION = FakeAzureWorld.SECONDARY_REGION;
  static final String SECONDARY_APP = "hw-func-abc123-" + REGION;
  static final String SECONDARY_VAULT = "hw-kv-def456";
  static final String CUSTOM = "CUSTOM_SETTING=a-value-set-on-the-primary-by-hand";
  /** Everything that changes Azure, beyond DeployScriptTest.MUTATING's: a key removed. */
  static final List<String> MUTATING = List.of(
      "az group create", "az deployment group create", "az functionapp config appsettings set",
      "az resource invoke-action", "az functionapp deployment source config-zip", "az tag update",
      "az keyvault secret set", "az functionapp function keys set", "az functionapp function keys delete",
      "az monitor action-group update");

  @TempDir Path dir;

  /** azd runs each hook with the environment's values in the process environment. */
  private static Run hook(FakeAzureWorld world, String event) throws Exception {
    return world.run(List.of("sh", world.repo.resolve("scripts/azd-secondary.sh").toString(), event));
  }

  private static FakeAzureWorld world(Path dir, String secondary) throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.env.put("AZURE_RESOURCE_GROUP", "rg-test");
    world.env.put("AZURE_LOCATION", "westeurope");
    if (secondary != null) {
      world.env.put("HEARTWATCH_SECONDARY_LOCATION", secondary);
    }
    return world;
  }

  private static String read(FakeAzureWorld world, String file) throws Exception {
    Path p = world.state.resolve(file);
    return Files.exists(p) ? Files.readString(p).strip() : "";
  }

  private static void assertChangedNothing(Run run) {
    for (String call : run.calls()) {
      for (String mutating : MUTATING) {
        assertFalse(call.startsWith(mutating), "changed something: " + call + "\n" + run);
      }
    }
  }

  private static void assertNothingOnTheSecondary(Run run) {
    for (String call : run.calls()) {
      assertFalse(call.contains(SECONDARY_APP) || call.contains(SECONDARY_VAULT) || call.contains("hw-ag-abc123-" + REGION),
          "touched a secondary: " + call + "\n" + run);
    }
  }

  @Test
  void withNoSecondaryTheHooksDoOnlyTheNotifyStep() throws Exception {
    FakeAzureWorld world = world(dir, null);
    world.azdProvisioned(null, true);

    Run run = hook(world, "postprovision");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.called("az functionapp function keys set --resource-group rg-test --name hw-func-abc123 --function-name Notify"), run.toString());
    assertTrue(run.called("az monitor action-group update --resource-group rg-test --name hw-ag-abc123 --add-action webhook notify @-"), run.toString());
    String key = read(world, "kv/notify-function-key");
    assertEquals("https://hw-func-abc123.azurewebsites.net/api/notify?code=" + key, read(world, "notify-url"));
    assertNothingOnTheSecondary(run);
    for (String call : run.calls()) {
      assertFalse(call.startsWith("az deployment group create") || call.startsWith("az functionapp deployment source config-zip")
          || call.startsWith("az functionapp config appsettings set"), "more than Notify: " + call);
      assertFalse(call.contains(key), "Notify's key in an argument list: " + call);
    }
    assertFalse(run.out().contains(key) || run.err().contains(key), run.toString());

    Run deployed = hook(world, "postdeploy");
    assertEquals(0, deployed.exitCode(), deployed.toString());
    assertChangedNothing(deployed);
    assertNothingOnTheSecondary(deployed);
    assertTrue(deployed.out().contains("receiver notify unchanged"), deployed.toString());
  }

  @Test
  void beforeAzdsFirstDeployPostprovisionWaitsAndChangesNothing() throws Exception {
    FakeAzureWorld world = world(dir, REGION);
    world.azdProvisioned(REGION, false);

    Run run = hook(world, "postprovision");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("hw-func-abc123 runs no code yet: nothing to wire"), run.toString());
    assertChangedNothing(run);
  }

  @Test
  void withASecondaryPostdeployShipsTheCodeAndCopiesThenARerunChangesNothing() throws Exception {
    FakeAzureWorld world = world(dir, REGION);
    world.azdProvisioned(REGION, true);
    Files.writeString(world.state.resolve("settings-hw-func-abc123"), "HEARTWATCH_STACK_NAME=westeurope\n" + CUSTOM + "\n");

    // azd up: provision (the secondary has no code yet: the primary is wired, the copy waits) ...
    Run provisioned = hook(world, "postprovision");
    assertEquals(0, provisioned.exitCode(), provisioned.toString());
    assertTrue(provisioned.called("az functionapp function keys set --resource-group rg-test --name hw-func-abc123 --function-name Notify"),
        provisioned.toString());
    assertTrue(provisioned.out().contains(SECONDARY_APP + " runs no code yet: nothing copied"), provisioned.toString());
    assertFalse(provisioned.called("az functionapp deployment source config-zip"), provisioned.toString());

    // ... then deploy: the package azd built goes to the secondary, then the copy.
    Run deployed = hook(world, "postdeploy");

    assertEquals(0, deployed.exitCode(), deployed.toString());
    assertTrue(deployed.called("heartwatch package " + world.repo.resolve("function-app/target/azure-functions/heartwatch-func")), deployed.toString());
    assertTrue(deployed.called("az functionapp deployment source config-zip --resource-group rg-test --name " + SECONDARY_APP
        + " --src " + world.repo.resolve("function-app/target/heartwatch-function.zip")), deployed.toString());
    assertFalse(deployed.called("az functionapp deployment source config-zip --resource-group rg-test --name hw-func-abc123 "),
        "azd deploys the primary itself:\n" + deployed);
    assertTrue(read(world, "tag-heartwatch-secondary-package-sha256").matches("[0-9a-f]{64}"), deployed.toString());
    String notify = read(world, "kv/notify-function-key");
    String peer = read(world, "kv/peer-function-key");
    assertEquals(notify, read(world, "kv-" + SECONDARY_VAULT + "/notify-function-key"));
    assertEquals(peer, read(world, "kv-" + SECONDARY_VAULT + "/peer-function-key"));
    assertEquals(FakeAzureWorld.FUNCTION_KEY, read(world, "fkey-" + SECONDARY_APP + "-Ping-default"), "the agents' key works on both");
    assertEquals(peer, read(world, "fkey-hw-func-abc123-StackPing-peer"));
    assertEquals(peer, read(world, "fkey-" + SECONDARY_APP + "-StackPing-peer"));
    assertEquals(notify, read(world, "fkey-" + SECONDARY_APP + "-Notify-notify"));
    assertEquals("https://" + SECONDARY_APP + ".azurewebsites.net/api/notify?code=" + notify, read(world, "notify-url-hw-ag-abc123-" + REGION));
    assertTrue(read(world, "settings-" + SECONDARY_APP).contains(CUSTOM), "the hand-set setting is copied");
    assertFalse(read(world, "settings-" + SECONDARY_APP).contains("HEARTWATCH_STACK_NAME"), "a regional setting is not copied");
    DeployScriptTest.assertAgentsKeyIsPingsOwn(deployed);
    for (String secret : List.of(notify, peer)) {
      for (String call : deployed.calls()) assertFalse(call.contains(secret), "a key in an argument list: " + call);
      assertFalse(deployed.out().contains(secret) || deployed.err().contains(secret), deployed.toString());
    }

    Run again = hook(world, "postdeploy");

    assertEquals(0, again.exitCode(), again.toString());
    assertChangedNothing(again);
    assertTrue(again.out().contains("secondary " + SECONDARY_APP + ": unchanged, not deployed"), again.toString());
    assertTrue(again.out().contains("copy complete: 0 set"), again.toString());

    // A later azd provision PUTs both action groups without Notify's receivers: the hook puts them back, and only them.
    Files.delete(world.state.resolve("notify-url"));
    Files.delete(world.state.resolve("notify-url-hw-ag-abc123-" + REGION));
    Run reprovisioned = hook(world, "postprovision");

    assertEquals(0, reprovisioned.exitCode(), reprovisioned.toString());
    assertEquals(2, reprovisioned.calls().stream().filter(c -> c.startsWith("az monitor action-group update") && c.contains("--add-action")).count(),
        reprovisioned.toString());
    assertEquals("https://" + SECONDARY_APP + ".azurewebsites.net/api/notify?code=" + notify, read(world, "notify-url-hw-ag-abc123-" + REGION));
    for (String call : reprovisioned.calls()) {
      assertFalse(call.startsWith("az keyvault secret set") || call.startsWith("az functionapp function keys set")
          || call.startsWith("az functionapp config appsettings set") || call.startsWith("az functionapp deployment source config-zip"),
          "only the receivers were missing: " + call);
    }
  }

  @Test
  void aChangedBuildGoesToTheSecondaryAgain() throws Exception {
    FakeAzureWorld world = world(dir, REGION);
    world.azdProvisioned(REGION, true);
    assertEquals(0, hook(world, "postdeploy").exitCode());
    String first = read(world, "tag-heartwatch-secondary-package-sha256");

    world.env.put("FAKE_BUILD", "v2");
    world.run(List.of(world.bin.resolve("mvn").toString(), "package"));
    Run run = hook(world, "postdeploy");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.called("az functionapp deployment source config-zip --resource-group rg-test --name " + SECONDARY_APP), run.toString());
    assertNotEquals(first, read(world, "tag-heartwatch-secondary-package-sha256"));
  }

  @Test
  void aSecondaryInThePrimarysRegionIsRefusedBeforeAnythingChanges() throws Exception {
    // As if provisioned without the preprovision check: the template itself cannot fail().
    FakeAzureWorld world = world(dir, "westeurope");
    world.azdProvisioned("westeurope", true);

    for (String event : List.of("postprovision", "postdeploy")) {
      Run run = hook(world, event);

      assertNotEquals(0, run.exitCode(), run.toString());
      assertTrue(run.err().contains("--secondary-location westeurope is the primary's region"), run.toString());
      assertTrue(run.err().contains("Nothing was changed"), run.toString());
      assertChangedNothing(run);
    }
  }

  @Test
  void aSecondaryTheDeploymentLacksIsRefusedBeforeAnythingChanges() throws Exception {
    // HEARTWATCH_SECONDARY_LOCATION set after the last azd provision: nothing to copy to yet.
    FakeAzureWorld world = world(dir, REGION);
    world.azdProvisioned(null, true);

    Run run = hook(world, "postdeploy");

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("has no secondary, not " + REGION), run.toString());
    assertTrue(run.err().contains("azd provision with HEARTWATCH_SECONDARY_LOCATION=" + REGION), run.toString());
    assertChangedNothing(run);
  }

  @Test
  void withoutAResourceGroupTheHookSaysWhereItComesFrom() throws Exception {
    FakeAzureWorld world = world(dir, null);
    world.env.remove("AZURE_RESOURCE_GROUP");
    world.azdProvisioned(null, true);

    Run run = hook(world, "postprovision");

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().contains("AZURE_RESOURCE_GROUP is not set in the azd environment"), run.toString());
    assertTrue(run.calls().isEmpty(), run.toString());
  }

  @Test
  void deploySecondaryCodeOnlyGoesWithTheNotifyModeAndASecondary() throws Exception {
    FakeAzureWorld world = world(dir, null);
    world.azdProvisioned(null, true);

    Run alone = world.deploy("-g", "rg-test", "--notify-only", "--secondary-code");
    assertNotEquals(0, alone.exitCode(), alone.toString());
    assertTrue(alone.err().contains("--secondary-code needs --secondary-location REGION"), alone.toString());

    Run full = world.deploy(DeployScriptTest.concat(DeployScriptTest.ARGS, "--secondary-code"));
    assertNotEquals(0, full.exitCode(), full.toString());
    assertTrue(full.err().contains("go with --notify-only"), full.toString());
    assertChangedNothing(alone);
    assertChangedNothing(full);
  }
}
