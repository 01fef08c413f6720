package dev.heartwatch.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.heartwatch.cli.support.RepoRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every shell script in scripts/ (and the deploy test's fakes) passes shellcheck. */
@Tag("full")
class ShellcheckTest {

  private static List<Path> shellScripts(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      List<Path> scripts = new ArrayList<>();
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String head = new String(Files.readAllBytes(file), 0, (int) Math.min(64, Files.size(file)), StandardCharsets.UTF_8);
        if (file.toString().endsWith(".sh") || head.startsWith("#!/usr/bin/env bash") || head.startsWith("#!/bin/bash") || head.startsWith("#!/bin/sh")) {
          scripts.add(file);
        }
      }
      return scripts;
    }
  }

  @Test
  void everyScriptPassesShellcheck() throws Exception {
    Path root = RepoRoot.find();
    List<Path> scripts = new ArrayList<>(shellScripts(root.resolve("scripts")));
    scripts.addAll(shellScripts(root.resolve("cli/src/test/resources/deploy-fakes")));
    assertFalse(scripts.isEmpty(), "no scripts found");

    List<String> command = new ArrayList<>(List.of("shellcheck", "--format=gcc"));
    scripts.forEach(s -> command.add(s.toString()));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "shellcheck is missing: run scripts/test.sh, which installs it, or apt-get install -y shellcheck", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("shellcheck did not finish");
    }
    assertEquals(0, process.exitValue(), "shellcheck findings:\n" + output);
  }
}
