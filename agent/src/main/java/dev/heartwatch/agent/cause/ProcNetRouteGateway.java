package dev.heartwatch.agent.cause;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the IPv4 default gateway from Linux's routing table ({@code /proc/net/route}):
 * the row whose destination is {@code 00000000} with the gateway flag
 * ({@code RTF_GATEWAY = 0x2}) set. Addresses are hexadecimal in the kernel's
 * (little-endian) byte order.
 */
public final class ProcNetRouteGateway implements GatewaySource {
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private final Path table;

    public ProcNetRouteGateway(Path table) {
        this.table = table;
    }

    @Override
    public InetAddress gateway() {
        String text;
        try {
            text = Files.readString(table, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = fields(lines[i]);
            if (f.length < 4 || !f[1].equals("00000000")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f[3], 16);
                if ((flags & RTF_UP) == 0 || (flags & RTF_GATEWAY) == 0) {
                    continue;
                }
                long le = Long.parseLong(f[2], 16);
                byte[] addr = {(byte) le, (byte) (le >> 8), (byte) (le >> 16), (byte) (le >> 24)};
                return InetAddress.getByAddress(addr);
            } catch (NumberFormatException | UnknownHostException e) {
                // a row we cannot read is not a gateway
            }
        }
        return null;
    }

    private static String[] fields(String line) {
        // Columns are separated by tabs (and sometimes spaces): split without a regex.
        java.util.List<String> out = new java.util.ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }
}
