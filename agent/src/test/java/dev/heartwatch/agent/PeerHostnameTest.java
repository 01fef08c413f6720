package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6125 name matching, on subjectAltName entries as the JDK hands them over. */
class PeerHostnameTest {
    /** "dns:a;ip:b" to the JDK's shape: [type, value] with 2 = dNSName, 7 = iPAddress. */
    private static List<List<?>> sans(String spec) {
        List<List<?>> out = new ArrayList<>();
        for (String s : spec.split(";")) {
            String[] kv = s.split(":", 2);
            out.add(List.of(kv[0].equals("dns") ? 2 : 7, kv[1]));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} against {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "hw-func.azurewebsites.net   | dns:*.azurewebsites.net                | true",
        "HW-Func.AzureWebsites.NET   | dns:*.azurewebsites.net                | true",
        "hw-func.azurewebsites.net.  | dns:*.azurewebsites.net                | true",
        "azurewebsites.net           | dns:*.azurewebsites.net                | false",
        "a.b.azurewebsites.net       | dns:*.azurewebsites.net                | false",
        "api.heartwatch.test         | dns:api.heartwatch.test                | true",
        "api.heartwatch.test         | dns:other.heartwatch.test;dns:api.heartwatch.test | true",
        "api.heartwatch.test         | dns:apx.heartwatch.test                | false",
        "api.heartwatch.test         | dns:a*.heartwatch.test                 | false",
        "api.heartwatch.test         | dns:*i.heartwatch.test                 | false",
        "api.heartwatch.test         | dns:api.*.test                         | false",
        "heartwatch.test             | dns:*.test                             | false",
        "api.heartwatch.test         | dns:*                                  | false",
        "api.heartwatch.test         | ip:127.0.0.1                           | false",
        "127.0.0.1                   | ip:127.0.0.1                           | true",
        "127.0.0.1                   | dns:127.0.0.1                          | false",
        "127.0.0.1                   | ip:127.0.0.2                           | false",
        "::1                         | ip:0:0:0:0:0:0:0:1                     | true",
        "[::1]                       | ip:0:0:0:0:0:0:0:1                     | true",
        "::1                         | ip:127.0.0.1                           | false",
        "bücher.heartwatch.test      | dns:xn--bcher-kva.heartwatch.test      | true",
        "api.heartwatch.test         | dns:*.Heartwatch.TEST.                 | true",
        "api.heartwatch.test.        | dns:API.heartwatch.test                | true",
        "api.heartwatch.test         | dns:.heartwatch.test                   | false",
        "api.heartwatch.test         | dns:*.*.test                           | false",
        "api.heartwatch.test         | dns:**.heartwatch.test                 | false",
        "api.heartwatch.test:443     | dns:api.heartwatch.test                | false",
        "evilheartwatch.test         | dns:*heartwatch.test                   | false",
        "::ffff:127.0.0.1            | ip:127.0.0.1                           | true",
        "[::1]:443                   | ip:0:0:0:0:0:0:0:1                     | false",
        "0:0:0:0:0:0:0:1             | dns:0:0:0:0:0:0:0:1                    | false",
        "heartwatch.test             | dns:heartwatch.test;ip:127.0.0.1       | true",
    })
    void matches(String host, String sans, boolean expected) {
        assertEquals(expected, PeerHostname.matches(host, sans(sans)));
    }

    @ParameterizedTest
    @CsvSource({"1.2.3", "1.2.3.4.5", "heartwatch.test", "999.1.1.1", "12345"})
    void onlyRealLiteralsCountAsAddressesAndNothingIsLookedUp(String notAnAddress) {
        assertNull(PeerHostname.ipLiteral(notAnAddress));
    }
}
