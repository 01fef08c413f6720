package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.config.AgentConfig;
import dev.heartwatch.agent.config.CheckDefinition;
import dev.heartwatch.agent.config.ConfigException;
import dev.heartwatch.agent.send.BoundedResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Check lines as docs/checks.md writes them, and every way a line can be wrong. */
class CheckConfigTest {
    static final CheckLine.Defaults DEFAULTS = new CheckLine.Defaults("home", Duration.ofSeconds(60),
            Duration.ofSeconds(10), Clock.systemUTC(), "test", BoundedResolver.CHECKS, List.of("ping"));

    @TempDir
    Path dir;

    private static Check parse(String name, String line) throws ConfigException {
        return CheckLine.parse(new CheckDefinition(name, "HEARTBEAT_CHECK_" + name.toUpperCase(), line), DEFAULTS);
    }

    private static String refused(String line) {
        return assertThrows(ConfigException.class, () -> parse("x", line), line).getMessage();
    }

    @Test
    void aTcpLineWithEveryOption() throws Exception {
        Check c = parse("db", "tcp 127.0.0.1:5432 every PT30S retries 3 timeout PT5S grace PT2M");
        assertEquals("home.db", c.device());
        assertInstanceOf(TcpProbe.class, c.probe());
        assertEquals("127.0.0.1:5432", c.probe().target());
        assertEquals(Duration.ofSeconds(30), c.every());
        assertEquals(3, c.retries());
        assertEquals(Duration.ofSeconds(5), c.timeout());
        assertEquals(Duration.ofSeconds(60), c.period(), "batches go once an agent interval: the period is at least that");
        assertEquals(Duration.ofMinutes(2), c.grace());
    }

    @Test
    void defaultsComeFromTheAgent() throws Exception {
        Check c = parse("gw", "icmp 192.0.2.1");
        assertEquals(Duration.ofSeconds(60), c.every());
        assertEquals(1, c.retries());
        assertEquals(Duration.ofSeconds(10), c.timeout());
        assertEquals(Duration.ofSeconds(60), c.grace(), "grace defaults to the period");
        Check slow = parse("nas", "tcp nas.lan:445 every PT5M");
        assertEquals(Duration.ofMinutes(5), slow.period());
        Check quick = parse("q", "tcp 127.0.0.1:1 every PT4S");
        assertEquals(Duration.ofSeconds(2), quick.timeout(), "a default timeout fits in half the interval");
    }

    @Test
    void everyKindParses() throws Exception {
        assertInstanceOf(HttpProbe.class, parse("web", "http https://intranet.example/health status 200-299 body \"all good\"").probe());
        assertInstanceOf(DnsProbe.class, parse("ns1", "dns 192.0.2.53 example.org A expect 192.0.2.10").probe());
        assertEquals("[::1]:5353 example.org AAAA", parse("ns6", "dns [::1]:5353 example.org aaaa").probe().target());
        assertEquals("192.0.2.53:53 example.org MX", parse("mx", "dns 192.0.2.53 example.org MX").probe().target());
        assertInstanceOf(TlsProbe.class, parse("cert", "tls intranet.example:443 min-days 14").probe());
        assertInstanceOf(IcmpProbe.class, parse("v6", "icmp 2001:db8::1").probe());
    }

    @Test
    void quotedValuesKeepTheirSpaces() {
        assertEquals(List.of("http", "http://a/", "body", "say \"hi\" now"),
                CheckLine.tokens("http   http://a/ body \"say \\\"hi\\\" now\""));
    }

    @Test
    void aMalformedLineIsRefusedSayingWhatIsWrong() {
        assertTrue(refused("").contains("no check kind"));
        assertTrue(refused("smtp 127.0.0.1:25").contains("unknown check kind \"smtp\""));
        assertTrue(refused("tcp 127.0.0.1").contains("HOST:PORT"));
        assertTrue(refused("tcp 127.0.0.1:0").contains("1-65535"));
        assertTrue(refused("tcp ::1:80").contains("brackets"));
        assertTrue(refused("tcp").contains("tcp needs tcp HOST:PORT"));
        assertTrue(refused("icmp -f").contains("host name or an IP address"), "a host is never a ping option");
        assertTrue(refused("icmp 127.0.0.1 every 60").contains("ISO-8601"));
        assertTrue(refused("icmp 127.0.0.1 every PT1M timeout PT2M").contains("shorter than every"));
        assertTrue(refused("icmp 127.0.0.1 retries 0").contains("retries must be a whole number from 1 to 100"));
        assertTrue(refused("icmp 127.0.0.1 retries").contains("retries needs a value"));
        assertTrue(refused("icmp 127.0.0.1 grace -PT1M").contains("grace"));
        assertTrue(refused("icmp 127.0.0.1 every PT1M every PT2M").contains("twice"));
        assertTrue(refused("icmp 127.0.0.1 status 200").contains("unknown option \"status\" for icmp"));
        assertTrue(refused("http ftp://files.example/").contains("http://HOST"));
        assertTrue(refused("http https://a.example/ status 2x").contains("status must be like"));
        assertTrue(refused("http https://a.example/ status 700").contains("outside 100-599"));
        assertTrue(refused("http https://a.example/ body \"open").contains("not closed"));
        assertTrue(refused("http https://a.example/ ca /nonexistent.pem").contains("cannot be read"));
        assertTrue(refused("tls a.example:443").contains("min-days"));
        assertTrue(refused("dns 192.0.2.53 example.org ANY").contains("TYPE must be one of"));
        assertTrue(refused("dns 192.0.2.53 exa$mple.org A").contains("domain name"));
    }

