package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ember alias}: CreateAlias, or UpdateAlias when the alias exists (CreateAlias answers 409). */
@Command(name = "alias", mixinStandardHelpOptions = true,
        description = {"Points an alias at a version, creating the alias or moving it.",
            "With --weight a share of the traffic goes to a second version (a canary)."})
final class AliasCommand extends FunctionCommand {
    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias, e.g. live.")
    String alias;

    @Parameters(index = "2", paramLabel = "VERSION", description = "The version the alias points at, e.g. 1.")
    String version;

    @Option(names = "--weight", paramLabel = "VERSION=WEIGHT", converter = VersionWeight.Converter.class,
            description = "Send WEIGHT (0 to 1) of the traffic to another published version, e.g. 2=0.1.")
    VersionWeight weight;

    AliasCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        if (weight != null && weight.version().equals(version)) {
            throw new CliException("--weight " + weight.version() + "=" + weight.weight() + " names the alias's own"
                    + " version; give the other version of the split, e.g. --weight <newer version>=0.1");
        }
        Optional<VersionWeight> routing = Optional.ofNullable(weight);
        JsonNode result;
        String what;
        try {
            result = client.createAlias(name, alias, version, routing);
            what = "created";
        } catch (LambdaApiException e) {
            if (!e.is("ResourceConflictException")) {
                throw e;
            }
            result = client.updateAlias(name, alias, version, routing);
            what = "updated";
        }
        out().println(what + " alias " + name + ":" + result.path("Name").asText(alias) + " -> " + routing(result));
        return 0;
    }

    /**
     * Where an AliasConfiguration sends traffic: {@code 1}, or {@code 1 (90%), 2 (10%)} with additional weights.
     */
    static String routing(JsonNode alias) {
        String primary = alias.path("FunctionVersion").asText();
        JsonNode weights = alias.path("RoutingConfig").path("AdditionalVersionWeights");
        if (weights.isEmpty()) {
            return primary;
        }
        List<String> shares = new ArrayList<>();
        BigDecimal rest = BigDecimal.ONE;
        for (Map.Entry<String, JsonNode> entry : weights.properties()) {
            BigDecimal share = new BigDecimal(entry.getValue().asText());
            rest = rest.subtract(share);
            shares.add(entry.getKey() + " (" + Human.percent(share) + ")");
        }
        shares.addFirst(primary + " (" + Human.percent(rest) + ")");
        return String.join(", ", shares);
    }
}
