package dev.heartwatch.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@code .env} file as python-dotenv reads the common cases: {@code KEY=VALUE}
 * lines, an optional {@code export }, {@code #} comments, single or double quotes.
 */
final class DotEnvFile {
    private DotEnvFile() {
    }

    /** The variables in {@code file}; empty when the file does not exist. */
    static Map<String, String> read(Path file) throws ConfigException {
        Map<String, String> vars = new HashMap<>();
        if (file == null) {
            return vars;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return vars;
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file.getFileName() + ": " + e.getClass().getSimpleName());
        }
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = line.substring(0, eq).strip();
            vars.put(name, unquote(line.substring(eq + 1).strip()));
        }
        return vars;
    }

    private static String unquote(String v) {
        if (v.length() >= 2) {
            char q = v.charAt(0);
            if ((q == '"' || q == '\'') && v.charAt(v.length() - 1) == q) {
                return v.substring(1, v.length() - 1);
            }
        }
        int comment = v.indexOf(" #");
        return comment >= 0 ? v.substring(0, comment).strip() : v;
    }
}
