package dev.heartwatch.cli.devices;

import dev.heartwatch.core.contract.DeviceId;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The expected-devices file ({@code infra/devices.json}): a JSON array of sanitised device ids,
 * passed to the Bicep deployment as {@code expectedDevices}. Written whole to a temporary file
 * beside it and renamed over it, so a reader never sees half a file.
 */
public final class DevicesFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path path;

  public DevicesFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  public boolean exists() {
    return Files.exists(path);
  }

  /** The ids in file order; a file that is not an array of sanitised, unique ids is refused. */
  public List<String> read() {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(path, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw invalid("not valid JSON (line " + e.getLocation().getLineNr() + ")");
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "cannot read devices file " + path + ": " + e.getMessage());
    }
    if (root == null || !root.isArray()) {
      throw invalid("expected a JSON array of device ids");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode node : root) {
      if (!node.isTextual()) {
        throw invalid("every entry must be a string, found " + node.getNodeType());
      }
      String id = node.asText();
      if (!DeviceId.isValid(id)) {
        throw invalid("'" + id + "' is not a sanitised device id (it would be '" + DeviceId.normalize(id) + "')");
      }
      if (ids.contains(id)) {
        throw invalid("'" + id + "' is listed twice");
      }
      ids.add(id);
    }
    return ids;
  }

  public void write(List<String> ids) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < ids.size(); i++) {
      text.append(i == 0 ? "\n  " : ",\n  ").append(quote(ids.get(i)));
    }
    text.append(ids.isEmpty() ? "]\n" : "\n]\n");
    Path dir = path.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.FAILURE, "cannot write devices file " + path + ": " + e.getMessage());
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The rename happened or the write failed; either way the real file is intact.
        }
      }
    }
  }

  private static String quote(String id) {
    try {
      return JSON.writeValueAsString(id);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string always serialises", e);
    }
  }

  private CliFailure invalid(String why) {
    return new CliFailure(ExitCodes.BAD_INPUT, "devices file " + path + " is invalid: " + why);
  }
}
