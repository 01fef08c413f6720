package dev.heartwatch.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (the Maven project version). */
public final class CliVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = HeartwatchCli.class.getPackage().getImplementationVersion();
    return new String[] {"heartwatch " + (version == null ? "(development build)" : version)};
  }
}
