package dev.heartwatch.cli.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found from the module folder surefire runs in. */
public final class RepoRoot {
  private RepoRoot() {}

  public static Path find() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("cli/pom.xml")) && Files.isRegularFile(d.resolve("pom.xml"))) {
        return d;
      }
    }
    throw new IllegalStateException("cannot find the repository root above " + dir);
  }
}
