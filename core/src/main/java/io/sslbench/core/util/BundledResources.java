package io.sslbench.core.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Names of the resources every module on the class path bundles under one folder (grids, suites, configs). */
public final class BundledResources {
    private BundledResources() {}

    /**
     * @param dir    a resource folder ending in '/', e.g. {@code sslbench/grids/}
     * @param suffix the file suffix to keep and strip, e.g. {@code .yaml}
     * @return the names found in every class-path folder and jar with that folder, sorted
     */
    public static List<String> names(String dir, String suffix) {
        TreeSet<String> out = new TreeSet<>();
        try {
            Enumeration<URL> urls = BundledResources.class.getClassLoader().getResources(dir);
            while (urls.hasMoreElements()) {
                URL u = urls.nextElement();
                if (u.getProtocol().equals("file")) {
                    try (Stream<Path> files = Files.list(Path.of(u.toURI()))) {
                        files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(suffix))
                                .forEach(f -> out.add(f.substring(0, f.length() - suffix.length())));
                    }
                } else if (u.getProtocol().equals("jar")) {
                    JarURLConnection c = (JarURLConnection) u.openConnection();
                    c.setUseCaches(false);
                    try (JarFile jar = c.getJarFile()) {
                        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                            String n = e.nextElement().getName();
                            if (n.startsWith(dir) && n.endsWith(suffix) && n.indexOf('/', dir.length()) < 0) {
                                out.add(n.substring(dir.length(), n.length() - suffix.length()));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list bundled resources in " + dir, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(out);
    }
}
