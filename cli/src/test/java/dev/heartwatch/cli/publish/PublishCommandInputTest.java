package dev.heartwatch.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.TokenCredential;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.cli.support.Zips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** Input that is refused before anything is sent: no credential is even asked for. */
class PublishCommandInputTest {
  @TempDir Path dir;
  final AtomicInteger tokenRequests = new AtomicInteger();
  final TokenCredential countingCredential =
      request -> {
        tokenRequests.incrementAndGet();
        return Mono.error(new IllegalStateException("no token in this test"));
      };

  private CliRun publish(String... args) {
    return CliRun.of(new PublishCommand(countingCredential, null, Clock.systemUTC()), args);
  }

  @Test
  void aMissingFileIsRefused() {
    CliRun run = publish(dir.resolve("nope.zip").toString(), "--account", "hwstore", "--container", "releases");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("package not found"), run.toString());
    assertEquals(0, tokenRequests.get());
  }

  @Test
  void aFileThatIsNotAZipIsRefused() throws Exception {
    Path text = Files.writeString(dir.resolve("app.zip"), "just text");
    CliRun run = publish(text.toString(), "--account", "hwstore", "--container", "releases");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not a zip file"), run.toString());
  }

  @Test
  void aTruncatedZipIsRefused() throws Exception {
    Path good = Zips.functionPackage(dir.resolve("good.zip"), "x");
    byte[] bytes = Files.readAllBytes(good);
    Path cut = Files.write(dir.resolve("cut.zip"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    CliRun run = publish(cut.toString(), "--account", "hwstore", "--container", "releases");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not a valid zip file"), run.toString());
  }

  @Test
  void aZipWithoutHostJsonIsNotAFunctionPackage() throws Exception {
    Path zip = Zips.zip(dir.resolve("other.zip"), Map.of("readme.txt", "hi"));
    CliRun run = publish(zip.toString(), "--account", "hwstore", "--container", "releases");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no host.json"), run.toString());
  }

  @Test
  void aPlainHttpEndpointIsRefusedBecauseTokensGoOnlyOverHttps() throws Exception {
    Path zip = Zips.functionPackage(dir.resolve("app.zip"), "x");
    CliRun run = publish(zip.toString(), "--endpoint", "http://127.0.0.1:10000/devstoreaccount1", "--container", "releases");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("https"), run.toString());
  }

  @Test
  void accountAndEndpointTogetherIsAUsageError() throws Exception {
    Path zip = Zips.functionPackage(dir.resolve("app.zip"), "x");
    CliRun run =
        publish(zip.toString(), "--account", "hwstore", "--endpoint", "https://127.0.0.1:1/a", "--container", "releases");
    assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
  }

  @Test
  void sasDaysBeyondAUserDelegationKeysLifetimeIsRefused() throws Exception {
    Path zip = Zips.functionPackage(dir.resolve("app.zip"), "x");
    CliRun run = publish(zip.toString(), "--account", "hwstore", "--container", "releases", "--sas-days", "8");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--sas-days must be 1 to 7"), run.toString());
  }

  @Test
  void theBlobNameIsTheContentHash() throws Exception {
    Path a = Zips.functionPackage(dir.resolve("a.zip"), "same");
    Path b = Zips.functionPackage(dir.resolve("b.zip"), "same");
    Path c = Zips.functionPackage(dir.resolve("c.zip"), "other");
    assertEquals(FunctionPackage.open(a).blobName(), FunctionPackage.open(b).blobName());
    assertTrue(FunctionPackage.open(a).blobName().matches("heartwatch-function-[0-9a-f]{16}\\.zip"));
    assertTrue(!FunctionPackage.open(a).blobName().equals(FunctionPackage.open(c).blobName()));
  }
}
