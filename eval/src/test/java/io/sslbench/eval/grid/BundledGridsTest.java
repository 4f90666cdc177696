package io.sslbench.eval.grid;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.util.BundledResources;
import io.sslbench.reports.AblationSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Every bundled grid loads, every one of its cells binds to a valid config and method, and the report has its layout. */
class BundledGridsTest {
    /** @return every grid file bundled on the class path (eval's own and each method module's) */
    private static List<String> bundled() {
        return BundledResources.names(Grid.RESOURCE_DIR, ".yaml");
    }

    @Test
    void everyCellOfEveryBundledGridBindsAndHasItsPaperLayout() {
        List<String> names = bundled();
        assertTrue(names.containsAll(List.of("simclr-augment", "augment-reduction", "moco-shufflebn", "simclr-global-bn")),
                names.toString());
        for (String name : names) {
            Grid g = Grid.load(name);
            assertEquals(name, g.name(), "a grid file's name is its file name");
            Set<String> methods = new java.util.TreeSet<>();
            for (Grid.Cell c : g.cells()) {
                RunConfig cfg = RunConfig.from(c.tree());
                assertNotNull(MethodProvider.forConfig(cfg), name + " " + c.values());
                methods.add(cfg.methodName());
            }
            if (!name.equals("methods")) {
                AblationSpec spec = AblationSpec.of(name).orElseThrow(() -> new AssertionError(
                        "grid " + name + " has a paper layout in its file"));
                assertTrue(g.axes().keySet().containsAll(spec.axes().subList(0, 1)), name + ": the layout's primary axis");
            }
        }
        assertEquals(25, Grid.load("simclr-augment").cells().size(), "5 x 5 transformations");
    }
}
