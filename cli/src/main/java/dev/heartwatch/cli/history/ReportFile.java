package dev.heartwatch.cli.history;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ConsoleText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/** Writes a report next to its destination, then renames it: a reader never sees half a file. */
final class ReportFile {
  private ReportFile() {}

  static void write(Path target, Consumer<PrintWriter> body) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT, "--out: no such folder: " + dir);
    }
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
      try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8); PrintWriter out = new PrintWriter(w)) {
        body.accept(out);
        if (out.checkError()) {
          throw new IOException("write failed");
        }
      }
      try {
        Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException e) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT,
          "cannot write " + abs + ": " + ConsoleText.of(e.getMessage()));
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: the temporary file is hidden and named after the target
        }
      }
    }
  }
}
