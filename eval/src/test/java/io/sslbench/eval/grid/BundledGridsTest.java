package io.sslbench.eval.grid;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.reports.AblationSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every bundled grid loads, every one of its cells binds to a valid config and method, and the report has its layout. */
class BundledGridsTest {
    /** @return every grid file bundled by a module of the build (eval's own and each method module's) */
    private static List<String> bundled() throws IOException {
        List<String> out = new java.util.ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of(".."))) {
            for (Path m : modules.toList()) {
                Path dir = m.resolve("src/main/resources").resolve(Grid.RESOURCE_DIR);
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                                .map(f -> f.substring(0, f.length() - ".yaml".length())).forEach(out::add);
                    }
                }
            }
        }
        return out.stream().sorted().toList();
    }

    @Test
    void everyCellOfEveryBundledGridBindsAndHasItsPaperLayout() throws IOException {
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
