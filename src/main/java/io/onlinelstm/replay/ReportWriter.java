package io.onlinelstm.replay;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The replay report: PNG charts drawn with JFreeChart and an index.md that shows them with the figures. */
final class ReportWriter {

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 500;
    /** Rows in the rolling mean of the error chart (a week of hourly rows). */
    static final int ROLLING_ROWS = 168;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xc8c8c8), new Color(0x2ca02c)};

    private ReportWriter() {}

    static void write(ReplayRunner.Settings settings, HistoryFile file, double[][] forecasts, long[] versionOfRow,
                      Scorer.Result result, Map<String, Object> summary, AnomalyChart.Marks marks) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = settings.reportDir();
        Files.createDirectories(dir);
        List<String> series = settings.reportSeries().isEmpty()
                ? file.series().subList(0, Math.min(2, file.series().size()))
                : settings.reportSeries();
        int lastScored = result.scoredRows().isEmpty() ? file.rows() - 1 : result.scoredRows().get(result.scoredRows().size() - 1);
        int from = settings.reportFrom() >= 0 ? settings.reportFrom() : Math.max(0, lastScored - settings.reportRows() + 1);
        int to = Math.min(file.rows(), from + settings.reportRows());
        List<String> images = new ArrayList<>();
        List<String> anomalyImages = new ArrayList<>();
        for (String name : series) {
            int s = file.series().indexOf(name);
            if (s < 0) {
                throw new IllegalArgumentException("Report series '" + name + "' is not in the file; it has " + file.series());
            }
            String png = "forecast_" + safe(name) + ".png";
            ChartUtils.saveChartAsPNG(dir.resolve(png).toFile(), forecastChart(file, forecasts, s, from, to), WIDTH, HEIGHT);
            images.add("![" + name + ": forecast against actual](" + png + ")");
            String anomalyPng = "anomaly_" + safe(name) + ".png";
            ChartUtils.saveChartAsPNG(dir.resolve(anomalyPng).toFile(), AnomalyChart.draw(settings.name(), file, s, marks), WIDTH, HEIGHT);
            anomalyImages.add("![" + name + ": value and anomaly score](" + anomalyPng + ")");
        }
        ChartUtils.saveChartAsPNG(dir.resolve("rolling_error.png").toFile(), rollingErrorChart(result, summary, file.rows()), WIDTH, HEIGHT);
        ChartUtils.saveChartAsPNG(dir.resolve("model_versions.png").toFile(), versionChart(versionOfRow), WIDTH, HEIGHT);
        Files.writeString(dir.resolve("index.md"), index(settings, summary, images, from, to, anomalyImages, marks), StandardCharsets.UTF_8);
    }

    private static JFreeChart forecastChart(HistoryFile file, double[][] forecasts, int s, int from, int to) {
        XYSeries actual = new XYSeries("actual");
        XYSeries forecast = new XYSeries("forecast (made one row before)");
        int previous = -1;
        for (int r = 0; r < to; r++) {
            double v = file.value(s, r);
            if (Double.isNaN(v)) {
                continue;
            }
            if (r >= from) {
                actual.add(r, v);
                if (previous >= 0 && !Double.isNaN(forecasts[s][previous])) {
                    forecast.add(r, forecasts[s][previous]);
                }
            }
            previous = r;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(actual);
        data.addSeries(forecast);
        JFreeChart chart = ChartFactory.createXYLineChart(file.series().get(s) + ": forecast against actual, rows "
                + from + " to " + (to - 1), "row", file.series().get(s), data);
        style(chart, new Color[] {Color.BLACK, COLORS[0]}, false);
        return chart;
    }

    private static JFreeChart rollingErrorChart(Scorer.Result result, Map<String, Object> summary, int fileRows) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<double[]> rows = result.rowSquaredErrors();
        List<Double> rivals = new ArrayList<>();
        double peak = 0;
        String peakMethod = "";
        for (int m = 0; m < Scorer.METHODS.length; m++) {
            XYSeries line = new XYSeries(label(Scorer.METHODS[m]));
            double sum = 0;
            for (int i = 0; i < rows.size(); i++) {
                sum += rows.get(i)[m];
                if (i >= ROLLING_ROWS) {
                    sum -= rows.get(i - ROLLING_ROWS)[m];
                }
                if (i >= ROLLING_ROWS - 1) {
                    double mse = sum / ROLLING_ROWS;
                    line.add(result.scoredRows().get(i).intValue(), mse);
                    if (!"seasonal".equals(Scorer.METHODS[m])) {
                        rivals.add(mse);
                    }
                    if (mse > peak) {
                        peak = mse;
                        peakMethod = label(Scorer.METHODS[m]);
                    }
                }
            }
            data.addSeries(line);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Rolling MSE over " + ROLLING_ROWS + " rows (" + summary.get("scale")
                + " scale): model against baselines", "row", "MSE", data);
        style(chart, COLORS, false);
        XYPlot plot = chart.getXYPlot();
        // A linear axis sized to the model and its close rivals: the seasonal baseline and the odd
        // outage may leave the top rather than flatten every line that matters.
        double top = axisTop(rivals);
        org.jfree.chart.axis.NumberAxis mse = new org.jfree.chart.axis.NumberAxis("MSE");
        if (top > 0) {
            mse.setRange(0, top);
            if (peak > top) {
                chart.addSubtitle(new org.jfree.chart.title.TextTitle(String.format(java.util.Locale.ROOT,
                        "axis cut at %.3f (1.25 x the 98th percentile of model, persistence and linear AR); highest: %.3f (%s)",
                        top, peak, peakMethod)));
            }
        }
        plot.setRangeAxis(mse);
        org.jfree.chart.axis.NumberAxis row = (org.jfree.chart.axis.NumberAxis) plot.getDomainAxis();
        row.setRange(0, Math.max(1, fileRows - 1));
        if (!result.scoredRows().isEmpty()) {
            int first = result.scoredRows().get(0);
            int last = result.scoredRows().get(result.scoredRows().size() - 1);
            org.jfree.chart.plot.IntervalMarker scored = new org.jfree.chart.plot.IntervalMarker(first, last);
            scored.setPaint(new Color(0xeef3fb));
            scored.setLabel("scored rows " + first + " to " + last);
            scored.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
            scored.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
            plot.addDomainMarker(scored, org.jfree.chart.ui.Layer.BACKGROUND);
        }
        return chart;
    }

    /** 1.25 x the 98th percentile of the values, or 0 when there are none. */
    static double axisTop(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return 1.25 * sorted[(int) Math.floor(0.98 * (sorted.length - 1))];
    }

    private static String label(String method) {
        return switch (method) {
            case "model" -> "LSTM (online)";
            case "seasonal" -> "seasonal naive";
            case "linear_ar" -> "linear AR";
            default -> method;
        };
    }

    private static JFreeChart versionChart(long[] versionOfRow) {
        XYSeries line = new XYSeries("model version");
        long current = -1;
        for (int r = 0; r < versionOfRow.length; r++) {
            current = Math.max(current, versionOfRow[r]);
            line.add(r, current);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Model version serving each row", "row", "version",
                new XYSeriesCollection(line));
        chart.getXYPlot().setRenderer(new XYStepRenderer());
        style(chart, new Color[] {COLORS[0]}, true);
        return chart;
    }

    private static void style(JFreeChart chart, Color[] colors, boolean step) {
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        if (!step) {
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            plot.setRenderer(renderer);
        }
        for (int i = 0; i < colors.length; i++) {
            plot.getRenderer().setSeriesPaint(i, colors[i]);
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(1.4f));
        }
    }

    private static String index(ReplayRunner.Settings settings, Map<String, Object> summary, List<String> images,
                                int from, int to, List<String> anomalyImages, AnomalyChart.Marks marks) {
        StringBuilder md = new StringBuilder();
        md.append("# Replay report: ").append(summary.get("replay")).append("\n\n");
        md.append("File `").append(settings.file().getFileName()).append("`, ").append(summary.get("keys"))
                .append(" series, horizon ").append(summary.get("horizon")).append(", scored rows ")
                .append(summary.get("eval_rows")).append(" (").append(summary.get("rows")).append(" rows, ")
                .append(summary.get("scored")).append(" forecasts), errors on the ").append(summary.get("scale"))
                .append(" scale. Bad cells skipped: ").append(summary.get("bad_cells")).append(".\n\n");
        md.append("| method | MSE | MAE | RMSE |\n| --- | ---: | ---: | ---: |\n");
        for (String m : Scorer.METHODS) {
            String suffix = m.equals("model") ? "" : "_" + m;
            md.append("| ").append(m.equals("model") ? "**LSTM (online)**" : m).append(" | ")
                    .append(fmt(summary.get("mse" + suffix))).append(" | ").append(fmt(summary.get("mae" + suffix)))
                    .append(" | ").append(fmt(summary.get("rmse" + suffix))).append(" |\n");
        }
        md.append(perStepTable(summary));
        md.append("\nPer series (MSE):\n\n| series | LSTM | persistence | seasonal | linear AR |\n| --- | ---: | ---: | ---: | ---: |\n");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> per = (Map<String, Map<String, Object>>) summary.get("per_series");
        per.forEach((series, m) -> md.append("| ").append(series).append(" | ").append(fmt(m.get("mse"))).append(" | ")
                .append(fmt(m.get("mse_persistence"))).append(" | ").append(fmt(m.get("mse_seasonal"))).append(" | ")
                .append(fmt(m.get("mse_linear_ar"))).append(" |\n"));
        md.append("\n## Forecast against actual (rows ").append(from).append(" to ").append(to - 1).append(")\n\n");
        images.forEach(i -> md.append(i).append("\n\n"));
        md.append("## Anomaly scores (whole file)\n\n");
        md.append(anomalyText(summary, marks));
        anomalyImages.forEach(i -> md.append(i).append("\n\n"));
        md.append("## Rolling error of the model and the baselines\n\n![rolling MSE](rolling_error.png)\n\n");
        md.append("## Model versions over time\n\n![model versions](model_versions.png)\n");
        return md.toString();
    }

    /** With horizon H > 1: MSE and MAE of each method at each step (the table above averages them). */
    @SuppressWarnings("unchecked")
    private static String perStepTable(Map<String, Object> summary) {
        Map<String, Map<String, List<Double>>> per = (Map<String, Map<String, List<Double>>>) summary.get("per_step");
        if (per == null) {
            return "";
        }
        StringBuilder md = new StringBuilder("\nEvery forecast whose ").append(summary.get("horizon"))
                .append(" targets lie in the scored rows is scored at every step; the figures above are the means"
                        + " over the steps. Per step (MSE, then MAE):\n\n| step | LSTM | persistence | seasonal | linear AR"
                        + " | LSTM MAE | persistence MAE | seasonal MAE | linear AR MAE |\n"
                        + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        int steps = per.get("mse").get("model").size();
        for (int k = 0; k < steps; k++) {
            md.append("| ").append(k + 1);
            for (String measure : List.of("mse", "mae")) {
                for (String m : Scorer.METHODS) {
                    md.append(" | ").append(fmt(per.get(measure).get(m).get(k)));
                }
            }
            md.append(" |\n");
        }
        return md.toString();
    }

    /** What the anomaly charts show and, with labelled windows, how the scores detect them. */
    private static String anomalyText(Map<String, Object> summary, AnomalyChart.Marks marks) {
        StringBuilder md = new StringBuilder("Each chart shows the series on top and its anomaly score beneath; readings"
                + " scoring at or over the alert threshold (`anomaly.threshold` " + marks.threshold() + ") are red");
        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) summary.get("anomaly");
        if (a == null) {
            return md.append(". Give `--windows FILE` to shade labelled anomaly windows and count detections.\n\n").toString();
        }
        md.append(", labelled windows (`").append(a.get("windows_key")).append("` in `").append(a.get("windows_file"))
                .append("`) shaded.\n\n");
        md.append("At the threshold, outside NAB's probationary period (the first 15 % of rows, at most 750):\n\n");
        md.append("| windows detected | false-positive readings | precision | recall | F1 | NAB standard score (this file) |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Object nab = a.get("nab_standard");
        md.append("| ").append(a.get("windows_detected")).append(" of ").append(a.get("windows")).append(" | ")
                .append(a.get("false_positive_readings")).append(" | ").append(a.get("precision")).append(" | ")
                .append(a.get("recall")).append(" | ").append(a.get("f1")).append(" | ")
                .append(nab == null ? "none (no windows)" : nab + " (sweep threshold " + a.get("nab_standard_threshold") + ")")
                .append(" |\n\n");
        return md.toString();
    }

    private static String fmt(Object v) {
        return v instanceof Number n ? String.format("%.4f", n.doubleValue()) : String.valueOf(v);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
