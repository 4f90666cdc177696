package io.sslbench.core.engine;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.results.PaperNumber;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The cards ({@link MethodCard}) of every registered method, read once from each provider's card resource.
 *
 * <p>A card file:
 * <pre>{@code
 * methods:
 *   simclr: {displayName: SimCLR, arxiv: "2002.05709", linearEval: {optimizer: sgd, lr: 0.1, ...}}
 * deviations:                      # every id's; an id's own entry may add a deviations list of its own
 *   - "Self-similarity mask. ..."
 * references:
 *   - {methods: [simclr], model: SimCLR, protocol: linear, metric: top1, value: 0.693, dataset: ImageNet-1k,
 *      backbone: ResNet-50 (1x), epochs: 1000, batchSize: 4096, scale: ..., source: ..., checked: ...}
 * }</pre>
 * Every id the provider registers has an entry under {@code methods}; a provider without a card file gets
 * {@link MethodCard#bare} cards.
 */
public final class MethodCards {
    private MethodCards() {}

    private static volatile List<MethodCard> cached;

    /** @return every registered method's card, in the papers' chronology (arXiv id), then by id */
    public static List<MethodCard> all() {
        List<MethodCard> c = cached;
        if (c == null) {
            List<MethodCard> out = new ArrayList<>();
            for (MethodProvider p : ServiceLoader.load(MethodProvider.class)) {
                out.addAll(load(p));
            }
            out.sort(Comparator.comparing((MethodCard m) -> m.arxiv().isEmpty()).thenComparing(MethodCard::arxiv)
                    .thenComparing(MethodCard::id));
            cached = c = List.copyOf(out);
        }
        return c;
    }

    /** @return the card of method {@code id}, if a registered provider offers it */
    public static Optional<MethodCard> of(String id) {
        return all().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** @return the display name of {@code id}, or the id itself for an unregistered method */
    public static String displayName(String id) {
        return of(id).map(MethodCard::displayName).orElse(id);
    }

    /** Registered methods in the cards' order, unregistered ones after them alphabetically. */
    public static final Comparator<String> ORDER = Comparator.comparingInt(MethodCards::rank)
            .thenComparing(Comparator.naturalOrder());

    private static int rank(String id) {
        List<MethodCard> all = all();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(id)) {
                return i;
            }
        }
        return all.size();
    }

    /** @return every card's references, each once, in the cards' order */
    public static List<PaperNumber> references() {
        Set<PaperNumber> out = new LinkedHashSet<>();
        all().forEach(m -> out.addAll(m.references()));
        return List.copyOf(out);
    }

    private static List<MethodCard> load(MethodProvider p) {
        String resource = p.card();
        try (InputStream in = p.getClass().getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return p.ids().stream().map(id -> MethodCard.bare(id, resource)).toList();
            }
            return parse(ConfigTree.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource), p.ids(),
                    resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read method card " + resource, e);
        }
    }

    /**
     * @param tree   the card file's YAML
     * @param ids    the ids its provider registers: each needs an entry, and no other id may have one
     * @param source the resource path, named in every error
     */
    @SuppressWarnings("unchecked")
    static List<MethodCard> parse(Map<String, Object> tree, List<String> ids, String source) {
        Set<String> unknownTop = new LinkedHashSet<>(tree.keySet());
        unknownTop.removeAll(List.of("methods", "references", "deviations"));
        if (!unknownTop.isEmpty()) {
            throw new IllegalArgumentException(source + ": unknown keys " + unknownTop
                    + " (allowed: methods, references, deviations)");
        }
        List<String> shared = strings(tree.get("deviations"), source + ": deviations");
        Map<String, Object> methods = tree.get("methods") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        if (!new LinkedHashSet<>(ids).equals(methods.keySet())) {
            throw new IllegalArgumentException(source + ": 'methods' must have exactly the provider's ids " + ids
                    + ", has " + methods.keySet());
        }
        List<PaperNumber> refs = new ArrayList<>();
        Object r = tree.getOrDefault("references", List.of());
        if (!(r instanceof List<?> list)) {
            throw new IllegalArgumentException(source + ": 'references' must be a list, got " + r);
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(source + ": each reference must be a map, got " + o);
            }
            refs.add(reference((Map<String, Object>) m, ids, source));
        }
        List<MethodCard> out = new ArrayList<>();
        for (String id : ids) {
            if (!(methods.get(id) instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException(source + ": methods." + id + " must be a map");
            }
            Map<String, Object> e = new LinkedHashMap<>((Map<String, Object>) entry);
            Object le = e.getOrDefault("linearEval", Map.of());
            if (!(le instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(source + ": methods." + id + ".linearEval must be a map, got " + le);
            }
            Set<String> unknown = new LinkedHashSet<>(e.keySet());
            unknown.removeAll(List.of("displayName", "arxiv", "linearEval", "deviations"));
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(source + ": methods." + id + " has unknown keys " + unknown
                        + " (allowed: displayName, arxiv, linearEval, deviations)");
            }
            List<String> deviations = new ArrayList<>(shared);
            deviations.addAll(strings(e.get("deviations"), source + ": methods." + id + ".deviations"));
            out.add(new MethodCard(id, str(e, "displayName", source), e.containsKey("arxiv") ? str(e, "arxiv", source) : "",
                    (Map<String, Object>) le, refs.stream().filter(p -> p.methods().contains(id)).toList(), deviations,
                    source));
        }
        return out;
    }

    private static List<String> strings(Object node, String where) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> l) || l.stream().anyMatch(x -> !(x instanceof String t) || t.isBlank())) {
            throw new IllegalArgumentException(where + " must be a list of texts, got " + node);
        }
        return l.stream().map(String.class::cast).toList();
    }

    private static PaperNumber reference(Map<String, Object> m, List<String> ids, String source) {
        if (!(m.get("methods") instanceof List<?> ms) || ms.isEmpty()) {
            throw new IllegalArgumentException(source + ": a reference needs a non-empty 'methods' list: " + m);
        }
        Set<String> methods = new LinkedHashSet<>();
        ms.forEach(x -> methods.add(x.toString()));
        if (!ids.containsAll(methods)) {
            throw new IllegalArgumentException(source + ": reference '" + m.get("model") + "' names methods " + methods
                    + " outside this card's " + ids);
        }
        try {
            return new PaperNumber(methods, str(m, "model", source), str(m, "protocol", source), str(m, "metric", source),
                    num(m, "value", source).doubleValue(), str(m, "dataset", source), str(m, "backbone", source),
                    num(m, "epochs", source).intValue(), num(m, "batchSize", source).intValue(), str(m, "scale", source),
                    str(m, "source", source), str(m, "checked", source));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String str(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (v == null || v.toString().isBlank()) {
            throw new IllegalArgumentException(source + ": '" + key + "' missing in " + m);
        }
        return v.toString();
    }

    private static Number num(Map<String, Object> m, String key, String source) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be a number in " + m);
        }
        return n;
    }
}
