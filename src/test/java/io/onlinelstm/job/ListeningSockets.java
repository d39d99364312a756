package io.onlinelstm.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The TCP addresses a process listens on, read from Linux's /proc. */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    /** Listening addresses of {@code pid} as "ip:port" (IPv6 in /proc's hex form). */
    public static List<String> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // The descriptor closed while we looked.
                }
            }
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", String.valueOf(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            // Read once: the table changes while sockets open and close, so two reads may differ in length.
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals(LISTEN) && inodes.contains(f[9])) {
                    listening.add(decode(f[1]));
                }
            }
        }
        return listening;
    }

    public static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.startsWith("[::1]") || address.startsWith("[::ffff:127.");
    }

    private static String decode(String hex) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        String ip = parts[0];
        if (ip.length() == 8) {
            // IPv4, little-endian.
            return Integer.parseInt(ip.substring(6, 8), 16) + "." + Integer.parseInt(ip.substring(4, 6), 16) + "."
                    + Integer.parseInt(ip.substring(2, 4), 16) + "." + Integer.parseInt(ip.substring(0, 2), 16) + ":" + port;
        }
        if (ip.equals("00000000000000000000000000000001".substring(0, 24) + "01000000")) {
            return "[::1]:" + port;
        }
        if (ip.startsWith("0000000000000000FFFF0000")) {
            String v4 = ip.substring(24);
            return "[::ffff:" + Integer.parseInt(v4.substring(6, 8), 16) + "." + Integer.parseInt(v4.substring(4, 6), 16) + "."
                    + Integer.parseInt(v4.substring(2, 4), 16) + "." + Integer.parseInt(v4.substring(0, 2), 16) + "]:" + port;
        }
        return "[" + ip + "]:" + port;
    }
}
