package dev.heartwatch.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.deploy.FakeAzureWorld.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/deploy.sh, run by bash against recording fakes of az, mvn, curl and publish. */
@Tag("full")
class DeployScriptTest {
  static final String[] ARGS = {"-g", "rg-test", "--alert-email", "me@example.com", "--create-group", "--location", "westeurope"};
  static final List<String> MUTATING =
      List.of(
          "az group create", "az deployment group create", "az functionapp config appsettings set",
          "az resource invoke-action", "az functionapp deployment source config-zip", "az tag update",
          "az keyvault secret set", "az functionapp function keys set", "az monitor action-group update");

  @TempDir Path dir;

  private static void assertInOrder(Run run, String... prefixes) {
    int last = -1;
    for (String prefix : prefixes) {
      int at = run.indexOf(prefix);
      assertTrue(at > last, "'" + prefix + "' expected after the previous step:\n" + run);
      last = at;
    }
  }

  private static void assertKeyShownOnlyInTheFinalInstruction(Run run) {
    assertAgentsKeyIsPingsOwn(run);
    for (String call : run.calls()) {
      assertFalse(call.contains(FakeAzureWorld.FUNCTION_KEY) || call.contains(FakeAzureWorld.ENCODED_KEY), "key in an argument list: " + call);
    }
    assertFalse(run.err().contains(FakeAzureWorld.FUNCTION_KEY), run.toString());
    assertEquals(1, count(run.out(), FakeAzureWorld.ENCODED_KEY), run.toString());
    assertFalse(run.out().contains(FakeAzureWorld.FUNCTION_KEY), "only the URL-encoded form, once:\n" + run);
    assertTrue(
        run.out().contains("HEARTBEAT_URL=https://hw-func-abc123.azurewebsites.net/api/ping?code=" + FakeAzureWorld.ENCODED_KEY),
        run.toString());
  }

  /**
   * Issue 18: the agents' key is Ping's function key `default`, never a host key (a host key opens
   * every function, StackPing included: "Work with access keys in Azure Functions", Understand keys).
   */
  static void assertAgentsKeyIsPingsOwn(Run run) {
    for (String call : run.calls()) {
      assertFalse(call.startsWith("az functionapp keys "), "a host key is read or set: " + call);
      assertFalse(call.contains("functionKeys"), "a host key is read: " + call);
    }
    assertFalse(run.out().contains("h0st-key"), run.toString());
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  @Test
  void flexFirstRunDeploysInfrastructureThenCodeThenProbes() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy(ARGS);

    assertEquals(0, run.exitCode(), run.toString());
    assertInOrder(
        run,
        "az account show",
        "az group exists",
        "az group create --name rg-test --location westeurope",
        "mvn ",
        "heartwatch package",
        "heartwatch devices azure-parameters",
        "az deployment group create",
        "az functionapp deployment source config-zip",
        "az tag update",
        "az functionapp function keys list --resource-group rg-test --name hw-func-abc123 --function-name Ping --query default",
        "curl ");
    String create = run.calls().get(run.indexOf("az deployment group create"));
    assertTrue(create.contains("--template-file " + world.repo.resolve("infra/main.bicep")), create);
    assertTrue(create.contains("alertEmails=[\"me@example.com\"]"), create);
    String registry = run.calls().get(run.indexOf("heartwatch devices azure-parameters"));
    assertTrue(registry.endsWith("--file " + world.repo.resolve("infra/devices.json") + " --evaluation PT5M"), registry);
    assertTrue(create.matches("(?s).* @\\S*heartwatch-registry\\.\\w+ .*"), "the registry's parameters file: " + create);
    assertFalse(create.contains("expectedDevices=@"), "the registry is not a plain id list any more: " + create);
    assertTrue(create.contains("hostingPlan=FlexConsumption"), create);
    assertFalse(create.contains("packageUrl="), "Flex runs from its deployment container: " + create);
    assertFalse(run.called("heartwatch publish"), "Flex does not use a package URL:\n" + run);
    assertFalse(run.called("az functionapp config appsettings set"), run.toString());
    String mvn = run.calls().get(run.indexOf("mvn "));
    assertTrue(mvn.contains("-pl function-app,cli -am package"), mvn);
    String curl = run.calls().get(run.indexOf("curl "));
    assertTrue(curl.endsWith("https://hw-func-abc123.azurewebsites.net/api/ping"), "no device, no key in the URL: " + curl);
    assertTrue(run.out().contains("[1/9] Checking prerequisites"), run.toString());
    assertTrue(run.out().contains("[8/9] Smoke test"), run.toString());
    assertTrue(run.out().contains("[9/9] Verify"), run.toString());
    assertKeyShownOnlyInTheFinalInstruction(run);
  }

