package dev.ember.cli;

import java.math.BigDecimal;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One entry of an alias's {@code RoutingConfig.AdditionalVersionWeights}: the share of the alias's traffic that goes
 * to a second version.
 *
 * @param version a published version number, e.g. {@code 2}
 * @param weight  0 to 1, e.g. {@code 0.1} for 10%
 */
record VersionWeight(String version, double weight) {
    private static final String PUBLISHED_VERSION = "[1-9][0-9]*";

    VersionWeight {
        if (!version.matches(PUBLISHED_VERSION)) {
            throw new IllegalArgumentException("version must be a published version number, was " + version);
        }
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be between 0 and 1, was " + weight);
        }
    }

    /** Parses {@code VERSION=WEIGHT} for picocli, e.g. {@code 2=0.1}. */
    static final class Converter implements ITypeConverter<VersionWeight> {
        @Override
        public VersionWeight convert(String value) {
            int equals = value.indexOf('=');
            if (equals < 0) {
                throw invalid(value, "it has no '='");
            }
            String version = value.substring(0, equals).strip();
            String weight = value.substring(equals + 1).strip();
            if (!version.matches(PUBLISHED_VERSION)) {
                throw invalid(value, "'" + version + "' is not a published version number ($LATEST cannot take a"
                        + " weight)");
            }
            BigDecimal parsed;
            try {
                parsed = new BigDecimal(weight);
            } catch (NumberFormatException e) {
                throw invalid(value, "'" + weight + "' is not a number");
            }
            if (parsed.signum() < 0 || parsed.compareTo(BigDecimal.ONE) > 0) {
                throw invalid(value, "the weight " + weight + " is not between 0 and 1");
            }
            return new VersionWeight(version, parsed.doubleValue());
        }

        private static TypeConversionException invalid(String value, String why) {
            return new TypeConversionException("expected VERSION=WEIGHT with WEIGHT between 0 and 1, e.g. 2=0.1, but"
                    + " got '" + value + "': " + why);
        }
    }
}
