package dev.heartwatch.agent.ledger;

import dev.heartwatch.common.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The file form both ledgers share: a magic first line, lines of text, and a last line
 * {@code crc32 <hex>} of everything before it; written whole with {@link AtomicFile} (temp file,
 * fsync, rename, fsync of the directory), so a crash leaves the old file or the new, and a torn
 * or edited one does not check out.
 */
final class SealedText {
    private SealedText() {
    }

    /** Writes {@code body} (which starts with its magic line) with its checksum line. */
    static void write(Path file, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(content);
        byte[] trailer = ("crc32 " + Long.toHexString(crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[content.length + trailer.length];
        System.arraycopy(content, 0, all, 0, content.length);
        System.arraycopy(trailer, 0, all, content.length, trailer.length);
        AtomicFile.write(file, all, true);
    }

    /**
     * The lines after the magic one, once the file checks out.
     *
     * @throws IllegalArgumentException when it is not such a file, is truncated, or fails its checksum
     */
    static String[] read(String text, String magic) {
        int crcAt = text.lastIndexOf("crc32 ");
        if (!text.startsWith(magic + "\n") || crcAt < 0 || !text.endsWith("\n")) {
            throw new IllegalArgumentException("not a " + magic.split(" ")[0] + " file, or truncated");
        }
        CRC32 crc = new CRC32();
        crc.update(text.substring(0, crcAt).getBytes(StandardCharsets.UTF_8));
        if (!text.substring(crcAt + 6, text.length() - 1).equals(Long.toHexString(crc.getValue()))) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        String[] lines = text.substring(0, crcAt).split("\n");
        String[] rest = new String[lines.length - 1];
        System.arraycopy(lines, 1, rest, 0, rest.length);
        return rest;
    }
}
