package io.sslbench.core.util;

import java.util.Collection;

/** "Did you mean" suggestions for a misspelled name, by edit distance. */
public final class Suggest {
    private Suggest() {}

    /**
     * @return {@code " (did you mean 'x'?)"} for the candidate closest to {@code given} by Levenshtein distance when it
     *         is within a third of the longer name's length (at least 1 edit; ties: the first in iteration order), or ""
     */
    public static String didYouMean(String given, Collection<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(given, c);
            if (d < bestD) {
                best = c;
                bestD = d;
            }
        }
        if (best == null || bestD == 0 || bestD > Math.max(1, Math.max(given.length(), best.length()) / 3)) {
            return "";
        }
        return " (did you mean '" + best + "'?)";
    }

    /** @return the Levenshtein distance (insertions, deletions, substitutions) between {@code a} and {@code b} */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
