package dev.ember.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ListFunctions, ListVersionsByFunction and ListAliases: stable order, opaque markers, MaxItems. */
class ListingTest extends RegistryTestCase {
    @BeforeEach
    void seed() {
        for (String name : List.of("b", "a-b", "a", "c_1", "A")) {
            fixture.create(name);
        }
        for (int v = 1; v <= 11; v++) {
            registry.updateCode("a", TestZips.hello("v" + v), true, null);
        }
        registry.updateCode("b", TestZips.hello("b"), true, null);
    }

    @Test
    void functionsByNameOnePageAtATime() {
        List<String> names = all(marker -> registry.list(marker, 2, false), FunctionVersion::name);

        assertThat(names).containsExactly("A", "a", "a-b", "b", "c_1");
    }

    @Test
    void allVersionsOfEveryFunctionLatestFirstThenByNumber() {
        List<String> all = all(marker -> registry.list(marker, 3, true), v -> v.name() + ":" + v.version());

        assertThat(all).containsExactly("A:$LATEST", "a:$LATEST", "a:1", "a:2", "a:3", "a:4", "a:5", "a:6", "a:7",
                "a:8", "a:9", "a:10", "a:11", "a-b:$LATEST", "b:$LATEST", "b:1", "c_1:$LATEST");
    }

    @Test
    void versionsInNumericOrder() {
        List<String> versions = all(marker -> registry.listVersions("a", marker, 5), FunctionVersion::version);

        assertThat(versions).containsExactly("$LATEST", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
    }

    @Test
    void theLastPageHasNoMarker() {
        Page<FunctionVersion> page = registry.list(null, 5, false);

        assertThat(page.items()).hasSize(5);
        assertThat(page.nextMarker()).isNull();
        assertThat(registry.list(null, 4, false).nextMarker()).isNotNull();
    }

    @Test
    void aMarkerSurvivesDeletionOfTheItemItPointsAt() {
        Page<FunctionVersion> first = registry.list(null, 2, false);
        registry.delete("a", null);

        Page<FunctionVersion> second = registry.list(first.nextMarker(), 2, false);

        assertThat(second.items()).extracting(FunctionVersion::name).containsExactly("a-b", "b");
    }

    @Test
    void aliasesByNameFilteredByTheVersionTheyRouteTo() {
        registry.createAlias("a", "z", "1", null, null);
        registry.createAlias("a", "m", "2", null, java.util.Map.of("1", 0.5));
        registry.createAlias("a", "b", "3", null, null);

        assertThat(all(marker -> registry.listAliases("a", null, marker, 1), Alias::name)).containsExactly("b", "m",
                "z");
        assertThat(all(marker -> registry.listAliases("a", "1", marker, 1), Alias::name)).containsExactly("m", "z");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 10_001})
    void maxItemsIsOneTo10000(int maxItems) {
        assertThatThrownBy(() -> registry.list(null, maxItems, false))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.INVALID_PARAMETER_VALUE);
                    assertThat(e.getMessage()).startsWith("1 validation error detected: Value '" + maxItems
                            + "' at 'maxItems' failed to satisfy constraint: Member must have value");
                });
        assertThat(registry.list(null, 10_000, false).items()).hasSize(5);
    }

    @Test
    void aMarkerThatIsNotOneOfOursIsRefused() {
        assertThatThrownBy(() -> registry.listVersions("a", "%%% not base64", 10))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.INVALID_PARAMETER_VALUE));
    }

    @Test
    void listingAMissingFunctionIsNotFound() {
        assertThatThrownBy(() -> registry.listVersions("missing", null, 10))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND));
        assertThatThrownBy(() -> registry.listAliases("missing", null, null, 10))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND));
    }

    private static <T> List<String> all(Function<String, Page<T>> pages, Function<T, String> label) {
        List<String> labels = new ArrayList<>();
        String marker = null;
        do {
            Page<T> page = pages.apply(marker);
            page.items().forEach(item -> labels.add(label.apply(item)));
            marker = page.nextMarker();
        } while (marker != null);
        return labels;
    }
}
