package dev.heartwatch.server.export;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.LineCodec;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ships the server's lines to Application Insights {@code traces}, so a self-hosted receiver
 * feeds the same KQL alert as the Azure Function.
 *
 * <p>It has no Azure code: it logs each line at {@code INFO} through the
 * {@code java.util.logging} logger {@value #LOGGER_NAME}, and the Application Insights Java agent
 * ({@code -javaagent:applicationinsights-agent-3.5.3.jar}) auto-collects JUL logs at or above its
 * {@code instrumentation.logging.level} (default INFO) as trace telemetry whose {@code message} is
 * the log text, unformatted when the record has no parameters (docs: "Configuration options:
 * Azure Monitor Application Insights for Java", auto-collected logging). With no agent attached
 * the logger prints nothing, because it does not hand records to the console handler.
 *
 * <p>Only lines go through this logger, so the agent's traces equal the store.
 */
public final class AppInsightsExport implements LineExport {
    public static final String LOGGER_NAME = "heartwatch.lines";
    public static final String CONNECTION_STRING_ENV = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    // Held strongly: JUL keeps loggers weakly, and a collected logger loses its settings.
    private final Logger logger;

    public AppInsightsExport() {
        logger = Logger.getLogger(LOGGER_NAME);
        // Pinned to INFO so a quieter root level set for the console does not stop the export.
        logger.setLevel(Level.INFO);
        logger.setUseParentHandlers(false);
    }

    /** The export the environment asks for: this one when a connection string is set, else none. */
    public static LineExport fromEnvironment(Map<String, String> env) {
        String connection = env.get(CONNECTION_STRING_ENV);
        return connection == null || connection.isBlank() ? LineExport.none() : new AppInsightsExport();
    }

    @Override
    public void export(ContractLine line) {
        if (line == null) {
            return;
        }
        // The canonical text, the same the Ping function logs in Azure. log(Level, String) with
        // no parameters: the message is never run through MessageFormat, so the braces of the
        // JSON arrive as they are.
        logger.log(Level.INFO, LineCodec.encode(line));
    }
}
