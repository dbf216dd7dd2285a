package dev.ember.api;

import static dev.ember.api.Exchanges.body;
import static dev.ember.api.Exchanges.sendJson;

import dev.ember.invoke.Invoker;
import dev.ember.invoke.ProvisionedConcurrency;
import dev.ember.lambda.Arns;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Provisioned concurrency as AWS serves it (API version 2019-09-30): PutProvisionedConcurrencyConfig (202, Status
 * IN_PROGRESS until the environments are initialised, then READY), GetProvisionedConcurrencyConfig,
 * ListProvisionedConcurrencyConfigs ({@code ?List=ALL}) and DeleteProvisionedConcurrencyConfig.
 */
final class ProvisionedConcurrencyApi implements HttpService {
    private static final String PATH = "/2019-09-30/functions/{name}/provisioned-concurrency";
    private static final int MAX_REQUEST_BYTES = 4096;

    private final ProvisionedConcurrency provisioned;
    private final Invoker invoker;
    private final Arns arns;

    ProvisionedConcurrencyApi(ProvisionedConcurrency provisioned, Invoker invoker, Arns arns) {
        this.provisioned = provisioned;
        this.invoker = invoker;
        this.arns = arns;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put(PATH, this::put).get(PATH, this::get).delete(PATH, this::delete);
    }

    private void put(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        RequestBody body = RequestBody.parse(body(req, MAX_REQUEST_BYTES,
                "the PutProvisionedConcurrencyConfig operation"));
        Integer requested = body.integer("ProvisionedConcurrentExecutions");
        if (requested == null) {
            throw LambdaException.invalid("1 validation error detected: Value null at "
                    + "'provisionedConcurrentExecutions' failed to satisfy constraint: Member must not be null");
        }
        ProvisionedConcurrency.Config config = provisioned.put(ref.name(), ref.qualifier(), requested);
        invoker.scale(); // start allocating now rather than at the next round
        sendJson(res, Status.ACCEPTED_202, describe(config, false));
    }

    private void get(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        if (req.query().first("List").isPresent()) {
            list(req, res, ref.name());
            return;
        }
        sendJson(res, Status.OK_200, describe(provisioned.get(ref.name(), ref.qualifier()), false));
    }

    private void list(ServerRequest req, ServerResponse res, String name) {
        sendJson(res, Status.OK_200, QualifierPage.of(req, name, provisioned.list(name),
                ProvisionedConcurrency.Config::qualifier, "ProvisionedConcurrencyConfigs", c -> describe(c, true)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        provisioned.delete(ref.name(), ref.qualifier());
        invoker.scale(); // let its environments go now
        res.status(Status.NO_CONTENT_204).send();
    }

    private Map<String, Object> describe(ProvisionedConcurrency.Config config, boolean withArn) {
        Invoker.Provisioning allocation = invoker.provisioning(config);
        Map<String, Object> body = new LinkedHashMap<>();
        if (withArn) {
            body.put("FunctionArn", arns.function(config.function(), config.qualifier()));
        }
        body.put("RequestedProvisionedConcurrentExecutions", config.requested());
        body.put("AvailableProvisionedConcurrentExecutions", allocation.allocated());
        body.put("AllocatedProvisionedConcurrentExecutions", allocation.allocated());
        body.put("Status", allocation.status());
        if (allocation.reason() != null) {
            body.put("StatusReason", allocation.reason());
        }
        body.put("LastModified", LambdaWire.LAST_MODIFIED.format(config.lastModified()));
        return body;
    }

    /** The function, with the qualifier of {@code ?Qualifier=} or of the name's {@code :qualifier}. */
    private static FunctionRef ref(ServerRequest req) {
        return FunctionRef.parse(req.path().pathParameters().get("name"))
                .withQualifier(req.query().first("Qualifier").orElse(null));
    }
}
