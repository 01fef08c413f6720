package dev.heartwatch.server.export;

import dev.heartwatch.core.contract.ContractLine;

/**
 * Where the server sends each contract line after it has stored it, besides its own store.
 * An export never throws into the ping path: a lost export must not lose the stored line.
 */
@FunctionalInterface
public interface LineExport {

    /** Sends one stored contract line; its text is {@code LineCodec}'s canonical encoding. */
    void export(ContractLine line);

    /** No export: what the server does without {@code APPLICATIONINSIGHTS_CONNECTION_STRING}. */
    static LineExport none() {
        return line -> { };
    }
}
