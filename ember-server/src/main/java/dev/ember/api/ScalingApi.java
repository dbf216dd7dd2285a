package dev.ember.api;

import static dev.ember.api.Exchanges.sendJson;

import dev.ember.invoke.Invoker;
import dev.ember.lambda.FunctionRef;
import dev.ember.pool.StemCells;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /ember/v1/functions/{name}/scaling[?Qualifier=]}, an Ember extension: what the scaling policy does with
 * the function now (its keep-alive, pre-warm plan and forecast, in its own words), and the environments busy and idle.
 */
final class ScalingApi implements HttpService {
    private final Invoker invoker;

    ScalingApi(Invoker invoker) {
        this.invoker = invoker;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/ember/v1/functions/{name}/scaling", this::scaling)
                .get("/ember/v1/memory", this::memory);
    }

    private void memory(ServerRequest req, ServerResponse res) {
        Invoker.Memory memory = invoker.memory();
        sendJson(res, Status.OK_200, Map.of("BudgetMb", memory.budgetMb(), "UsedMb", memory.usedMb(),
                "IdleEnvironments", memory.idleEnvironments(),
                "StemCells", memory.stemCells().stream().map(ScalingApi::cells).toList()));
    }

    private static Map<String, Object> cells(StemCells.Report cells) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Kind", cells.kind());
        body.put("Booted", cells.booted());
        body.put("Booting", cells.booting());
        body.put("Target", cells.target());
        body.put("HeldMb", cells.heldMb());
        body.put("ResidentMb", cells.residentMb());
        body.put("Explanation", cells.explanation());
        body.put("ColdStarts", cells.coldStarts());
        body.put("Served", cells.served());
        body.put("Lost", cells.lost());
        return body;
    }

    private void scaling(ServerRequest req, ServerResponse res) {
        FunctionRef ref = FunctionRef.parse(req.path().pathParameters().get("name"))
                .withQualifier(req.query().first("Qualifier").orElse(null));
        Invoker.ScalingReport report = invoker.scaling(ref.name(), ref.qualifier());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Policy", report.scaling().policy());
        body.put("Version", report.version());
        body.put("Running", report.running());
        body.put("Idle", report.scaling().idle());
        body.put("PlannedPrewarms", report.scaling().plannedPrewarms());
        if (report.scaling().nextPrewarm() != null) {
            body.put("NextPrewarm", report.scaling().nextPrewarm().toString());
        }
        if (report.scaling().nextKnownCall() != null) {
            body.put("NextScheduledCall", report.scaling().nextKnownCall().toString());
        }
        body.put("IdleMbSeconds", report.scaling().idleMbSeconds());
        body.put("Explanation", report.scaling().explanation());
        if (report.cells() != null) {
            body.put("StemCells", cells(report.cells()));
        }
        if (report.aotCache() != null) {
            body.put("AotCache", report.aotCache());
        }
        sendJson(res, Status.OK_200, body);
    }
}
