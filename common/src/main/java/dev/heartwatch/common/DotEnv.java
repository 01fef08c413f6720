package dev.heartwatch.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .env} file in python-dotenv's dialect (its {@code parser.py} and {@code main.py},
 * release 0.21; the dialect the original Python agent's {@code load_dotenv()} reads), so the
 * same file works for the agent, the server and the CLI:
 *
 * <ul>
 *   <li>{@code KEY=value} per line; an optional {@code export } before the key; a key is
 *       anything up to {@code =}, {@code #} or white space, or a {@code 'quoted key'};
 *       white space around {@code =} is allowed; a line {@code KEY} without {@code =} sets
 *       nothing (python-dotenv gives it no value).
 *   <li>unquoted values end at the line's end; a {@code #} after white space starts a comment
 *       ({@code a#b} keeps its {@code #}); trailing white space is trimmed.
 *   <li>{@code 'single'} and {@code "double"} quotes may span lines; in single quotes only
 *       {@code \\} and {@code \'} are escapes, in double quotes also {@code \"}, {@code \n},
 *       {@code \t}, {@code \r}, {@code \a}, {@code \b}, {@code \f} and {@code \v}; anything
 *       but a comment after the closing quote makes the statement unparseable.
 *   <li>{@code ${NAME}} and {@code ${NAME:-default}} expand, in quoted and unquoted values
 *       alike, to the process environment's value, else a variable defined earlier in the
 *       file, else the default, else "" ({@code load_dotenv()} without {@code override}).
 *   <li>a statement that does not parse is skipped up to the end of its line, and its line
 *       number reported in {@link #unparsedLines()}, as python-dotenv warns and goes on.
 * </ul>
 *
 * @param values        the variables, in file order, expanded
 * @param unparsedLines 1-based numbers of the lines where a statement could not be parsed
 */
public record DotEnv(Map<String, String> values, List<Integer> unparsedLines) {
    public static final DotEnv EMPTY = new DotEnv(Map.of(), List.of());

    public DotEnv {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        unparsedLines = List.copyOf(unparsedLines);
    }

    /**
     * The file's variables; {@link #EMPTY} when it does not exist.
     *
     * @param environment the process environment, used for {@code ${...}} expansion only
     * @throws IOException when the file exists but cannot be read (or is not UTF-8)
     */
    public static DotEnv read(Path file, Map<String, String> environment) throws IOException {
        if (file == null) {
            return EMPTY;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        return parse(text, environment);
    }

    /** Parses and expands {@code text}, a {@code .env} file's content. */
    public static DotEnv parse(String text, Map<String, String> environment) {
        Parser p = new Parser(text.startsWith("\uFEFF") ? text.substring(1) : text);
        List<Integer> unparsed = new ArrayList<>();
        Map<String, String> expanded = new LinkedHashMap<>();
        while (p.hasNext()) {
            int line = p.line();
            String[] binding = p.binding();
            if (binding == null) {
                unparsed.add(line);
            } else if (binding.length == 2 && binding[1] != null) {
                // python-dotenv resolves each value as it is read, against the environment
                // first (load_dotenv without override) and the values before it.
                String value = expand(binding[1], environment, expanded);
                expanded.put(binding[0], value);
            }
        }
        return new DotEnv(expanded, unparsed);
    }

    /** The value of {@code name}, or null. */
    public String get(String name) {
        return values.get(name);
    }

    /** POSIX-style {@code ${NAME}} / {@code ${NAME:-default}}, as python-dotenv's {@code parse_variables}. */
    static String expand(String value, Map<String, String> environment, Map<String, String> earlier) {
        int at = value.indexOf("${");
        if (at < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int cursor = 0;
        while (at >= 0) {
            int close = value.indexOf('}', at + 2);
            if (close < 0) {
                break;
            }
            String inside = value.substring(at + 2, close);
            int colon = inside.indexOf(':');
            String name;
            String fallback = "";
            if (colon < 0) {
                name = inside;
            } else if (inside.startsWith(":-", colon)) {
                name = inside.substring(0, colon);
                fallback = inside.substring(colon + 2);
            } else {
                // "${A:x}" is not a variable in python-dotenv's pattern: look past its "${"
                at = value.indexOf("${", at + 1);
                continue;
            }
            String v = environment.get(name);
            if (v == null) {
                v = earlier.get(name);
            }
            out.append(value, cursor, at).append(v != null ? v : fallback);
            cursor = close + 1;
            at = value.indexOf("${", cursor);
        }
        return out.append(value, cursor, value.length()).toString();
    }

    /** python-dotenv's reader: one statement at a time, each from a mark to its end of line. */
    private static final class Parser {
        private final String s;
        private int pos;
        private int line = 1;

        Parser(String s) {
            this.s = s;
        }

        boolean hasNext() {
            skipMultilineWhitespace();
            return pos < s.length();
        }

        /** Line where the next statement starts (after hasNext skipped blank lines). */
        int line() {
            return line;
        }

        /** {key, value-or-null}, {} for a comment line, or null when the statement does not parse. */
        String[] binding() {
            String[] b = tryBinding();
            if (b == null) {
                restOfLine(); // from where the statement stopped parsing, as python-dotenv does
            }
            return b;
        }

        private String[] tryBinding() {
            if (s.startsWith("export", pos) && pos + 6 < s.length() && isBlank(s.charAt(pos + 6))) {
                advance(6);
                skipBlanks();
            }
            String key;
            char c = peek();
            if (c == '#') {
                key = null;
            } else if (c == '\'') {
                int close = s.indexOf('\'', pos + 1);
                if (close <= pos + 1) {
                    return null;
                }
                key = s.substring(pos + 1, close);
                advance(close + 1 - pos);
            } else {
                int end = pos;
                while (end < s.length() && s.charAt(end) != '=' && s.charAt(end) != '#'
                        && !isSpace(s.charAt(end))) {
                    end++;
                }
                if (end == pos) {
                    return null;
                }
                key = s.substring(pos, end);
                advance(end - pos);
            }
            skipBlanks();
            String value = null;
            if (peek() == '=') {
                advance(1);
                skipBlanks();
                value = value();
                if (value == null) {
                    return null;
                }
            }
            // an optional comment, then the end of the line
            int save = pos;
            skipBlanks();
            if (peek() == '#') {
                while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                    pos++;
                }
            } else {
                pos = save;
            }
            skipBlanks();
            if (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                return null;
            }
            newline();
            return key == null ? new String[0] : new String[] {key, value};
        }

        private String value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return quoted(c);
            }
            int end = pos;
            while (end < s.length() && s.charAt(end) != '\n' && s.charAt(end) != '\r') {
                end++;
            }
            String part = s.substring(pos, end);
            pos = end;
            // re.sub(r"\s+#.*", "", part).rstrip()
            for (int i = 1; i < part.length(); i++) {
                if (part.charAt(i) == '#' && isSpace(part.charAt(i - 1))) {
                    int ws = i - 1;
                    while (ws > 0 && isSpace(part.charAt(ws - 1))) {
                        ws--;
                    }
                    part = part.substring(0, ws);
                    break;
                }
            }
            int end2 = part.length();
            while (end2 > 0 && isSpace(part.charAt(end2 - 1))) {
                end2--; // Python's rstrip()
            }
            return part.substring(0, end2);
        }

        /**
         * A quoted value, escapes decoded; null when it never closes. As python-dotenv's
         * {@code "((?:\\"|[^"])*)"} matches: a backslash-quote pair does not close the value, a
         * bare quote does; with no bare quote left in the file, the match backtracks to the quote
         * of the last backslash-quote pair. Escapes are then decoded over what was matched.
         */
        private String quoted(char quote) {
            int i = pos + 1;
            int lastPairQuote = -1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    lastPairQuote = i + 1;
                    i += 2;
                } else if (c == quote) {
                    break;
                } else {
                    i++;
                }
            }
            if (i >= s.length()) {
                if (lastPairQuote < 0) {
                    return null;
                }
                i = lastPairQuote;
            }
            String matched = s.substring(pos + 1, i);
            advance(i + 1 - pos);
            return decode(matched, quote);
        }

        /** python-dotenv's {@code decode_escapes}: each escape of the quote's set, left to right. */
        private static String decode(String matched, char quote) {
            if (matched.indexOf('\\') < 0) {
                return matched;
            }
            StringBuilder out = new StringBuilder(matched.length());
            for (int i = 0; i < matched.length(); i++) {
                char c = matched.charAt(i);
                String decoded = null;
                if (c == '\\' && i + 1 < matched.length()) {
                    char n = matched.charAt(i + 1);
                    decoded = quote == '\'' ? singleQuoteEscape(n) : doubleQuoteEscape(n);
                }
                if (decoded != null) {
                    out.append(decoded);
                    i++;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        private static String singleQuoteEscape(char n) {
            return n == '\\' || n == '\'' ? String.valueOf(n) : null;
        }

        private static String doubleQuoteEscape(char n) {
            return switch (n) {
                case '\\', '\'', '"' -> String.valueOf(n);
                case 'a' -> "\u0007";
                case 'b' -> "\b";
                case 'f' -> "\f";
                case 'n' -> "\n";
                case 'r' -> "\r";
                case 't' -> "\t";
                case 'v' -> "\u000b";
                default -> null;
            };
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void advance(int n) {
            for (int i = 0; i < n; i++) {
                count(s.charAt(pos + i), pos + i);
            }
            pos += n;
        }

        private void count(char c, int at) {
            if (c == '\n' || (c == '\r' && (at + 1 >= s.length() || s.charAt(at + 1) != '\n'))) {
                line++;
            }
        }

        private void skipBlanks() {
            while (pos < s.length() && isBlank(s.charAt(pos))) {
                pos++;
            }
        }

        private void skipMultilineWhitespace() {
            while (pos < s.length() && isSpace(s.charAt(pos))) {
                count(s.charAt(pos), pos);
                pos++;
            }
        }

        private void newline() {
            if (s.startsWith("\r\n", pos)) {
                advance(2);
            } else if (pos < s.length()) {
                advance(1);
            }
        }

        private void restOfLine() {
            while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                pos++;
            }
            newline();
        }

        /** Python's {@code \\s} for a str: Java's white space plus the no-break spaces and NEL. */
        private static boolean isSpace(char c) {
            return Character.isWhitespace(c) || c == '\u00a0' || c == '\u2007' || c == '\u202f' || c == '\u0085'
                    || c == '\u001c' || c == '\u001d' || c == '\u001e' || c == '\u001f';
        }

        /** White space other than a line break: {@code [^\S\r\n]}. */
        private static boolean isBlank(char c) {
            return c != '\n' && c != '\r' && isSpace(c);
        }
    }
}
