package dev.heartwatch.agent.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The time of the last successful beat, kept next to the {@link OutageLedger}
 * so that a beat that changes nothing else costs one small in-place write and
 * an fdatasync instead of a whole atomic rewrite of the ledger.
 *
 * <p>Two fixed-size slots, at offset 0 and 512 (different disk sectors), are
 * written alternately: the slot of sequence number {@code n} is {@code n % 2}.
 * A power cut in the middle of a write can tear only the slot being written;
 * the other still holds the previous beat's time. Each slot is one line:
 * <pre>hw-alive1 &lt;sequence, 19 digits&gt; &lt;epoch-ms, 19 digits&gt; &lt;crc32 of what precedes, 8 hex&gt;\n</pre>
 */
final class AliveStamp implements AutoCloseable {
    static final int SLOT_STRIDE = 512;
    static final int SLOT_BYTES = 59;
    private static final byte[] MAGIC = "hw-alive1 ".getBytes(StandardCharsets.US_ASCII);
    private static final int SEQ_AT = MAGIC.length;
    private static final int MILLIS_AT = SEQ_AT + 20;
    private static final int CRC_AT = MILLIS_AT + 20;
    private static final int DIGITS = 19;

    /** What {@link #read} found: no file, a file with no valid slot, or the newest valid slot. */
    record Reading(boolean exists, long seq, long millis) {
        static final Reading MISSING = new Reading(false, 0, -1);
        static final Reading NONE_VALID = new Reading(true, 0, -1);

        boolean valid() {
            return seq > 0;
        }
    }

    private final Path file;
    private final byte[] slot = new byte[SLOT_BYTES];
    private FileChannel channel;
    private long seq;

    /** {@code lastSeq}: the highest sequence already on disk (0 for none); writing goes on from it. */
    AliveStamp(Path file, long lastSeq) {
        this.file = file;
        this.seq = lastSeq;
    }

    Path file() {
        return file;
    }

    /** The valid slot with the highest sequence; never throws on garbage, only on an unreadable file. */
    static Reading read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(SLOT_STRIDE + SLOT_BYTES);
        } catch (NoSuchFileException e) {
            return Reading.MISSING;
        }
        Reading best = Reading.NONE_VALID;
        for (int i = 0; i < 2; i++) {
            Reading r = parse(bytes, i * SLOT_STRIDE, i);
            if (r != null && r.seq() > best.seq()) {
                best = r;
            }
        }
        return best;
    }

    /** Stamps {@code millis} durably: positional write of the next slot, then fdatasync. */
    void write(long millis) throws IOException {
        if (millis < 0) {
            throw new IOException("a time before 1970 cannot be stamped");
        }
        long next = seq + 1;
        System.arraycopy(MAGIC, 0, slot, 0, MAGIC.length);
        digits(next, SEQ_AT);
        slot[MILLIS_AT - 1] = ' ';
        digits(millis, MILLIS_AT);
        slot[CRC_AT - 1] = ' ';
        CRC32 crc = new CRC32();
        crc.update(slot, 0, CRC_AT);
        long c = crc.getValue();
        for (int i = 7; i >= 0; i--) {
            slot[CRC_AT + i] = (byte) Character.forDigit((int) (c & 15), 16);
            c >>>= 4;
        }
        slot[SLOT_BYTES - 1] = '\n';
        try {
            if (channel == null) {
                // Created like the ledger's temporary file: the process's default permissions.
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            ByteBuffer buf = ByteBuffer.wrap(slot);
            long position = (next & 1) * SLOT_STRIDE;
            while (buf.hasRemaining()) {
                position += channel.write(buf, position);
            }
            // Data only (fdatasync): the size changes at the first write of slot 1 only, and is then
            // synced too; the mtime is not worth a journal commit every beat.
            channel.force(false);
        } catch (IOException e) {
            close(); // reopened at the next write; this sequence number is retried in the same slot
            throw e;
        }
        seq = next;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to lose: every completed write was already forced to disk.
            }
            channel = null;
        }
    }

    private void digits(long value, int at) {
        for (int i = at + DIGITS - 1; i >= at; i--) {
            slot[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The slot at {@code offset}, or null when it is short, torn, or in the wrong place for its sequence. */
    private static Reading parse(byte[] b, int offset, int index) {
        if (b.length < offset + SLOT_BYTES || b[offset + SLOT_BYTES - 1] != '\n'
                || b[offset + MILLIS_AT - 1] != ' ' || b[offset + CRC_AT - 1] != ' ') {
            return null;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[offset + i] != MAGIC[i]) {
                return null;
            }
        }
        long seq = number(b, offset + SEQ_AT);
        long millis = number(b, offset + MILLIS_AT);
        CRC32 crc = new CRC32();
        crc.update(b, offset, CRC_AT);
        String stated = new String(b, offset + CRC_AT, 8, StandardCharsets.US_ASCII);
        String hex = Long.toHexString(crc.getValue());
        String actual = "00000000".substring(hex.length()) + hex; // String.format would load Formatter at start
        if (seq <= 0 || seq == Long.MAX_VALUE || millis < 0 || (seq & 1) != index || !stated.equals(actual)) {
            return null;
        }
        return new Reading(true, seq, millis);
    }

    /** Nineteen decimal digits, or -1. */
    private static long number(byte[] b, int at) {
        long v = 0;
        for (int i = at; i < at + DIGITS; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
            if (v < 0) {
                return -1; // beyond Long.MAX_VALUE
            }
        }
        return v;
    }
}
