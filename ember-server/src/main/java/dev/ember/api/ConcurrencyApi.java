package dev.ember.api;

import static dev.ember.api.Exchanges.body;
import static dev.ember.api.Exchanges.sendJson;

import dev.ember.invoke.ConcurrencyControls;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/**
 * Reserved concurrency as AWS serves it: PutFunctionConcurrency and DeleteFunctionConcurrency (API version
 * 2017-10-31), GetFunctionConcurrency (2019-09-30).
 */
final class ConcurrencyApi implements HttpService {
    private static final int MAX_REQUEST_BYTES = 4096;

    private final ConcurrencyControls concurrency;

    ConcurrencyApi(ConcurrencyControls concurrency) {
        this.concurrency = concurrency;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/2017-10-31/functions/{name}/concurrency", this::put)
                .get("/2019-09-30/functions/{name}/concurrency", this::get)
                .delete("/2017-10-31/functions/{name}/concurrency", this::delete);
    }

    private void put(ServerRequest req, ServerResponse res) {
        RequestBody body = RequestBody.parse(body(req, MAX_REQUEST_BYTES, "the PutFunctionConcurrency operation"));
        Integer reserved = body.integer("ReservedConcurrentExecutions");
        if (reserved == null) {
            throw LambdaException.invalid("1 validation error detected: Value null at 'reservedConcurrentExecutions' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        int set = concurrency.reserve(name(req), reserved);
        sendJson(res, Status.OK_200, Map.of("ReservedConcurrentExecutions", set));
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = name(req);
        var reserved = concurrency.reserved(name);
        sendJson(res, Status.OK_200, reserved.isPresent()
                ? Map.of("ReservedConcurrentExecutions", reserved.getAsInt()) : Map.of());
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = name(req);
        concurrency.delete(name);
        res.status(Status.NO_CONTENT_204).send();
    }

    /** The function's name (AWS accepts a name or an ARN, never a qualifier); an unknown function is a 404. */
    private String name(ServerRequest req) {
        FunctionRef ref = FunctionRef.parse(req.path().pathParameters().get("name"));
        if (ref.qualifier() != null) {
            throw LambdaException.invalid("Reserved concurrency applies to a function, not to a version or alias: "
                    + "use %s without :%s", ref.name(), ref.qualifier());
        }
        return concurrency.requireFunction(ref.name());
    }
}
