package io.sslbench.eval.protocol;

import io.sslbench.core.config.Records;
import io.sslbench.core.engine.MethodCard;
import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.engine.MethodProvider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Settings of the papers' linear evaluation ({@link LinearEval}): a linear classifier on the frozen encoder's
 * features, trained by mini-batch SGD or LARS with cross-entropy, each method with its official values
 * ({@link #forMethod}, from the method's card).
 *
 * @param optimizer   {@code sgd} (PyTorch {@code SGD}: {@code v = mu v + g; w -= lr (nesterov ? g + mu v : v)}) or
 *                    {@code lars} (SimSiam's LARS: weights' update scaled by {@code eta ||w|| / ||g||}, the bias
 *                    neither adapted nor decayed; then SGD momentum)
 * @param lr          learning rate at {@code batchSize} (the papers' {@code base x batch / 256} already applied)
 * @param momentum    momentum in [0, 1)
 * @param nesterov    Nesterov momentum
 * @param weightDecay L2 added to the gradient (PyTorch {@code weight_decay}), &gt;= 0
 * @param epochs      passes over the training images, &gt;= 1
 * @param batchSize   images per step, &gt;= 1
 * @param schedule    {@code cosine} (per epoch: {@code lr (1 + cos(pi e / E)) / 2}) or {@code steps} (lr x 0.1 at
 *                    each epoch of {@code milestones}); per epoch, as the official scripts adjust it
 * @param milestones  epochs at which the {@code steps} schedule divides the lr by 10 (empty for cosine)
 * @param augment     train on freshly augmented images every epoch (random-resized crop + flip, the official
 *                    protocol) instead of on the features of the unaugmented images computed once
 * @param zeroInit    classifier weights start at 0 (SimCLR's {@code zero_init_logits_layer}); otherwise
 *                    N(0, 0.01) (MoCo/SimSiam {@code main_lincls.py}); the bias starts at 0
 * @param larsEta     LARS trust coefficient (used by {@code lars} only)
 * @param seed        seed of the initialisation, batch order and augmentation
 * @param source      where the values come from, quoted in the row's description
 */
public record LinearEvalConfig(String optimizer, double lr, double momentum, boolean nesterov, double weightDecay,
                               int epochs, int batchSize, String schedule, List<Integer> milestones, boolean augment,
                               boolean zeroInit, double larsEta, long seed, String source) {
    public LinearEvalConfig {
        check(optimizer.equals("sgd") || optimizer.equals("lars"), "optimizer", "sgd or lars", optimizer);
        check(lr > 0 && Double.isFinite(lr), "lr", "finite and > 0", lr);
        check(momentum >= 0 && momentum < 1, "momentum", "in [0, 1)", momentum);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", "finite and >= 0", weightDecay);
        check(epochs >= 1, "epochs", ">= 1", epochs);
        check(batchSize >= 1, "batchSize", ">= 1", batchSize);
        check(schedule.equals("cosine") || schedule.equals("steps"), "schedule", "cosine or steps", schedule);
        milestones = List.copyOf(milestones);
        check(schedule.equals("steps") != milestones.isEmpty(), "milestones",
                "non-empty exactly for the steps schedule", milestones);
        check(larsEta > 0 && Double.isFinite(larsEta), "larsEta", "finite and > 0", larsEta);
        check(source != null && !source.isBlank(), "source", "a description", source);
    }

    private static void check(boolean ok, String field, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException("LinearEvalConfig." + field + " must be " + expected + ", got " + got);
        }
    }

    /** The batch every method's linear evaluation uses here; each paper's lr is brought to it by its scaling rule. */
    public static final int BATCH = 256;

    /**
     * The defaults a card's {@code linearEval} section is bound over: PyTorch {@code SGD} momentum 0.9 without
     * Nesterov or weight decay, cosine, N(0, 0.01) init, batch {@value #BATCH}, augmented (random-resized crops of
     * scale 0.08-1 and flips, the encoder in inference mode).
     */
    static final LinearEvalConfig DEFAULTS = new LinearEvalConfig("sgd", 0.1, 0.9, false, 0, 100, BATCH, "cosine",
            List.of(), true, false, 0.001, 0, "(the card's source)");

    /**
     * The official linear evaluation of {@code method}, at batch {@value #BATCH}, as its module declares it in the
     * {@code linearEval} section of its card ({@link MethodCard}; e.g. MoCo's {@code main_lincls.py}: SGD lr 30, x 0.1
     * at epochs 60 and 80 of 100; the values and their sources are in the cards).
     *
     * @throws IllegalArgumentException when the method is not registered or its card declares no linear evaluation
     */
    public static LinearEvalConfig forMethod(String method) {
        MethodCard card = MethodCards.of(method).orElseThrow(() -> new IllegalArgumentException(
                "no official linear evaluation for method '" + method + "': not a registered method "
                        + MethodProvider.available()));
        if (card.linearEval().isEmpty()) {
            throw new IllegalArgumentException("no official linear evaluation for method '" + method + "': its card "
                    + card.source() + " has no linearEval section");
        }
        Map<String, Object> values = new LinkedHashMap<>(card.linearEval());
        values.putIfAbsent("milestones", List.of());
        try {
            return Records.bind(LinearEvalConfig.class, values, DEFAULTS, "linearEval");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(card.source() + ": methods." + method + "." + e.getMessage(), e);
        }
    }

    /**
     * @return a copy with {@code newEpochs} epochs, the step milestones (if any) scaled by the same factor so they
     *         stay at the same fractions of the run
     */
    public LinearEvalConfig withEpochs(int newEpochs) {
        List<Integer> m = milestones.stream().map(e -> Math.max(1, (int) Math.round((double) e * newEpochs / epochs)))
                .distinct().toList();
        return new LinearEvalConfig(optimizer, lr, momentum, nesterov, weightDecay, newEpochs, batchSize, schedule, m,
                augment, zeroInit, larsEta, seed, source);
    }

    /** @return a copy that augments (the official protocol) or trains on the unaugmented features */
    public LinearEvalConfig withAugment(boolean newAugment) {
        return new LinearEvalConfig(optimizer, lr, momentum, nesterov, weightDecay, epochs, batchSize, schedule,
                milestones, newAugment, zeroInit, larsEta, seed, source);
    }

    /** @return the learning rate of (0-based) {@code epoch} */
    public double lrAt(int epoch) {
        if (schedule.equals("cosine")) {
            return lr * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs));
        }
        double f = lr;
        for (int m : milestones) {
            if (epoch >= m) {
                f *= 0.1;
            }
        }
        return f;
    }

    /** @return one line naming the protocol's settings */
    public String describe() {
        return String.format(Locale.ROOT, "%s%s lr %s%s momentum %s wd %s, %d epochs, %s%s, batch %d, %s (%s)",
                optimizer.toUpperCase(Locale.ROOT), nesterov ? " Nesterov" : "", lr,
                optimizer.equals("lars") ? " eta " + larsEta : "", momentum, weightDecay, epochs, schedule,
                milestones.isEmpty() ? "" : " at " + milestones, batchSize,
                augment ? "crop+flip" : "unaugmented features", source);
    }
}
