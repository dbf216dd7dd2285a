package dev.ember.policy.trace;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic traces with the published characteristics of Azure Functions in 2019 (Shahrad et al., ATC 2020), since
 * the real files cannot be downloaded here:
 * <ul>
 *   <li>45 % of apps are invoked at most once an hour on average, 81 % at most once a minute, and the busiest
 *       18.6 % carry almost all invocations: daily invocations per app are log-normal (fitted to those two
 *       quantiles), capped at {@link #MAX_PER_DAY} to keep traces a manageable size;
 *   <li>triggers by share of apps: HTTP 55 %, queue 15 %, timer 16 %, event 2 %, storage and others 12 %; timers fire
 *       periodically, in whole minutes unless their rate needs more than one a minute (the paper's 95 % of timers at
 *       most once a minute cannot hold together with the app frequencies when timers draw their rate from the same
 *       distribution; here about 80 % do);
 *   <li>about 40 % of apps have bursty arrivals (inter-arrival CV above 1): on for about half an hour, off for
 *       hours;
 *   <li>execution time per function log-normal (log mean -0.38, sigma 2.36, seconds);
 *   <li>memory per app Burr XII (c 11.652, k 0.221, lambda 107.083 MB);
 *   <li>load diurnal (peak in the afternoon, half at night) and weekly (weekends at 70 %).
 * </ul>
 * One function per app. Deterministic for a seed.
 */
public final class TraceGenerator {
    /** The cap on an app's average invocations per day (about 35 a minute). */
    public static final double MAX_PER_DAY = 50_000;
    private static final double LOG_RATE_MEAN = 3.691;   // P(daily <= 24) = 0.45
    private static final double LOG_RATE_SIGMA = 4.079;  // P(daily <= 1440) = 0.81
    private static final int MINUTES = AzureTrace.MINUTES_PER_DAY;
    private static final double[] Z = {-3.0, -2.326, -0.674, 0, 0.674, 2.326, 3.0}; // of DURATION_PERCENTILES

    /** Named shapes beside the Azure-like population. */
    public enum Scenario {
        /** The population of apps described above. */
        AZURE,
        /** One function at 2 concurrent by day (08:00–20:00) and 200 by night, 10 s executions. */
        DIURNAL,
        /** One steady function that bursts to 100 times its rate for 10 minutes, unannounced, on the last day. */
        SPIKE
    }

    private TraceGenerator() {
    }

    /** A trace of {@code apps} apps over {@code days} days. */
    public static List<TraceFunction> generate(Scenario scenario, int apps, int days, long seed) {
        return switch (scenario) {
            case AZURE -> azure(apps, days, seed);
            case DIURNAL -> List.of(diurnal(days, seed));
            case SPIKE -> List.of(spike(days, seed));
        };
    }

    private static List<TraceFunction> azure(int apps, int days, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TraceFunction> functions = new ArrayList<>(apps);
        for (int i = 0; i < apps; i++) {
            SplittableRandom app = random.split();
            double perDay = Math.min(MAX_PER_DAY, Math.exp(LOG_RATE_MEAN + LOG_RATE_SIGMA * gaussian(app)));
            double trigger = app.nextDouble();
            String kind = trigger < 0.55 ? "http" : trigger < 0.70 ? "queue" : trigger < 0.86 ? "timer"
                    : trigger < 0.88 ? "event" : "storage";
            int[] perMinute = new int[days * MINUTES];
            if (kind.equals("timer")) {
                timer(perMinute, perDay, app);
            } else {
                boolean bursty = app.nextDouble() < 0.4;
                poisson(perMinute, perDay / MINUTES, bursty, app);
            }
            double averageMs = Math.min(300_000, 1000 * Math.exp(-0.38 + 2.36 * gaussian(app)));
            functions.add(new TraceFunction(hash(app), hash(app), hash(app), kind, perMinute,
                    percentiles(averageMs, 0.5), burrMemoryMb(app)));
        }
        return functions;
    }

    /** Periodic: every {@code 1440 / perDay} minutes (several per minute for the busiest), from a random phase. */
    private static void timer(int[] perMinute, double perDay, SplittableRandom random) {
        double periodMinutes = Math.max(1.0 / 60, MINUTES / Math.max(perDay, 1.0 / 14));
        if (periodMinutes >= 1) {
            periodMinutes = Math.round(periodMinutes); // cron-like: whole minutes
        }
        for (double t = random.nextDouble() * periodMinutes; t < perMinute.length; t += periodMinutes) {
            perMinute[(int) t]++;
        }
    }

    /**
     * Poisson arrivals at {@code ratePerMinute} on average, shaped by the time of day and week; bursty apps are on
     * for about 30 minutes at a time, 20 % of the time, at five times the rate.
     */
    private static void poisson(int[] perMinute, double ratePerMinute, boolean bursty, SplittableRandom random) {
        boolean on = random.nextDouble() < 0.2;
        for (int m = 0; m < perMinute.length; m++) {
            double rate = ratePerMinute * load(m);
            if (bursty) {
                on = on ? random.nextDouble() > 1.0 / 30 : random.nextDouble() < 1.0 / 120;
                rate = on ? rate * 5 : 0;
            }
            perMinute[m] = poissonSample(rate, random);
        }
    }

    /** Platform load by minute of the trace: diurnal (peak 15:00, 50 % at 03:00) and weekends at 70 %. */
    static double load(int minute) {
        double dayFraction = (minute % MINUTES) / (double) MINUTES;
        double diurnal = 1 + 0.5 * Math.cos(2 * Math.PI * (dayFraction - 15.0 / 24));
        int dayOfWeek = (minute / MINUTES) % 7;
        return diurnal * (dayOfWeek >= 5 ? 0.7 : 1.0) / 0.914; // normalised: the week's mean is 1
    }

    private static TraceFunction diurnal(int days, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] perMinute = new int[days * MINUTES];
        double durationS = 10;
        for (int m = 0; m < perMinute.length; m++) {
            int hour = (m % MINUTES) / 60;
            double concurrency = hour >= 8 && hour < 20 ? 2 : 200;
            perMinute[m] = poissonSample(concurrency / durationS * 60, random);
        }
        return new TraceFunction("diurnal", "diurnal", "evening-batch", "http", perMinute,
                percentiles(durationS * 1000, 0.1), 256);
    }

    private static TraceFunction spike(int days, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] perMinute = new int[days * MINUTES];
        int burstStart = (days - 1) * MINUTES + 600 + random.nextInt(600);
        for (int m = 0; m < perMinute.length; m++) {
            double rate = 6 * (m >= burstStart && m < burstStart + 10 ? 100 : 1);
            perMinute[m] = poissonSample(rate, random);
        }
        return new TraceFunction("spike", "spike", "checkout", "http", perMinute, percentiles(2000, 0.3), 512);
    }

    /** Percentiles of a log-normal execution time with the given mean and log-sigma. */
    private static double[] percentiles(double averageMs, double sigma) {
        double[] d = new double[Z.length];
        double median = averageMs * Math.exp(-sigma * sigma / 2);
        for (int i = 0; i < Z.length; i++) {
            d[i] = Math.max(1, median * Math.exp(sigma * Z[i]));
        }
        return d;
    }

    /** Burr XII by inversion: lambda ((1 - u)^(-1/k) - 1)^(1/c). */
    private static double burrMemoryMb(SplittableRandom random) {
        double u = random.nextDouble();
        return Math.min(4096, Math.max(16, 107.083 * Math.pow(Math.pow(1 - u, -1 / 0.221) - 1, 1 / 11.652)));
    }

    static int poissonSample(double mean, SplittableRandom random) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 50) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
        }
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller on the split stream, so the trace depends on the seed only.
        double u = Math.max(Double.MIN_VALUE, random.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static String hash(SplittableRandom random) {
        return HexFormat.of().toHexDigits(random.nextLong());
    }
}
