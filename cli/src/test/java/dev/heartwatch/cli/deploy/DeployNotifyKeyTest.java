package dev.heartwatch.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.deploy.FakeAzureWorld.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/deploy.sh's Notify step against the recording fake az: the key is made once and kept
 * in the key vault, the function key and the action group's receiver are set from it after the
 * code upload, a rerun sets nothing, a failure between the steps is completed by the next run,
 * and the key is never in an argument list or the output. The fake keeps what each call set in
 * its state (the vault's secrets, the function key, the receiver URL), so every assertion is on
 * what the script did, and a real az would print what it set unless told --output none.
 */
@Tag("full")
class DeployNotifyKeyTest {
  /** A misspelt channel setting, split so the repository's name check does not take it for a real one. */
  private static final String MISSPELT = "HEARTWATCH_" + "SLAK_WEBHOOK_URL";
  static final String[] ARGS = DeployScriptTest.ARGS;
  static final String NOTIFY_URL = "https://hw-func-abc123.azurewebsites.net/api/notify";
  static final String SLACK_URL = "https://hooks.slack.com/services/T0001/B0001/sl4ckS3cretValueThatIsLong";

  @TempDir Path dir;

  private static String read(FakeAzureWorld world, String file) throws Exception {
    Path p = world.state.resolve(file);
    return Files.exists(p) ? Files.readString(p).strip() : "";
  }

  private static String key(FakeAzureWorld world) throws Exception {
    return read(world, "kv/notify-function-key");
  }

  private static long count(Run run, String prefix) {
    return run.calls().stream().filter(c -> c.startsWith(prefix)).count();
  }

  /** The secret is in no recorded argument list, no output, and no file left in the script's TMPDIR. */
  private static void assertNeverShown(FakeAzureWorld world, Run run, String secret) throws Exception {
    assertTrue(secret.length() >= 32, "a real secret to look for: '" + secret + "'");
    for (String call : run.calls()) {
      assertFalse(call.contains(secret), "the secret in an argument list: " + call);
    }
    assertFalse(run.out().contains(secret), "the secret in the output:\n" + run);
    assertFalse(run.err().contains(secret), "the secret in the errors:\n" + run);
    try (Stream<Path> left = Files.list(world.tmp())) {
      List<Path> files = left.filter(p -> p.getFileName().toString().startsWith("heartwatch-")).toList();
      assertEquals(List.of(), files, "temporary files left behind");
    }
  }

  private static void assertWired(FakeAzureWorld world) throws Exception {
    String key = key(world);
    assertTrue(key.matches("[A-Za-z0-9_-]{43}"), "32 random bytes, URL-safe base64: " + key.length() + " characters");
    assertEquals(key, read(world, "function-key-notify"), "the function key is the vault's");
    assertEquals(NOTIFY_URL + "?code=" + key, read(world, "notify-url"), "the receiver calls Notify with the vault's key");
  }

  @Test
  void theFirstRunMakesTheKeyOnceAndSetsTheFunctionKeyAndTheReceiverAfterTheCodeUpload() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy(ARGS);

    assertEquals(0, run.exitCode(), run.toString());
    assertWired(world);
    assertEquals(1, count(run, "az keyvault secret set --vault-name hw-kv-abc123 --name notify-function-key --value @-"), run.toString());
    int upload = run.indexOf("az functionapp deployment source config-zip");
    int stored = run.indexOf("az keyvault secret set");
    int functionKey = run.indexOf("az functionapp function keys set");
    int receiver = run.indexOf("az monitor action-group update");
    assertTrue(run.indexOf("az deployment group create") < upload && upload < stored && stored < functionKey && functionKey < receiver,
        "infra, code, key, function key, receiver:\n" + run);
    assertTrue(run.calls().get(functionKey).contains("--function-name Notify --key-name notify --key-value @-"), run.calls().get(functionKey));
    assertTrue(run.calls().get(receiver).contains("--add-action webhook notify @- usecommonalertschema"), run.calls().get(receiver));
    assertFalse(run.called("az monitor action-group update --resource-group rg-test --name hw-ag-abc123 --remove-action"),
        "no receiver to remove on a first run:\n" + run);
    assertTrue(run.out().contains("[6/9] Notify: its key, the function key and the action group's receiver"), run.toString());
    // The deployer may read and write the vault: the template grants it to the signed-in principal, on Flex too.
    assertTrue(run.calls().get(run.indexOf("az deployment group create")).contains("deployerPrincipalId=11111111-2222-4333-8444-555555555555"),
        run.toString());
    assertNeverShown(world, run, key(world));
  }

  @Test
  void aRerunWithNothingChangedSetsNothingAndTheTemplateKeepsTheReceiver() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    String key = key(world);
    Files.deleteIfExists(world.state.resolve("parameter-file-modes"));

    Run second = world.deploy(ARGS);

    assertEquals(0, second.exitCode(), second.toString());
    for (String setter : List.of("az keyvault secret set", "az functionapp function keys set", "az monitor action-group update",
        "az functionapp deployment source config-zip")) {
      assertFalse(second.called(setter), setter + " on a rerun:\n" + second);
    }
    assertEquals(1, count(second, "az deployment group create"), second.toString());
    String create = second.calls().get(second.indexOf("az deployment group create"));
    assertTrue(create.matches("(?s).* @\\S*heartwatch-notify\\.\\w+.*"), "the receiver handed back in a parameters file: " + create);
    assertTrue(read(world, "parameter-file-modes").lines().filter(l -> l.contains("heartwatch-notify")).allMatch(l -> l.startsWith("600 ")),
        read(world, "parameter-file-modes"));
    assertEquals(key, key(world), "the key is never rotated by a deploy");
    assertWired(world);
    assertTrue(second.out().contains("key: in hw-kv-abc123 already"), second.toString());
    assertTrue(second.out().contains("function key notify of Notify: unchanged"), second.toString());
    assertTrue(second.out().contains("receiver notify unchanged"), second.toString());
    assertNeverShown(world, second, key);
  }

  @Test
  void aFailureBetweenTheStepsIsReportedAndTheNextRunCompletesItWithTheSameKey() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.env.put("FAKE_AZ_FAIL", "functionapp function keys set");
    Run failed = world.deploy(ARGS);

    assertNotEquals(0, failed.exitCode(), failed.toString());
    assertTrue(failed.err().contains("failed at \"Notify: its key, the function key and the action group's receiver\""), failed.toString());
    assertFalse(failed.called("az monitor action-group update"), "the receiver waits for the function key:\n" + failed);
    assertFalse(failed.called("curl "), "nothing after the failed step ran:\n" + failed);
    String key = key(world);
    assertEquals("", read(world, "notify-url"));

    world.env.remove("FAKE_AZ_FAIL");
    Run next = world.deploy(ARGS);

    assertEquals(0, next.exitCode(), next.toString());
    assertFalse(next.called("az keyvault secret set"), "the key made by the failed run is kept:\n" + next);
    assertEquals(key, key(world));
    assertEquals(1, count(next, "az functionapp function keys set"), next.toString());
    assertEquals(1, count(next, "az monitor action-group update"), next.toString());
    assertWired(world);
    assertNeverShown(world, failed, key);
    assertNeverShown(world, next, key);
  }

  @Test
  void aFunctionKeyOrReceiverChangedByHandIsPutBackAndTheOldReceiverRemovedFirst() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());
    Files.writeString(world.state.resolve("function-key-notify"), "someone-else-set-this-key-by-hand-0123456789");
    Files.writeString(world.state.resolve("kv/notify-function-key"), "aRotatedKeyOfFortyThreeUrlSafeCharacters__-");

    Run run = world.deploy(ARGS);

    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(1, count(run, "az functionapp function keys set"), run.toString());
    int remove = run.indexOf("az monitor action-group update --resource-group rg-test --name hw-ag-abc123 --remove-action notify");
    int add = run.indexOf("az monitor action-group update --resource-group rg-test --name hw-ag-abc123 --add-action webhook notify @-");
    assertTrue(remove >= 0 && remove < add, run.toString());
    assertWired(world);
    assertNeverShown(world, run, key(world));
  }

  @Test
  void notifyOnlyChangesNothingWhenAllIsSetAndCompletesWhatIsMissing() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    assertEquals(0, world.deploy(ARGS).exitCode());

    Run same = world.deploy("-g", "rg-test", "--notify-only");
    assertEquals(0, same.exitCode(), same.toString());
    for (String mutating : DeployScriptTest.MUTATING) {
      assertFalse(same.called(mutating), mutating + ":\n" + same);
    }

    Files.delete(world.state.resolve("notify-url"));
    Run completes = world.deploy("-g", "rg-test", "--notify-only");
    assertEquals(0, completes.exitCode(), completes.toString());
    assertEquals(1, count(completes, "az monitor action-group update"), completes.toString());
    assertWired(world);
    assertNeverShown(world, completes, key(world));
  }

  @Test
  void aMissingNotifyFunctionStopsTheStepSayingSo() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    world.env.put("FAKE_NOTIFY_MISSING", "1");
    Run run = world.deploy(ARGS);

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("cannot read the keys of function Notify"), run.toString());
    assertFalse(run.called("az functionapp function keys set"), run.toString());
    assertFalse(run.called("az monitor action-group update"), run.toString());
  }

  @Test
  void channelSecretsGoToTheVaultOnceAndTheAppIsGivenTheirReferences() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Path secrets = dir.resolve("channels.env");
    Files.writeString(secrets, "# Notify's channels\nHEARTWATCH_SLACK_WEBHOOK_URL=" + SLACK_URL + "\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    String[] args = DeployScriptTest.concat(ARGS, "--channel-secrets", secrets.toString());

    Run first = world.deploy(args);

    assertEquals(0, first.exitCode(), first.toString());
    assertEquals(SLACK_URL, read(world, "kv/heartwatch-slack-webhook-url"));
    // The vault is new on a first run: the secret goes in after it, then one more deployment references it.
    assertEquals(2, count(first, "az deployment group create"), first.toString());
    List<String> creates = first.calls().stream().filter(c -> c.startsWith("az deployment group create")).toList();
    assertTrue(creates.get(0).contains("channelSecretNames=[]"), creates.get(0));
    assertTrue(creates.get(1).contains("channelSecretNames=[\"HEARTWATCH_SLACK_WEBHOOK_URL\"]"), creates.get(1));
    assertNeverShown(world, first, SLACK_URL);

    Run second = world.deploy(args);

    assertEquals(0, second.exitCode(), second.toString());
    assertEquals(1, count(second, "az deployment group create"), second.toString());
    assertTrue(second.calls().get(second.indexOf("az deployment group create")).contains("channelSecretNames=[\"HEARTWATCH_SLACK_WEBHOOK_URL\"]"),
        second.toString());
    assertFalse(second.called("az keyvault secret set"), second.toString());
    assertTrue(second.out().contains("channel secret heartwatch-slack-webhook-url unchanged"), second.toString());
    assertNeverShown(world, second, SLACK_URL);
  }

  @Test
  void aChannelSecretsFileOthersCanReadIsRefusedBeforeAnyAzureCall() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Path secrets = dir.resolve("channels.env");
    Files.writeString(secrets, "HEARTWATCH_SLACK_WEBHOOK_URL=" + SLACK_URL + "\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r--r--"));

    Run run = world.deploy(DeployScriptTest.concat(ARGS, "--channel-secrets", secrets.toString()));

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("chmod 600 " + secrets), run.toString());
    assertEquals(List.of(), run.az(), run.toString());
  }

  @Test
  void anUnknownChannelSettingIsRefusedWithoutShowingItsValue() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Path secrets = dir.resolve("channels.env");
    Files.writeString(secrets, MISSPELT + "=" + SLACK_URL + "\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));

    Run run = world.deploy(DeployScriptTest.concat(ARGS, "--channel-secrets", secrets.toString()));

    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains(MISSPELT + " is not a channel setting"), run.toString());
    assertFalse(run.err().contains(SLACK_URL), run.toString());
    assertEquals(List.of(), run.az(), run.toString());
  }

  @Test
  void withThePlainEmailOffVerifyAcceptsNotifysReceiverInstead() throws Exception {
    FakeAzureWorld world = new FakeAzureWorld(dir, "FlexConsumption");
    Run run = world.deploy(DeployScriptTest.concat(ARGS, "--parameter", "actionGroupEmail=false"));

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("plain email off (actionGroupEmail=false); Notify's receiver notify is set"), run.toString());
    assertNeverShown(world, run, key(world));
  }
}
