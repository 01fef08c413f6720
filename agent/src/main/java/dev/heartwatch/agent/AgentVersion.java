package dev.heartwatch.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from the resource Maven filters at build time. */
final class AgentVersion {
    private AgentVersion() {
    }

    static String read() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("/agent-version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("$") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
