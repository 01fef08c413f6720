package dev.heartwatch.cli.packaging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zips a folder so that the same files always give the same bytes: entries sorted by path,
 * one fixed timestamp, no directory entries, no extra fields. That makes the package's hash a
 * fingerprint of the build, which is how a redeploy knows there is nothing to upload.
 */
public final class DeterministicZip {
  /** The DOS epoch; local date-time so the time zone of the machine does not leak in. */
  static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0, 0);

  private DeterministicZip() {}

  public static void write(Path folder, Path zipFile) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files =
          walk.filter(Files::isRegularFile)
              .sorted((a, b) -> entryName(folder, a).compareTo(entryName(folder, b)))
              .collect(Collectors.toList());
    }
    Path parent = zipFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + zipFile.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp);
          ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.setLevel(9);
        for (Path file : files) {
          ZipEntry entry = new ZipEntry(entryName(folder, file));
          entry.setTimeLocal(FIXED_TIME);
          zip.putNextEntry(entry);
          Files.copy(file, zip);
          zip.closeEntry();
        }
      }
      Files.move(temp, zipFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String entryName(Path folder, Path file) {
    return folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }
}
