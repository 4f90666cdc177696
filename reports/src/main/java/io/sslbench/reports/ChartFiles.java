package io.sslbench.reports;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The side-effecting step: draws chart specs to PNG and SVG bytes and files. */
public final class ChartFiles {
    private ChartFiles() {}

    /** Paths of one written chart. */
    public record Written(Path png, Path svg) {}

    /** @return the chart drawn as a PNG image ({@link XCharts#WIDTH} x {@link XCharts#HEIGHT}) */
    public static byte[] png(ChartSpec spec) {
        Chart<?, ?> chart = XCharts.toChart(spec);
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw chart '" + spec.id() + "' as PNG", e);
        }
    }

    /** @return the chart as an SVG document (VectorGraphics2D) */
    public static byte[] svg(ChartSpec spec) {
        Chart<?, ?> chart = XCharts.toChart(spec);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw chart '" + spec.id() + "' as SVG", e);
        }
        return out.toByteArray();
    }

    /** Writes {@code dir/<id>.png} and {@code dir/<id>.svg}, creating {@code dir}. */
    public static Written write(ChartSpec spec, Path dir) {
        Path png = dir.resolve(spec.id() + ".png");
        Path svg = dir.resolve(spec.id() + ".svg");
        try {
            Files.createDirectories(dir);
            Files.write(png, png(spec));
            Files.write(svg, svg(spec));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart '" + spec.id() + "' to " + dir, e);
        }
        return new Written(png, svg);
    }
}