  @Test
  void flexSecondRunWithAnUnchangedBuildDeploysNothing() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());

    Run second = world.deploy(ARGS);

    assertEquals(0, second.exitCode(), second.toString());
    assertFalse(second.called("az group create"), second.toString());
    assertFalse(second.called("az functionapp deployment source config-zip"), second.toString());
    assertFalse(second.called("az tag update"), second.toString());
    assertFalse(second.called("az functionapp config appsettings set"), second.toString());
    assertTrue(second.out().contains("unchanged, not deployed"), second.toString());
    assertTrue(second.called("curl "), "still probes:\n" + second);
  }

  @Test
  void flexChangedBuildIsDeployedAgain() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    String firstTag = Files.readString(world.state.resolve("tag-heartwatch-package-sha256"));

    world.env.put("FAKE_BUILD", "v2");
    Run second = world.deploy(ARGS);

    assertEquals(0, second.exitCode(), second.toString());
    assertTrue(second.called("az functionapp deployment source config-zip"), second.toString());
    assertNotEquals(firstTag, Files.readString(world.state.resolve("tag-heartwatch-package-sha256")));
  }

  @Test
  void linuxFirstRunPublishesPointsTheAppAtTheBlobAndSyncsTriggers() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "LinuxConsumption");
    Run run = world.deploy(concat(ARGS, "--plan", "LinuxConsumption"));

    assertEquals(0, run.exitCode(), run.toString());
    assertInOrder(
        run,
        "az account show",
        "az group create",
        "mvn ",
        "heartwatch package",
        "az deployment group create",
        "heartwatch publish",
        "az functionapp config appsettings list",
        "az functionapp config appsettings set",
        "az resource invoke-action",
        "az functionapp function keys list --resource-group rg-test --name hw-func-abc123 --function-name Ping --query default",
        "curl ");
    assertTrue(run.calls().get(run.indexOf("az deployment group create")).contains("packageUrl= "), "first run: no package yet\n" + run);
    String publish = run.calls().get(run.indexOf("heartwatch publish"));
    assertTrue(publish.contains("--account hwstabc123 --container function-releases"), publish);
    String set = run.calls().get(run.indexOf("az functionapp config appsettings set"));
    assertTrue(
        Pattern.compile("WEBSITE_RUN_FROM_PACKAGE=https://hwstabc123\\.blob\\.core\\.windows\\.net/function-releases/heartwatch-function-[0-9a-f]{16}\\.zip").matcher(set).find(),
        set);
    assertTrue(run.calls().get(run.indexOf("az resource invoke-action")).contains("--action syncfunctiontriggers"), run.toString());
    assertFalse(run.called("az functionapp deployment source config-zip"), run.toString());
    assertKeyShownOnlyInTheFinalInstruction(run);
  }

  @Test
  void linuxGrantsTheSignedInOperatorUploadRightsAndRetriesUntilTheRoleApplies() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "LinuxConsumption");
    world.env.put("FAKE_PUBLISH_AUTH_FAILURES", "2");
    world.env.put("DEPLOY_PUBLISH_DELAY_SECONDS", "0");
    Run run = world.deploy(concat(ARGS, "--plan", "LinuxConsumption"));

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(
        run.calls().get(run.indexOf("az deployment group create")).contains("deployerPrincipalId=11111111-2222-4333-8444-555555555555"),
        run.toString());
    assertEquals(3, run.calls().stream().filter(c -> c.startsWith("heartwatch publish")).count(), run.toString());
    assertTrue(run.err().contains("retrying"), run.toString());
  }

  @Test
  void linuxPublishThatKeepsBeingRejectedStopsTheDeploy() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "LinuxConsumption");
    world.env.put("FAKE_PUBLISH_AUTH_FAILURES", "99");
    world.env.put("DEPLOY_PUBLISH_DELAY_SECONDS", "0");
    world.env.put("DEPLOY_PUBLISH_ATTEMPTS", "2");
    Run run = world.deploy(concat(ARGS, "--plan", "LinuxConsumption"));

    assertEquals(5, run.exitCode(), run.toString());
    assertTrue(run.err().contains("credentials rejected"), run.toString());
    assertFalse(run.called("az functionapp config appsettings set"), run.toString());
  }

  @Test
  void linuxSecondRunWithAnUnchangedBuildChangesNoSettingAndRestartsNothing() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "LinuxConsumption");
    String[] args = concat(ARGS, "--plan", "LinuxConsumption");
    assertEquals(0, world.deploy(args).exitCode());
    String url = Files.readString(world.state.resolve("run-from-package"));

    Run second = world.deploy(args);

    assertEquals(0, second.exitCode(), second.toString());
    assertTrue(second.calls().get(second.indexOf("az deployment group create")).contains("packageUrl=" + url), "the infra keeps the running package:\n" + second);
    assertFalse(second.called("az functionapp config appsettings set"), second.toString());
    assertFalse(second.called("az resource invoke-action"), second.toString());
    assertTrue(second.out().contains("unchanged, not deployed"), second.toString());
  }

  @Test
  void linuxChangedBuildMovesTheSettingToTheNewBlob() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "LinuxConsumption");
    String[] args = concat(ARGS, "--plan", "LinuxConsumption");
    assertEquals(0, world.deploy(args).exitCode());
    String first = Files.readString(world.state.resolve("run-from-package"));

    world.env.put("FAKE_BUILD", "v2");
    Run second = world.deploy(args);

    assertEquals(0, second.exitCode(), second.toString());
    assertTrue(second.called("az functionapp config appsettings set"), second.toString());
    assertTrue(second.called("az resource invoke-action"), second.toString());
    assertNotEquals(first, Files.readString(world.state.resolve("run-from-package")));
  }

  @Test
  void whatIfChangesNothing() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "LinuxConsumption");
    world.groupExists();
    Run run = world.deploy(concat(ARGS, "--what-if", "--plan", "LinuxConsumption"));

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.called("az deployment group what-if"), run.toString());
    for (String mutating : MUTATING) {
      assertFalse(run.called(mutating), mutating + " in what-if:\n" + run);
    }
    // It builds the CLI (target/ only) to read the registry; it packages and publishes nothing.
    assertTrue(run.calls().get(run.indexOf("mvn ")).contains("-pl cli -am package"), run.toString());
    assertTrue(run.called("heartwatch devices azure-parameters"), run.toString());
    assertFalse(run.called("heartwatch package"), run.toString());
    assertFalse(run.called("heartwatch publish"), run.toString());
    assertFalse(run.called("az functionapp function keys list --resource-group rg-test --name hw-func-abc123 --function-name Ping --query default"), run.toString());
    assertTrue(run.out().contains("what-if only"), run.toString());
  }

  @Test
  void whatIfWithoutTheGroupDoesNotCreateIt() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy(concat(ARGS, "--what-if"));

    assertEquals(0, run.exitCode(), run.toString());
    for (String mutating : MUTATING) {
      assertFalse(run.called(mutating), mutating + " in what-if:\n" + run);
    }
    assertTrue(run.out().contains("Nothing was changed"), run.toString());
  }

  @Test
  void aFailingAzStopsTheScriptWithItsMessage() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.env.put("FAKE_AZ_FAIL", "deployment group create");
    Run run = world.deploy(ARGS);

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("AuthorizationFailed"), "az's own message:\n" + run);
    assertTrue(run.err().contains("Deploying infrastructure"), "which step failed:\n" + run);
    assertFalse(run.called("az functionapp deployment source config-zip"), run.toString());
    assertFalse(run.called("az functionapp function keys list --resource-group rg-test --name hw-func-abc123 --function-name Ping --query default"), run.toString());
  }

  @Test
  void notLoggedInSaysToLogIn() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.env.put("FAKE_AZ_FAIL", "account show");
    Run run = world.deploy(ARGS);

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("az login"), run.toString());
    assertEquals(List.of("az account show --query name --output tsv"), run.az());
  }

  @Test
  void aFailingSmokeTestFailsTheDeploy() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.env.put("FAKE_CURL_STATUS", "500");
    Run run = world.deploy(ARGS);

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("smoke test failed"), run.toString());
    assertFalse(run.out().contains("HEARTBEAT_URL="), "no instruction after a failed probe:\n" + run);
  }

  @Test
  void noAlertEmailIsRefusedBeforeAnyAzureCall() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy("-g", "rg-test");

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no alert email"), run.toString());
    assertTrue(run.calls().isEmpty(), run.toString());
  }

  @Test
  void deployEnvSuppliesWhatFlagsDoNotSay() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.groupExists();
    Files.writeString(
        world.repo.resolve("deploy.env"),
        "# comment\nDEPLOY_RESOURCE_GROUP=rg-test\nDEPLOY_ALERT_EMAILS=a@example.com, b@example.com\nDEPLOY_NAME_PREFIX=hwhome\n");
    Run run = world.deploy("--what-if");

    assertEquals(0, run.exitCode(), run.toString());
    String whatIf = run.calls().get(run.indexOf("az deployment group what-if"));
    assertTrue(whatIf.contains("alertEmails=[\"a@example.com\",\"b@example.com\"]"), whatIf);
    assertTrue(whatIf.contains("namePrefix=hwhome"), whatIf);
    assertTrue(whatIf.contains("--resource-group rg-test"), whatIf);
  }

  @Test
  void anotherDevicesFileAndExtraParametersReachTheDeployment() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.groupExists();
    Path devices = Files.writeString(dir.resolve("cabin.json"), "[\"cabin-router\"]\n");
    Run run = world.deploy(concat(ARGS, "--what-if", "--devices", devices.toString(), "--parameter", "silenceThreshold=PT10M",
        "--parameter", "evaluationFrequency=PT15M"));

    assertEquals(0, run.exitCode(), run.toString());
    String registry = run.calls().get(run.indexOf("heartwatch devices azure-parameters"));
    assertTrue(registry.endsWith("--file " + devices + " --evaluation PT15M"), "the rule's own evaluation bounds the limits: " + registry);
    String whatIf = run.calls().get(run.indexOf("az deployment group what-if"));
    assertTrue(whatIf.contains(" @"), whatIf);
    assertTrue(whatIf.endsWith("silenceThreshold=PT10M evaluationFrequency=PT15M"), whatIf);
  }

  @Test
  void aRegistryTheAlertCannotWatchStopsBeforeAnythingIsDeployedSayingWhy() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.groupExists();
    Files.writeString(world.repo.resolve("infra/devices.json"),
        "[\"router\", {\"id\": \"payroll\", \"cron\": \"0 9 * * 1-5\", \"timeZone\": \"Europe/Berlin\", \"grace\": \"PT1H\"}]\n");
    Run run = world.deploy(ARGS);

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("device \"payroll\": cron \"0 9 * * 1-5\""), run.toString());
    assertTrue(run.err().contains("watch this device with the server"), run.toString());
    assertTrue(run.err().contains("cannot be deployed to Azure"), run.toString());
    for (String mutating : MUTATING) {
      assertFalse(run.called(mutating), mutating + " after a refused registry:\n" + run);
    }
    try (var left = Files.list(world.tmp())) {
      assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith("heartwatch-registry.")), "the temporary parameters file is removed");
    }
  }

  @Test
  void theRegistrysSchedulesReachTheDeploymentAsDeviceLimits() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.groupExists();
    Files.writeString(world.repo.resolve("infra/devices.json"),
        "[\"router\", {\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"}]\n");
    world.env.put("FAKE_KEEP_PARAMETERS", world.state.resolve("parameters.json").toString());
    Run run = world.deploy(concat(ARGS, "--what-if"));

    assertEquals(0, run.exitCode(), run.toString());
    String parameters = Files.readString(world.state.resolve("parameters.json"));
    assertTrue(parameters.contains("\"value\" : [ \"router\", \"nas\" ]"), parameters);
    assertTrue(parameters.matches("(?s).*\"device\" : \"nas\",\\s*\"limitSeconds\" : 900.*"), parameters);
  }

  @Test
  void aMissingDevicesFileIsRefusedWithHowToMakeIt() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy(concat(ARGS, "--devices", dir.resolve("none.json").toString()));

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("heartwatch devices add"), run.toString());
    assertTrue(run.calls().isEmpty(), run.toString());
  }

  @Test
  void switchingThePlanInPlaceIsRefusedWithTheMigrationSteps() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());

    Run run = world.deploy(concat(ARGS, "--plan", "LinuxConsumption"));

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("runs on FlexConsumption"), run.toString());
    assertTrue(run.err().contains("Migrate Consumption plan apps to the Flex Consumption plan"), run.toString());
    assertTrue(run.err().contains("HEARTBEAT_URL"), "the steps say the agents move:\n" + run);
    assertTrue(run.err().contains("--plan FlexConsumption"), "how to keep the plan:\n" + run);
    for (String mutating : MUTATING) {
      assertFalse(run.called(mutating), mutating + " after a refused switch:\n" + run);
    }
  }

  @Test
  void theSamePlanAgainIsNoSwitch() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "LinuxConsumption");
    String[] args = concat(ARGS, "--plan", "LinuxConsumption");
    assertEquals(0, world.deploy(args).exitCode());

    Run second = world.deploy(args);

    assertEquals(0, second.exitCode(), second.toString());
    assertFalse(second.err().contains("cannot switch"), second.toString());
  }

  @Test
  void aNewAlertEmailIsToldToEnterItsPasscodeWithinThirtyMinutes() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run first = world.deploy(ARGS);
    assertEquals(0, first.exitCode(), first.toString());
    assertTrue(first.out().contains("alert email me@example.com added"), first.toString());
    assertTrue(first.out().contains("one-time passcode") && first.out().contains("within 30 minutes"), first.toString());

    Run second = world.deploy(concat(ARGS, "--alert-email", "Partner@Example.com"));

    assertEquals(0, second.exitCode(), second.toString());
    assertFalse(second.out().contains("me@example.com added"), "a known address is not new:\n" + second);
    assertTrue(second.out().contains("alert email Partner@Example.com added"), second.toString());
  }

  @Test
  void whatIfSaysWhichEmailWouldBeAdded() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.groupExists();
    Run run = world.deploy(concat(ARGS, "--what-if"));

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("alert email me@example.com would be added"), run.toString());
  }

  private static String verifyRow(Run run, int step) {
    return run.out().lines().filter(l -> l.startsWith("  " + step + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no verify row " + step + ":\n" + run));
  }

  @Test
  void aDeployEndsByVerifyingTheLoopAndPrintsWhatPassedWithTheFigures() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy(ARGS);

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(verifyRow(run, 1).contains("PASS") && verifyRow(run, 1).contains("401"), run.toString());
    assertTrue(verifyRow(run, 2).contains("PASS") && verifyRow(run, 2).contains("heartwatch-self-test"), run.toString());
    assertTrue(verifyRow(run, 3).contains("PASS") && verifyRow(run, 3).contains("ingestion delay 1.5 s"), run.toString());
    assertTrue(verifyRow(run, 4).contains("PASS") && verifyRow(run, 4).contains("no row for heartwatch-self-test"), run.toString());
    assertTrue(verifyRow(run, 4).contains("home-office-pi (never heard)"), "the silent expected device is printed:\n" + run);
    assertTrue(verifyRow(run, 5).contains("SKIP"), run.toString());
    assertTrue(verifyRow(run, 6).contains("PASS") && verifyRow(run, 6).contains("me@example.com"), run.toString());
    List<String> curls = run.calls().stream().filter(c -> c.startsWith("curl ")).toList();
    String beat = curls.stream().filter(c -> c.contains("--data")).findFirst().orElseThrow(() -> new AssertionError(run.toString()));
    assertTrue(beat.contains("\"device\":\"heartwatch-self-test\"") && beat.contains("\"state\":\"stopping\""), beat);
    assertTrue(curls.stream().anyMatch(c -> !c.contains("--header @-")), "one request goes without the key:\n" + run);
    assertTrue(run.called("az monitor scheduled-query show"), run.toString());
    assertKeyShownOnlyInTheFinalInstruction(run);
  }

  @Test
  void verifyAloneChangesNothingAndNeedsNoAlertEmail() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());

    Run run = world.deploy("--verify", "-g", "rg-test");

    assertEquals(0, run.exitCode(), run.toString());
    for (String mutating : MUTATING) {
      assertFalse(run.called(mutating), mutating + " in --verify:\n" + run);
    }
    assertFalse(run.called("mvn"), run.toString());
    assertTrue(run.out().contains("Verified"), run.toString());
    for (String call : run.calls()) {
      assertFalse(call.contains(FakeAzureWorld.FUNCTION_KEY) || call.contains(FakeAzureWorld.ENCODED_KEY), "key in an argument list: " + call);
    }
    assertFalse(run.out().contains(FakeAzureWorld.ENCODED_KEY) || run.out().contains(FakeAzureWorld.FUNCTION_KEY), "--verify never shows the key:\n" + run);
    assertAgentsKeyIsPingsOwn(run);
    assertTrue(run.called("az functionapp function keys list --resource-group rg-test --name hw-func-abc123 --function-name Ping --query default"),
        "verify probes with Ping's own key:\n" + run);
  }

  @Test
  void aLineThatNeverArrivesFailsStepThreeAfterTheTimeoutWithWhatToDo() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    world.lineNeverArrives = true;
    world.env.put("DEPLOY_VERIFY_INGESTION_TIMEOUT", "PT2S");

    long started = System.nanoTime();
    Run run = world.deploy("--verify", "-g", "rg-test");

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(System.nanoTime() - started >= 2_000_000_000L, "waited the configured timeout");
    assertTrue(run.err().contains("waiting for the self-test line in traces"), "progress is shown:\n" + run);
    assertTrue(run.err().contains("was not in traces") && run.err().contains("limit PT2S"), run.toString());
    assertTrue(run.err().contains("verify step 3 (line in traces (Monitor Query)) failed"), run.toString());
    assertTrue(verifyRow(run, 3).contains("FAIL"), run.toString());
    assertTrue(verifyRow(run, 4).contains("SKIP"), run.toString());
    assertTrue(verifyRow(run, 6).contains("PASS"), "independent steps still run:\n" + run);
  }

  @Test
  void anUnverifiedEmailFailsStepSixAndNamesTheAddress() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.env.put("FAKE_PENDING_EMAIL", "partner@example.com");
    Run run = world.deploy(concat(ARGS, "--alert-email", "partner@example.com"));

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(verifyRow(run, 6).contains("FAIL") && verifyRow(run, 6).contains("partner@example.com (NotSpecified)"), run.toString());
    assertFalse(verifyRow(run, 6).contains("me@example.com"), "only the waiting address is named:\n" + run);
    assertTrue(run.err().contains("enter the code Azure Monitor mailed"), run.toString());
    assertTrue(run.out().contains("HEARTBEAT_URL="), "the deploy itself is done; its instruction stays:\n" + run);
  }

  @Test
  void anEndpointThatAnswersWithoutAKeyFailsStepOne() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    world.env.put("FAKE_CURL_KEYLESS_STATUS", "200");

    Run run = world.deploy("--verify", "-g", "rg-test");

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(verifyRow(run, 1).contains("FAIL") && verifyRow(run, 1).contains("answered HTTP 200, not 401"), run.toString());
    assertTrue(run.err().contains("authLevel function"), "what to do:\n" + run);
  }

  @Test
  void anAlertQueryThatListsTheSelfTestDeviceFailsStepFour() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    world.alertRows.add("heartwatch-self-test");

    Run run = world.deploy("--verify", "-g", "rg-test");

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(verifyRow(run, 4).contains("FAIL"), run.toString());
    assertTrue(run.err().contains("lists the self-test device heartwatch-self-test"), run.toString());
  }

  @Test
  void verifyExpectsARowForADeviceWhoseLastSignalIsAFailOrAStartPastItsGrace() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    // A fail a minute ago: within every limit, but down at once (contract v2), so the query lists it.
    world.otherBeats.put("nightly-backup", new String[] {
        dev.heartwatch.cli.history.FakeLogAnalytics.kusto(java.time.Instant.now().minusSeconds(60)), "fail"});
    // A start 20 minutes ago with nothing after it: past its PT10M grace, within its PT26H limit.
    world.otherBeats.put("sync-job", new String[] {
        dev.heartwatch.cli.history.FakeLogAnalytics.kusto(java.time.Instant.now().minusSeconds(1200)), "start"});
    world.deployedWithLimits("'nightly-backup',93600s,3600s,'sync-job',93600s,600s");
    world.alertRows.add("nightly-backup");
    world.alertRows.add("sync-job");
    Run run = world.deploy("--verify", "-g", "rg-test");
    assertEquals(0, run.exitCode(), run.toString());

    // The same query without those rows is wrong, and verify says why.
    world.alertRows.remove("nightly-backup");
    world.alertRows.remove("sync-job");
    Run wrong = world.deploy("--verify", "-g", "rg-test");
    assertEquals(1, wrong.exitCode(), wrong.toString());
    assertTrue(wrong.err().contains("no row for nightly-backup (its last signal was a fail"), wrong.toString());
    assertTrue(wrong.err().contains("no row for sync-job (a start 20."), wrong.toString());
  }

  @Test
  void verifyJudgesADeviceWithItsOwnLimitByThatLimit() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    // Silent 20 minutes: past the PT5M threshold, within its own PT1H limit, so not a row.
    world.otherBeats.put("cabin-router", new String[] {
        dev.heartwatch.cli.history.FakeLogAnalytics.kusto(java.time.Instant.now().minusSeconds(1200)), "running"});
    world.deployedWithLimits("'cabin-router',3600s,600s");

    Run run = world.deploy("--verify", "-g", "rg-test");
    assertEquals(0, run.exitCode(), run.toString());

    // With a PT15M limit it is down, and the query not listing it is wrong.
    world.deployedWithLimits("'cabin-router',900s,300s");
    Run wrong = world.deploy("--verify", "-g", "rg-test");
    assertEquals(1, wrong.exitCode(), wrong.toString());
    assertTrue(wrong.err().contains("no row for cabin-router (silent 20.") && wrong.err().contains("min, past its PT15M limit)"), wrong.toString());
  }

  @Test
  void anAlertQueryThatMissesASilentDeviceFailsStepFourAndNamesIt() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    world.otherBeats.put("cabin-router", new String[] {
        dev.heartwatch.cli.history.FakeLogAnalytics.kusto(java.time.Instant.now().minusSeconds(1200)), "running"});

    Run run = world.deploy("--verify", "-g", "rg-test");

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no row for cabin-router (silent 20.") && run.err().contains("min, past its PT5M limit)"), run.toString());

    world.alertRows.add("cabin-router");
    Run fixed = world.deploy("--verify", "-g", "rg-test");
    assertEquals(0, fixed.exitCode(), fixed.toString());
    assertTrue(verifyRow(fixed, 4).contains("cabin-router (silent 20."), fixed.toString());
  }

  @Test
  void testNotificationIsSentOnlyWhenAskedToEveryEmailReceiver() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    assertFalse(world.deploy("--verify", "-g", "rg-test").called("az monitor action-group test-notifications"));

    Run run = world.deploy("--verify", "-g", "rg-test", "--test-notification");

    assertEquals(0, run.exitCode(), run.toString());
    String test = run.calls().get(run.indexOf("az monitor action-group test-notifications create"));
    assertTrue(test.contains("--action-group hw-ag-abc123 --resource-group rg-test --alert-type logalertv2"), test);
    assertTrue(test.contains("--add-action email email-0 me@example.com usecommonalertschema"), test);
    assertTrue(verifyRow(run, 5).contains("PASS"), run.toString());
  }

  static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
