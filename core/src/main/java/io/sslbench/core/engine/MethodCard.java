package io.sslbench.core.engine;

import io.sslbench.core.results.PaperNumber;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the harness knows about a method besides its training step, declared by the method's own module in its
 * card, the YAML resource {@link MethodProvider#card()} (e.g. {@code sslbench/methods/simclr.yaml}), and discovered
 * through {@link MethodCards}: nothing outside the module names the method.
 *
 * @param id          the method id ({@code method.name})
 * @param displayName the name tables print, e.g. "MoCo v2"
 * @param arxiv       the paper's arXiv identifier, e.g. "2003.04297"; tables list methods in this order (the papers'
 *                    chronology); "" sorts last
 * @param linearEval  the official linear evaluation's settings (keys of {@code io.sslbench.eval.protocol.LinearEvalConfig},
 *                    bound there; empty when the card declares none)
 * @param references  the numbers the paper (or a reference benchmark) reports for this method, with their scale
 * @param deviations  the method's deviations from its paper and official code that hold whatever the config (the one
 *                    list; {@link SslMethod#deviations()} adds the config-dependent ones)
 * @param source      the card's resource path, for messages
 */
public record MethodCard(String id, String displayName, String arxiv, Map<String, Object> linearEval,
                         List<PaperNumber> references, List<String> deviations, String source) {
    public MethodCard {
        Objects.requireNonNull(id, "MethodCard.id");
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException(source + ": method '" + id + "' needs a displayName");
        }
        arxiv = arxiv == null ? "" : arxiv;
        if (!arxiv.isEmpty() && !arxiv.matches("\\d{4}\\.\\d{4,5}")) {
            throw new IllegalArgumentException(source + ": method '" + id + "' arxiv must look like 2003.04297, got "
                    + arxiv);
        }
        linearEval = linearEval == null ? Map.of() : Map.copyOf(linearEval);
        references = List.copyOf(references);
        deviations = List.copyOf(deviations);
        for (PaperNumber p : references) {
            if (!p.methods().contains(id)) {
                throw new IllegalArgumentException(source + ": a reference of '" + id + "' is for " + p.methods());
            }
        }
    }

    /** @return the card a method without a card resource gets: its id as its name, nothing else */
    public static MethodCard bare(String id, String source) {
        return new MethodCard(id, id, "", Map.of(), List.of(), List.of(), source);
    }
}
