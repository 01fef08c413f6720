package dev.heartwatch.cli.deploy;

import dev.heartwatch.cli.support.RepoRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A copy of the repository's deploy script in a temporary checkout, with recording fakes of
 * {@code az}, {@code mvn}, {@code curl} and {@code heartwatch publish} first on PATH. Azure is the
 * one thing these tests cannot reach; everything else (bash, java, the real {@code heartwatch
 * package}) is real.
 */
final class FakeAzureWorld {
  static final String FUNCTION_KEY = "k3y/with+chars==";
  static final String ENCODED_KEY = "k3y%2Fwith%2Bchars%3D%3D";
  static final String APPINSIGHTS_ID =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/microsoft.insights/components/hw-appi-abc123";

  record Run(int exitCode, String out, String err, List<String> calls) {
    List<String> az() {
      return calls.stream().filter(c -> c.startsWith("az ")).toList();
    }

    boolean called(String prefix) {
      return calls.stream().anyMatch(c -> c.startsWith(prefix));
    }

    int indexOf(String prefix) {
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i).startsWith(prefix)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err + "--- calls\n" + String.join("\n", calls);
    }
  }

  final Path repo;
  final Path bin;
  final Path state;
  final Path log;
  final Map<String, String> env = new HashMap<>();

  FakeAzureWorld(Path dir, String plan) throws IOException {
    repo = Files.createDirectories(dir.resolve("repo"));
    bin = Files.createDirectories(dir.resolve("bin"));
    state = Files.createDirectories(dir.resolve("state"));
    log = dir.resolve("calls.log");
    Files.writeString(repo.resolve("pom.xml"), "<project/>");
    Files.createDirectories(repo.resolve("scripts"));
    Files.copy(RepoRoot.find().resolve("scripts/deploy.sh"), repo.resolve("scripts/deploy.sh"));
    Files.createDirectories(repo.resolve("infra"));
    Files.writeString(repo.resolve("infra/main.bicep"), "// the infra engineer's template; az is faked\n");
    Files.writeString(repo.resolve("infra/devices.json"), "[\n  \"home-office-pi\"\n]\n");
    for (String fake : List.of("az", "mvn", "curl", "heartwatch")) {
      Path target = bin.resolve(fake);
      try (InputStream in = FakeAzureWorld.class.getResourceAsStream("/deploy-fakes/" + fake)) {
        Files.copy(in, target);
      }
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("FAKE_LOG", log.toString());
    env.put("FAKE_STATE", state.toString());
    env.put("FAKE_PLAN", plan);
    env.put("FAKE_FUNCTION_KEY", FUNCTION_KEY);
    env.put("FAKE_REPO", repo.toString());
    env.put("FAKE_CLASSPATH", System.getProperty("java.class.path"));
    env.put("HEARTWATCH_CLI", bin.resolve("heartwatch").toString());
    env.put("DEPLOY_SMOKE_ATTEMPTS", "2");
    env.put("DEPLOY_SMOKE_DELAY_SECONDS", "0");
    env.put("FAKE_APPINSIGHTS_ID", APPINSIGHTS_ID);
  }

  void groupExists() throws IOException {
    Files.writeString(state.resolve("group"), "");
  }

  Run deploy(String... args) throws Exception {
    Files.deleteIfExists(log);
    Files.createFile(log);
    List<String> command = new ArrayList<>(List.of("bash", repo.resolve("scripts/deploy.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> out = readAsync(process.getInputStream());
    CompletableFuture<String> err = readAsync(process.getErrorStream());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("deploy.sh did not finish in 120 s");
    }
    return new Run(process.exitValue(), out.get(), err.get(), Files.readAllLines(log));
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e + ")";
          }
        });
  }
}
