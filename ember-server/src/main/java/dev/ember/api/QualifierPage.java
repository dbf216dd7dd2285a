package dev.ember.api;

import dev.ember.lambda.LambdaException;
import io.helidon.webserver.http.ServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A page of one function's configurations by qualifier, as ListProvisionedConcurrencyConfigs and
 * ListFunctionEventInvokeConfigs page them: {@code ?Marker=} is the qualifier to start at, {@code ?MaxItems=} 1 to 50,
 * and {@code NextMarker} the qualifier of the next page.
 */
final class QualifierPage {
    private static final int MAX_ITEMS = 50;

    private QualifierPage() {
    }

    /**
     * The answer's body: {@code {itemsField: [...], "NextMarker": ...}}.
     *
     * @param all       every configuration, in qualifier order
     * @param qualifier a configuration's qualifier
     * @throws LambdaException InvalidParameterValueException for a marker that is no qualifier, or MaxItems out of
     *                         range
     */
    static <T> Map<String, Object> of(ServerRequest req, String function, List<T> all, Function<T, String> qualifier,
                                      String itemsField, Function<T, Object> describe) {
        int from = req.query().first("Marker").map(marker -> {
            for (int i = 0; i < all.size(); i++) {
                if (qualifier.apply(all.get(i)).equals(marker)) {
                    return i;
                }
            }
            throw LambdaException.invalid("Marker %s is not a qualifier of %s", marker, function);
        }).orElse(0);
        int max = req.query().first("MaxItems").map(QualifierPage::maxItems).orElse(MAX_ITEMS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(itemsField, all.subList(from, Math.min(all.size(), from + max)).stream().map(describe).toList());
        if (from + max < all.size()) {
            body.put("NextMarker", qualifier.apply(all.get(from + max)));
        }
        return body;
    }

    private static int maxItems(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_ITEMS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw LambdaException.invalid("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy "
                + "constraint: Member must have value between 1 and %d", text, MAX_ITEMS);
    }
}
