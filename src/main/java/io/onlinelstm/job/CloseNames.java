package io.onlinelstm.job;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The names closest to a mistyped one, for "did you mean" in error messages. */
public final class CloseNames {

    private CloseNames() {}

    /** Up to three candidates within a few edits of {@code typed}, or sharing its last part, closest first. */
    public static List<String> to(String typed, Collection<String> candidates) {
        String t = typed.toLowerCase(Locale.ROOT);
        int allowed = Math.max(2, t.length() / 4);
        return candidates.stream()
                .distinct()
                .filter(c -> distance(t, c.toLowerCase(Locale.ROOT)) <= allowed || sameLastPart(t, c.toLowerCase(Locale.ROOT)))
                .sorted(Comparator.comparingInt((String c) -> distance(t, c.toLowerCase(Locale.ROOT))).thenComparing(c -> c))
                .limit(3)
                .toList();
    }

    /** "hidden-size" finds "model.hidden-size": users often leave out or misremember the group. */
    private static boolean sameLastPart(String a, String b) {
        String lastA = a.replaceFirst("^-+", "").substring(a.replaceFirst("^-+", "").lastIndexOf('.') + 1);
        String lastB = b.substring(b.lastIndexOf('.') + 1);
        return lastA.length() >= 4 && lastA.equals(lastB);
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
