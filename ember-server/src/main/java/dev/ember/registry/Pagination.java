package dev.ember.registry;

import dev.ember.lambda.LambdaException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Pages of a listing ordered by a sort key. The marker is the sort key of the last item returned, base64-encoded so
 * that callers treat it as opaque; the next page starts after it. Deleting or adding items between calls never
 * repeats or skips the items that stayed.
 */
final class Pagination {
    /** Sorts below every character of a function name: a name sorts before its longer extensions. */
    private static final char SEPARATOR = '\0';

    private Pagination() {
    }

    /**
     * One page of {@code ordered} (ascending by {@code key}) after {@code marker}.
     *
     * @throws LambdaException InvalidParameterValueException for MaxItems outside 1..10000 or a marker this registry
     *                         did not hand out
     */
    static <T> Page<T> page(Stream<T> ordered, Function<T, String> key, String marker, int maxItems) {
        ConfigurationRules.checkMaxItems(maxItems);
        String after = decode(marker);
        Iterator<T> remaining = ordered.filter(item -> after == null || key.apply(item).compareTo(after) > 0)
                .iterator();
        List<T> items = new ArrayList<>();
        while (items.size() < maxItems && remaining.hasNext()) {
            items.add(remaining.next());
        }
        return new Page<>(items, remaining.hasNext() ? encode(key.apply(items.getLast())) : null);
    }

    /** The sort key of a version within its function: {@code $LATEST} first, then by number. */
    static String versionKey(FunctionVersion version) {
        return "%019d".formatted(version.isLatest() ? 0 : Long.parseLong(version.version()));
    }

    /** The sort key of a version among all functions: by name, then as {@link #versionKey}. */
    static String functionKey(FunctionVersion version) {
        return version.name() + SEPARATOR + versionKey(version);
    }

    /** The function name a {@link #functionKey} marker starts after, or null without a marker. */
    static String functionNameOf(String marker) {
        String key = decode(marker);
        if (key == null) {
            return null;
        }
        int separator = key.indexOf(SEPARATOR);
        return separator < 0 ? key : key.substring(0, separator);
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String marker) {
        if (marker == null || marker.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LambdaException.invalid("Invalid Marker '%s': pass the NextMarker of the previous page", marker);
        }
    }
}
