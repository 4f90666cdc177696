package io.sslbench.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the report:
 * <pre>
 * outDir/report/index.html        self-contained page: inline CSS, charts inlined as PNG data: URIs, no external loads
 * outDir/report/report.md         the same content in Markdown (charts referenced as charts/*.png)
 * outDir/report/&lt;table&gt;.csv / .tex  every table as CSV and as a LaTeX booktabs table
 * outDir/report/charts/&lt;chart&gt;.png / .svg
 * </pre>
 * The page carries a Content-Security-Policy that forbids every network load, and a small script that,
 * on load, records in {@code body} data attributes whether every image decoded ({@code data-images-ok})
 * and how many script/resource errors occurred ({@code data-errors}); the browser test reads them back.
 */
public final class Report {
    private Report() {}

    /** The written files. */
    public record Output(Path dir, Path indexHtml, Path markdown, List<Path> tableFiles, List<Path> chartFiles) {}

    /** Content-Security-Policy of the page: nothing may be fetched; only inline style, inline script, data: images. */
    public static final String CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            + "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    /**
     * Builds the content, draws the charts and writes every file (existing files are overwritten).
     *
     * @param outDir the report goes to {@code outDir/report}
     * @param inputs rows, curves, deviations and d
     */
    public static Output write(Path outDir, ReportInputs inputs) {
        ReportContent content = ReportContent.of(inputs);
        Path dir = outDir.resolve("report");
        Path chartDir = dir.resolve("charts");
        try {
            Files.createDirectories(chartDir);
            List<Path> tableFiles = new ArrayList<>();
            for (ReportTable t : content.tables()) {
                Path csv = dir.resolve(t.id() + ".csv");
                Path tex = dir.resolve(t.id() + ".tex");
                Files.writeString(csv, TableFormats.csv(t), StandardCharsets.UTF_8);
                Files.writeString(tex, TableFormats.latex(t), StandardCharsets.UTF_8);
                tableFiles.add(csv);
                tableFiles.add(tex);
            }
            Map<String, byte[]> pngs = new LinkedHashMap<>();
            List<Path> chartFiles = new ArrayList<>();
            for (ChartSpec c : content.charts()) {
                byte[] png = ChartFiles.png(c);
                pngs.put(c.id(), png);
                Path p = chartDir.resolve(c.id() + ".png");
                Path s = chartDir.resolve(c.id() + ".svg");
                Files.write(p, png);
                Files.write(s, ChartFiles.svg(c));
                chartFiles.add(p);
                chartFiles.add(s);
            }
            Path html = dir.resolve("index.html");
            Files.writeString(html, html(content, pngs), StandardCharsets.UTF_8);
            Path md = dir.resolve("report.md");
            Files.writeString(md, markdown(content), StandardCharsets.UTF_8);
            return new Output(dir, html, md, tableFiles, chartFiles);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report to " + dir, e);
        }
    }

    private static final String CSS = """
            body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:24px auto;max-width:1320px;color:#1b1b1b;line-height:1.4}
            h1{font-size:26px;margin-bottom:4px}h2{font-size:21px;border-bottom:2px solid #333;padding-bottom:3px;margin-top:36px}
            h3{font-size:16px;margin:18px 0 6px}nav a{margin-right:14px}p.summary{color:#444}
            table.results{border-collapse:collapse;margin:14px 0 6px;font-size:13px;border-top:2px solid #000;border-bottom:2px solid #000}
            table.results caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
            p.tcaption{font-size:13px;margin:18px 0 4px;max-width:1100px}
            table.results th{border-bottom:1px solid #000;padding:4px 8px;text-align:left;vertical-align:bottom}
            table.results td{padding:3px 8px;vertical-align:top;overflow-wrap:anywhere}
            table.results td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
            table.results td.rowhead{font-weight:600}
            table.results tbody tr:nth-child(even){background:#f5f5f5}
            #tab-provenance table{font-size:11px}
            ul.notes{font-size:12px;color:#444;margin-top:2px}
            figure{margin:16px 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
            figcaption{font-size:12px;color:#444}
            .deviations li{margin:2px 0}
            """;

    /** The page's own checks, see the class comment. Runs before anything else so it sees every error. */
    private static final String CHECK_SCRIPT = """
            (function () {
              var errors = [];
              window.onerror = function (msg) { errors.push('error: ' + msg); };
              window.addEventListener('error', function (e) {
                if (e.target && e.target !== window) { errors.push('resource: ' + (e.target.tagName || '?')); }
              }, true);
              document.addEventListener('securitypolicyviolation', function (e) {
                errors.push('csp: ' + e.violatedDirective);
              });
              var consoleError = console.error;
              console.error = function () {
                errors.push('console: ' + Array.prototype.join.call(arguments, ' '));
                return consoleError.apply(console, arguments);
              };
              window.addEventListener('load', function () {
                var imgs = document.images, ok = true;
                for (var i = 0; i < imgs.length; i++) {
                  if (!(imgs[i].complete && imgs[i].naturalWidth > 0)) { ok = false; }
                }
                document.body.setAttribute('data-images', String(imgs.length));
                document.body.setAttribute('data-images-ok', String(ok));
                document.body.setAttribute('data-errors', String(errors.length));
                document.getElementById('page-errors').textContent = errors.join('\\n');
                document.body.setAttribute('data-checked', 'true');
              });
            })();
            """;

    /**
     * The self-contained HTML page. Every piece of text is escaped; images are PNG data: URIs.
     *
     * @param pngs chart id to PNG bytes, for every chart of the content
     */
    public static String html(ReportContent c, Map<String, byte[]> pngs) {
        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(Escape.html(CSP)).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Escape.html(c.title())).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n")
                .append("<script>\n").append(CHECK_SCRIPT).append("</script>\n</head>\n<body>\n");
        sb.append("<header>\n<h1>").append(Escape.html(c.title())).append("</h1>\n<p class=\"summary\">")
                .append(Escape.html(c.summary())).append("</p>\n<nav>");
        for (ReportContent.Section s : c.sections()) {
            sb.append("<a href=\"#").append(Escape.html(s.id())).append("\">").append(Escape.html(s.heading())).append("</a>");
        }
        sb.append("</nav>\n</header>\n");
        for (ReportContent.Section s : c.sections()) {
            sb.append("<section id=\"").append(Escape.html(s.id())).append("\">\n<h2>").append(Escape.html(s.heading()))
                    .append("</h2>\n");
            if (!s.intro().isEmpty()) {
                sb.append("<p>").append(Escape.html(s.intro())).append("</p>\n");
            }
            for (ReportContent.Block b : s.blocks()) {
                if (b instanceof ReportContent.TableBlock t) {
                    sb.append(TableFormats.html(t.table()));
                } else if (b instanceof ReportContent.ChartBlock ch) {
                    byte[] png = pngs.get(ch.chart().id());
                    if (png == null) {
                        throw new IllegalArgumentException("no PNG for chart '" + ch.chart().id() + "'");
                    }
                    sb.append("<figure id=\"fig-").append(Escape.html(ch.chart().id())).append("\">\n<img src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(png)).append("\" width=\"").append(XCharts.WIDTH)
                            .append("\" height=\"").append(XCharts.HEIGHT).append("\" alt=\"")
                            .append(Escape.html(ch.chart().title())).append("\">\n<figcaption>")
                            .append(Escape.html(ch.caption())).append(" Files: charts/")
                            .append(Escape.html(ch.chart().id())).append(".png, .svg</figcaption>\n</figure>\n");
                } else if (b instanceof ReportContent.ListBlock l) {
                    sb.append("<h3>").append(Escape.html(l.heading())).append("</h3>\n");
                    if (l.items().isEmpty()) {
                        sb.append("<p>").append(Escape.html(l.emptyText())).append("</p>\n");
                    } else {
                        sb.append("<ul class=\"deviations\">\n");
                        l.items().forEach(i -> sb.append("<li>").append(Escape.html(i)).append("</li>\n"));
                        sb.append("</ul>\n");
                    }
                }
            }
            sb.append("</section>\n");
        }
        sb.append("<pre id=\"page-errors\" hidden></pre>\n</body>\n</html>\n");
        return sb.toString();
    }

    /** The same content as Markdown; charts are referenced as {@code charts/<id>.png}. */
    public static String markdown(ReportContent c) {
        StringBuilder sb = new StringBuilder(1 << 14);
        sb.append("# ").append(Escape.markdownText(c.title())).append("\n\n").append(Escape.markdownText(c.summary()))
                .append("\n\n");
        for (ReportContent.Section s : c.sections()) {
            sb.append("## ").append(Escape.markdownText(s.heading())).append("\n\n");
            if (!s.intro().isEmpty()) {
                sb.append(Escape.markdownText(s.intro())).append("\n\n");
            }
            for (ReportContent.Block b : s.blocks()) {
                if (b instanceof ReportContent.TableBlock t) {
                    sb.append(TableFormats.markdown(t.table())).append("\nFiles: `").append(t.table().id()).append(".csv`, `")
                            .append(t.table().id()).append(".tex`\n\n");
                } else if (b instanceof ReportContent.ChartBlock ch) {
                    sb.append("![").append(Escape.markdownText(ch.chart().title())).append("](charts/").append(ch.chart().id())
                            .append(".png)\n\n*").append(Escape.markdownText(ch.caption())).append("* (`charts/")
                            .append(ch.chart().id()).append(".svg`)\n\n");
                } else if (b instanceof ReportContent.ListBlock l) {
                    sb.append("### ").append(Escape.markdownText(l.heading())).append("\n\n");
                    if (l.items().isEmpty()) {
                        sb.append(Escape.markdownText(l.emptyText())).append("\n\n");
                    } else {
                        l.items().forEach(i -> sb.append("- ").append(Escape.markdownText(i)).append('\n'));
                        sb.append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }
}
