package dev.heartwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every text of DotEnvCases read by python-dotenv itself (Debian's python3-dotenv, as the
 * original agent's load_dotenv() reads it: interpolation on, the environment first) and by
 * DotEnv: the same variables and values.
 */
@Tag("full")
class DotEnvParityTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String READER = String.join("\n",
            "import json, sys",
            "from dotenv.main import DotEnv",
            "out = {}",
            "for path in sys.argv[1:]:",
            "    values = DotEnv(path, encoding='utf-8', interpolate=True, override=False).dict()",
            "    out[path] = {k: v for k, v in values.items() if v is not None}",
            "print(json.dumps(out, sort_keys=True))");

    @Test
    void pythonDotenvReadsEveryCaseAsDotEnvDoes(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(Path.of(PYTHON)),
                "needs " + PYTHON + " with python-dotenv: apt-get install -y python3 python3-dotenv");
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", READER));
        Map<String, Path> files = new TreeMap<>();
        for (Map.Entry<String, String> c : DotEnvCases.TEXTS.entrySet()) {
            Path f = dir.resolve(c.getKey() + ".env");
            Files.writeString(f, c.getValue(), StandardCharsets.UTF_8);
            files.put(c.getKey(), f);
            cmd.add(f.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(DotEnvCases.ENV);
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python did not finish");
        assertEquals(0, p.exitValue(), "needs python3-dotenv (apt-get install -y python3-dotenv): " + err);
        for (Map.Entry<String, Path> f : files.entrySet()) {
            Map<String, String> java = new TreeMap<>(DotEnv.parse(DotEnvCases.TEXTS.get(f.getKey()), DotEnvCases.ENV).values());
            assertEquals(json(new TreeMap<>(java)), section(out, f.getValue().toString()), "case " + f.getKey());
        }
    }

    /** One file's object out of Python's json.dumps(sort_keys=True), as text. */
    private static String section(String out, String path) {
        String key = quote(path) + ": {";
        int at = out.indexOf(key);
        assertTrue(at >= 0, "no " + path + " in " + out);
        int start = at + key.length() - 1;
        boolean inString = false;
        for (int i = start + 1; i < out.length(); i++) {
            char c = out.charAt(i);
            if (inString && c == '\\') {
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (!inString && c == '}') {
                return out.substring(start, i + 1);
            }
        }
        throw new AssertionError("unterminated object for " + path + " in " + out);
    }

    /** The same map as Python's json.dumps writes it (ASCII, ", " and ": "). */
    private static String json(Map<String, String> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : m.entrySet()) {
            b.append(b.length() == 1 ? "" : ", ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
        }
        return b.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
