package dev.heartwatch.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** .env texts that exercise python-dotenv's rules one by one; shared by DotEnvTest and the parity test. */
final class DotEnvCases {
    /** The environment the expansion cases see. */
    static final Map<String, String> ENV = Map.of("FROM_ENV", "env-value", "A", "env-wins");

    static final Map<String, String> TEXTS = new LinkedHashMap<>();

    static {
        TEXTS.put("plain", "HEARTBEAT_URL=https://hw.azurewebsites.net/api/ping?code=abc==\nHEARTBEAT_DEVICE=home pi\n");
        TEXTS.put("export", "export X1=1\nexport   X2='two'\nexporter=3\n");
        TEXTS.put("quotes", "Q1='single # not a comment'\nQ2=\"double # nor this\"\nQ3=''\nQ4=\"\"\n");
        TEXTS.put("double-escapes", "D1=\"a\\nb\\tc\\\\d\\\"e\\'f\\x\"\n");
        TEXTS.put("single-escapes", "S1='a\\nb\\'c\\\\d'\n");
        TEXTS.put("comments", "C1=value # comment\nC2=value#kept\nC3=  spaced   \n# a whole line\n   # indented\nC4=x\t# tab\n");
        TEXTS.put("trailing", "T1=x   \nT2='x'   \nT3=\"y\"  # after\n");
        TEXTS.put("multiline", "M1=\"line1\nline2\"\nM2='l1\nl2'\nM3=after\n");
        TEXTS.put("expansion", "E0=zero\nE1=${E0}-x\nE2=${UNSET:-fallback}\nE3=${FROM_ENV}\nE4='${E0}'\nE5=\"${E0}\"\n"
                + "E6=${E0:x}\nE7=${A}\nE8=$E0\nE9=${UNSET}\n");
        TEXTS.put("keys", "'quoted key'=v\nK1 = spaced\nNOEQ\nK2=\nK3  =  \n");
        TEXTS.put("errors", "B1=\"unterminated\nB2=2\nB3=\"x\" junk\nB4=4\n=novalue\nB5=5\n");
        TEXTS.put("crlf", "R1=1\r\nR2='2'\r\nR3=3 # c\r\n");
        TEXTS.put("backslash-quote", "W1=\"a\\\\\"\nW2=\"x\"\n");
        TEXTS.put("unicode", "U1=ünïcödé\nU2=\"€ \\u00e9\"\n");
        TEXTS.put("password", "P1=p\\ss\nP2=\"p\\ss\"\nP3='p\\ss'\n");
    }

    private DotEnvCases() {
    }
}
