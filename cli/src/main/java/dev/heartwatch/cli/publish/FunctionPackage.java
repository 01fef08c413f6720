package dev.heartwatch.cli.publish;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A function package on disk, checked before anything is sent: it exists, it is a zip (local
 * file header and a readable central directory), and it holds a {@code host.json} at its root.
 * Its name in storage comes from its content, so the same bytes always get the same blob.
 */
public record FunctionPackage(Path path, String sha256, long size) {
  private static final byte[] LOCAL_FILE_HEADER = {'P', 'K', 3, 4};

  public static FunctionPackage open(Path path) {
    if (!Files.exists(path)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "package not found: " + path);
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "package is not a readable file: " + path);
    }
    try {
      checkZip(path);
      return new FunctionPackage(path, sha256Of(path), Files.size(path));
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "cannot read package " + path + ": " + e.getMessage());
    }
  }

  /** The blob name: a fixed prefix and the first 16 hex digits of the content hash. */
  public String blobName() {
    return "heartwatch-function-" + sha256.substring(0, 16) + ".zip";
  }

  private static void checkZip(Path path) throws IOException {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(path)) {
      if (in.readNBytes(head, 0, 4) != 4 || !java.util.Arrays.equals(head, LOCAL_FILE_HEADER)) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "not a zip file (no local file header): " + path);
      }
    }
    try (ZipFile zip = new ZipFile(path.toFile())) {
      if (zip.getEntry("host.json") == null) {
        throw new CliFailure(
            ExitCodes.BAD_INPUT,
            "not a function package (no host.json at the root of the zip): " + path);
      }
    } catch (ZipException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "not a valid zip file (" + e.getMessage() + "): " + path);
    }
  }

  static String sha256Of(Path path) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