    @Test
    void theErrorNamesTheLineAndNeverItsCredentials() {
        ConfigException e = assertThrows(ConfigException.class, () -> CheckLine.parse(
                new CheckDefinition("web", "checks line 7", "http https://admin:hunter2@a.example/ status nope"), DEFAULTS));
        assertTrue(e.getMessage().startsWith("checks line 7: "), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> CheckLine.parse(
                new CheckDefinition("web", "checks line 8", "http ftp://admin:hunter2@a.example/"), DEFAULTS));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
    }

    @Test
    void aBadNameIsRefused() {
        assertThrows(ConfigException.class, () -> parse("../etc", "icmp 127.0.0.1"));
        assertThrows(ConfigException.class, () -> parse("with space", "icmp 127.0.0.1"));
    }

    @Test
    void namesThatMeetAfterSanitisingAreRefusedNamingBoth() {
        List<CheckDefinition> defs = List.of(new CheckDefinition("Web", "HEARTBEAT_CHECK_WEB", "tcp 127.0.0.1:80"),
                new CheckDefinition("web", "checks line 2", "tcp 127.0.0.1:81"));
        ConfigException e = assertThrows(ConfigException.class, () -> CheckList.parse(defs, DEFAULTS));
        assertTrue(e.getMessage().contains("checks line 2") && e.getMessage().contains("HEARTBEAT_CHECK_WEB"), e.getMessage());
    }

    @Test
    void namesThatMeetAfterThe64CharacterCutAreRefused() throws Exception {
        CheckLine.Defaults longAgent = new CheckLine.Defaults("a".repeat(52), Duration.ofSeconds(60), Duration.ofSeconds(10),
                Clock.systemUTC(), "test", BoundedResolver.CHECKS, List.of("ping"));
        List<CheckDefinition> defs = List.of(new CheckDefinition("client-0001-east", "checks line 1", "icmp 192.0.2.1"),
                new CheckDefinition("client-0001-west", "checks line 2", "icmp 192.0.2.2"));
        ConfigException e = assertThrows(ConfigException.class, () -> CheckList.parse(defs, longAgent));
        assertTrue(e.getMessage().contains("64 characters"), e.getMessage());
        // Distinct within the cut: accepted.
        assertEquals(2, CheckList.parse(List.of(new CheckDefinition("east", "l1", "icmp 192.0.2.1"),
                new CheckDefinition("west", "l2", "icmp 192.0.2.2")), longAgent).size());
    }

    @Test
    void moreThan100ChecksAreRefused() {
        List<CheckDefinition> defs = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            defs.add(new CheckDefinition("c" + i, "l" + i, "icmp 192.0.2.1"));
        }
        assertTrue(assertThrows(ConfigException.class, () -> CheckList.parse(defs, DEFAULTS)).getMessage().contains("at most 100"));
    }

    @Test
    void checksComeFromVariablesAndTheChecksFile() throws Exception {
        Path file = dir.resolve("checks");
        Files.writeString(file, "# NOC clients\n\nclient-1 icmp 192.0.2.1 retries 10\n  client-2 icmp 192.0.2.2\n");
        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, "HEARTBEAT_CHECK_DB=tcp 127.0.0.1:5432\nHEARTBEAT_CHECK_WEB=tcp 127.0.0.1:1\n");
        AgentConfig config = AgentConfig.from(new String[] {"--checks-file", file.toString()},
                Map.of("HEARTBEAT_URL", "https://x.example/api/ping", "HEARTBEAT_DEVICE", "home",
                        "HEARTBEAT_CHECK_WEB", "http https://intranet.example/", "HEARTBEAT_CHECK_NAS_SMB", "tcp nas:445"),
                dotEnv);
        assertEquals(List.of(
                new CheckDefinition("db", "HEARTBEAT_CHECK_DB", "tcp 127.0.0.1:5432"),
                new CheckDefinition("nas-smb", "HEARTBEAT_CHECK_NAS_SMB", "tcp nas:445"),
                new CheckDefinition("web", "HEARTBEAT_CHECK_WEB", "http https://intranet.example/"),
                new CheckDefinition("client-1", "checks line 3", "icmp 192.0.2.1 retries 10"),
                new CheckDefinition("client-2", "checks line 4", "icmp 192.0.2.2")), config.checks());
        assertEquals("home.nas-smb", CheckList.parse(config.checks(), DEFAULTS).get(1).device());
    }

    @Test
    void aChecksFileLineWithoutAKindIsRefused() throws Exception {
        Path file = dir.resolve("checks");
        Files.writeString(file, "lonely\n");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.from(new String[0],
                Map.of("HEARTBEAT_URL", "https://x.example/api/ping", "HEARTBEAT_CHECKS_FILE", file.toString()),
                dir.resolve("none.env")));
        assertTrue(e.getMessage().startsWith("checks line 1: "), e.getMessage());
    }

    @Test
    void urlCredentialsAreSecretsAndNeverInTheLabel() throws Exception {
        Check c = parse("web", "http https://admin:p%40ss@intranet.example/health?token=abc");
        assertEquals("https://intranet.example/health?[redacted]", c.probe().target());
        List<String> secrets = CheckList.secrets(List.of(c));
        assertTrue(secrets.contains("admin:p@ss") && secrets.contains("admin:p%40ss"), secrets.toString());
    }
}
