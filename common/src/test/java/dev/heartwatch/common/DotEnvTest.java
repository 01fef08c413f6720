package dev.heartwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** python-dotenv's rules, case by case (its parser.py and main.py, 0.21); DotEnvParityTest runs the same texts through it. */
class DotEnvTest {
    private static Map<String, String> values(String name) {
        return DotEnv.parse(DotEnvCases.TEXTS.get(name), DotEnvCases.ENV).values();
    }

    @Test
    void theOriginalAgentsFileReadsAsItDid() {
        Map<String, String> v = values("plain");
        assertEquals("https://hw.azurewebsites.net/api/ping?code=abc==", v.get("HEARTBEAT_URL"));
        assertEquals("home pi", v.get("HEARTBEAT_DEVICE"));
    }

    @Test
    void exportIsAPrefixOnlyWhenWhiteSpaceFollows() {
        assertEquals(Map.of("X1", "1", "X2", "two", "exporter", "3"), values("export"));
    }

    @Test
    void quotedValuesKeepWhatIsInside() {
        Map<String, String> v = values("quotes");
        assertEquals("single # not a comment", v.get("Q1"));
        assertEquals("double # nor this", v.get("Q2"));
        assertEquals("", v.get("Q3"));
        assertEquals("", v.get("Q4"));
    }

    @Test
    void doubleQuotesDecodeTheirEscapesAndLeaveOthersAsWritten() {
        assertEquals("a\nb\tc\\d\"e'f\\x", values("double-escapes").get("D1"));
    }

    @Test
    void singleQuotesDecodeOnlyBackslashAndQuote() {
        assertEquals("a\\nb'c\\d", values("single-escapes").get("S1"));
    }

    @Test
    void aHashStartsACommentOnlyAfterWhiteSpace() {
        assertEquals(Map.of("C1", "value", "C2", "value#kept", "C3", "spaced", "C4", "x"), values("comments"));
    }

    @Test
    void trailingWhiteSpaceAndCommentsAfterQuotesAreDropped() {
        assertEquals(Map.of("T1", "x", "T2", "x", "T3", "y"), values("trailing"));
    }

    @Test
    void quotedValuesMaySpanLines() {
        assertEquals(Map.of("M1", "line1\nline2", "M2", "l1\nl2", "M3", "after"), values("multiline"));
    }

    @Test
    void variablesExpandFromTheEnvironmentFirstThenEarlierLinesThenTheirDefault() {
        Map<String, String> v = values("expansion");
        assertEquals("zero-x", v.get("E1"));
        assertEquals("fallback", v.get("E2"));
        assertEquals("env-value", v.get("E3"));
        assertEquals("zero", v.get("E4"), "python-dotenv 0.21 expands in single quotes too");
        assertEquals("zero", v.get("E5"));
        assertEquals("${E0:x}", v.get("E6"), "not a variable in its pattern");
        assertEquals("env-wins", v.get("E7"), "load_dotenv() without override: the environment wins");
        assertEquals("$E0", v.get("E8"), "only the braced form expands");
        assertEquals("", v.get("E9"));
    }

    @Test
    void keysMayBeQuotedOrSpacedAndALineWithoutEqualsSetsNothing() {
        Map<String, String> v = values("keys");
        assertEquals("v", v.get("quoted key"));
        assertEquals("spaced", v.get("K1"));
        assertFalse(v.containsKey("NOEQ"));
        assertEquals("", v.get("K2"));
        assertEquals("", v.get("K3"));
    }

    @Test
    void aStatementThatDoesNotParseIsSkippedToItsLineEndAndNamed() {
        DotEnv e = DotEnv.parse(DotEnvCases.TEXTS.get("errors"), Map.of());
        // B1's quote runs over B2's line to B3's first quote; what follows it does not parse.
        assertEquals(Map.of("B4", "4", "B5", "5"), e.values());
        assertEquals(List.of(1, 5), e.unparsedLines());
    }

    @Test
    void windowsLineEndsReadTheSame() {
        assertEquals(Map.of("R1", "1", "R2", "2", "R3", "3"), values("crlf"));
    }

    @Test
    void aBackslashBeforeTheClosingQuoteIsReadAsPythonDotenvsPatternReadsIt() {
        // "a\\" then a bare quote further on: the pattern takes \" as a pair and runs to the next bare quote.
        DotEnv e = DotEnv.parse(DotEnvCases.TEXTS.get("backslash-quote"), Map.of());
        assertNull(e.get("W1"));
        assertEquals(List.of(1), e.unparsedLines());
    }

    @Test
    void aBackslashIsKeptInAnUnquotedPasswordNotEatenAsJavaPropertiesDo() {
        Map<String, String> v = values("password");
        assertEquals("p\\ss", v.get("P1"));
        assertEquals("p\\ss", v.get("P2"));
        assertEquals("p\\ss", v.get("P3"));
    }

    @Test
    void aMissingFileIsEmptyAndAnUnreadableOneIsAnError(@TempDir Path dir) throws IOException {
        assertEquals(DotEnv.EMPTY, DotEnv.read(dir.resolve("none"), Map.of()));
        Path bad = dir.resolve(".env");
        Files.write(bad, new byte[] {'A', '=', (byte) 0xff, '\n'});
        assertThrows(IOException.class, () -> DotEnv.read(bad, Map.of()), "not UTF-8");
        Files.writeString(bad, "\uFEFFA=1\n", StandardCharsets.UTF_8);
        assertEquals(Map.of("A", "1"), DotEnv.read(bad, Map.of()).values(), "a byte-order mark is not part of the key");
    }
}
