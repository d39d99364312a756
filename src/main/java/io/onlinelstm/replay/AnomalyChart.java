package io.onlinelstm.replay;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The anomaly chart of one series over the whole file: its values on top, its anomaly score
 * beneath on the same time axis, readings scoring at or over the alert threshold in red on both,
 * and the labelled windows shaded when there are any.
 */
final class AnomalyChart {

    /**
     * What the anomaly charts draw besides the values.
     *
     * @param scores anomaly score per series and row
     * @param windows labelled windows as inclusive row ranges, or null when none were given
     */
    record Marks(double[][] scores, double threshold, List<int[]> windows) {}

    static final Color FLAGGED = new Color(0xd62728);
    /** Opaque, behind the lines: a window's shade is the same colour wherever it is drawn. */
    static final Color WINDOW = new Color(0xffe6bf);

    private AnomalyChart() {}

    /** Readings of series {@code s} whose score is at or over the threshold. */
    static int flagged(HistoryFile file, int s, Marks marks) {
        int n = 0;
        for (int r = 0; r < file.rows(); r++) {
            if (!Double.isNaN(file.value(s, r)) && marks.scores()[s][r] >= marks.threshold()) {
                n++;
            }
        }
        return n;
    }

    /** @param replay the replay's name, which names a file of one series better than its column does */
    static JFreeChart draw(String replay, HistoryFile file, int s, Marks marks) {
        String name = file.series().get(s);
        XYSeries values = new XYSeries(name);
        XYSeries flaggedValues = new XYSeries("score >= " + marks.threshold());
        XYSeries scores = new XYSeries("anomaly score");
        XYSeries flaggedScores = new XYSeries("score >= " + marks.threshold());
        for (int r = 0; r < file.rows(); r++) {
            double v = file.value(s, r);
            if (Double.isNaN(v)) {
                continue;
            }
            double t = file.time(r);
            double score = marks.scores()[s][r];
            values.add(t, v);
            scores.add(t, score);
            if (score >= marks.threshold()) {
                flaggedValues.add(t, v);
                flaggedScores.add(t, score);
            }
        }
        XYPlot top = subplot(values, flaggedValues, new NumberAxis(name), Color.BLACK);
        NumberAxis scoreAxis = new NumberAxis("anomaly score");
        scoreAxis.setRange(0, 1.05);
        XYPlot bottom = subplot(scores, flaggedScores, scoreAxis, new Color(0x1f77b4));
        ValueMarker line = new ValueMarker(marks.threshold(), FLAGGED, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        bottom.addRangeMarker(line);
        if (marks.windows() != null) {
            for (int[] w : marks.windows()) {
                for (XYPlot plot : List.of(top, bottom)) {
                    IntervalMarker shade = new IntervalMarker(file.time(w[0]), file.time(w[1]), WINDOW);
                    shade.setAlpha(1f);
                    plot.addDomainMarker(shade, Layer.BACKGROUND);
                }
            }
        }

        DateAxis time = new DateAxis("time (UTC)", TimeZone.getTimeZone("UTC"), Locale.ROOT);
        time.setDateFormatOverride(dateFormat(file));
        time.setLowerMargin(0.01);
        time.setUpperMargin(0.03);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(8);
        plot.add(top, 3);
        plot.add(bottom, 2);
        JFreeChart chart = new JFreeChart(replay + " (series " + name + "): value and anomaly score", JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(subtitle(file, s, marks)));
        return chart;
    }

    private static XYPlot subplot(XYSeries line, XYSeries flagged, NumberAxis axis, Color color) {
        axis.setAutoRangeIncludesZero(false);
        // Plain numbers: the default may switch to 1.2E4 style labels on large values.
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(line);
        data.addSeries(flagged);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesLinesVisible(0, true);
        renderer.setSeriesShapesVisible(0, false);
        renderer.setSeriesPaint(0, color);
        renderer.setSeriesStroke(0, new BasicStroke(1.0f));
        renderer.setSeriesLinesVisible(1, false);
        renderer.setSeriesShapesVisible(1, true);
        renderer.setSeriesShape(1, new Ellipse2D.Double(-3, -3, 6, 6));
        renderer.setSeriesPaint(1, FLAGGED);
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        return plot;
    }

    /** Dates only when the file spans days, else times of day. */
    private static SimpleDateFormat dateFormat(HistoryFile file) {
        long span = file.rows() < 2 ? 0 : file.time(file.rows() - 1) - file.time(0);
        SimpleDateFormat f = new SimpleDateFormat(span > 3L * 86_400_000 ? "yyyy-MM-dd" : "MM-dd HH:mm", Locale.ROOT);
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f;
    }

    private static String subtitle(HistoryFile file, int s, Marks marks) {
        String text = "red: " + String.format(Locale.ROOT, "%,d", flagged(file, s, marks))
                + " readings scoring at or over the alert threshold " + marks.threshold() + " (dashed)";
        if (marks.windows() != null) {
            text += "; shaded: " + marks.windows().size() + " labelled window" + (marks.windows().size() == 1 ? "" : "s");
        }
        return text;
    }
}
