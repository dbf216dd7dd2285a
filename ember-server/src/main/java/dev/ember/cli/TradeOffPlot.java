package dev.ember.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cold-start / wasted-memory trade-off of policies on one trace, as a self-contained SVG: one labelled point per
 * policy, x its wasted memory relative to the fixed 10-minute keep-alive, y its cold-start %, as in Figs. 15 and 16
 * of Shahrad et al., "Serverless in the Wild" (ATC 2020). Lower left is better.
 */
final class TradeOffPlot {
    /** One policy's point; {@code dropped} invocations are named in its label when there are any. */
    record Point(String policy, double wastedRelative, double coldStartPercent, long dropped) {
    }

    private static final int WIDTH = 640;
    private static final int HEIGHT = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final int TICKS = 5;
    private static final int LINE = 14;

    private TradeOffPlot() {
    }

    /** The SVG document for {@code points}, titled with {@code title}. */
    static String svg(String title, List<Point> points) {
        double xMax = axisMax(points.stream().mapToDouble(Point::wastedRelative).max().orElse(1));
        double yMax = axisMax(points.stream().mapToDouble(Point::coldStartPercent).max().orElse(1));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        var svg = new StringBuilder();
        svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(format("<text x=\"%d\" y=\"28\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n", WIDTH / 2,
                escape(title)));
        for (int i = 0; i <= TICKS; i++) {
            double x = LEFT + plotWidth * i / (double) TICKS;
            double y = TOP + plotHeight - plotHeight * i / (double) TICKS;
            svg.append(format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", x, TOP, x,
                    TOP + plotHeight));
            svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
                    TOP + plotHeight + 18, Human.decimal(xMax * i / TICKS)));
            svg.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y,
                    LEFT + plotWidth, y));
            svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4,
                    Human.decimal(yMax * i / TICKS)));
        }
        svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n",
                LEFT, TOP, plotWidth, plotHeight));
        svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">wasted memory (normalised to fixed 10 min)"
                + "</text>%n", LEFT + plotWidth / 2, HEIGHT - 18));
        svg.append(format("<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">"
                + "cold starts (%% of invocations)</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
        List<double[]> placed = new ArrayList<>(); // labels drawn so far: from x, to x, baseline y
        for (Point p : points) {
            double x = LEFT + plotWidth * p.wastedRelative() / xMax;
            double y = TOP + plotHeight - plotHeight * p.coldStartPercent() / yMax;
            String label = p.policy() + (p.dropped() > 0 ? " (" + p.dropped() + " dropped)" : "");
            // A label goes to the right of its point unless it would run out of the picture (about 7 px a letter),
            // and below any label it would overlap: policies often lie close together.
            double width = 7 * label.length();
            boolean leftOfPoint = x + 8 + width > WIDTH;
            double from = leftOfPoint ? x - 8 - width : x + 8;
            double labelY = y - 8;
            while (overlaps(placed, from, from + width, labelY)) {
                labelY += LINE;
            }
            placed.add(new double[] {from, from + width, labelY});
            svg.append(format("<g class=\"policy\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#c0392b\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\">%s</text></g>%n", x, y, from, labelY, escape(label)));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A little above {@code max}, rounded up to 1, 2 or 5 times a power of ten, so that five ticks read well. */
    static double axisMax(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double step = max * 1.1 / TICKS;
        double magnitude = Math.pow(10, Math.floor(Math.log10(step)));
        double nice = step <= magnitude ? 1 : step <= 2 * magnitude ? 2 : step <= 5 * magnitude ? 5 : 10;
        return nice * magnitude * TICKS;
    }

    private static boolean overlaps(List<double[]> placed, double from, double to, double y) {
        for (double[] label : placed) {
            if (from < label[1] && label[0] < to && Math.abs(y - label[2]) < LINE) {
                return true;
            }
        }
        return false;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
