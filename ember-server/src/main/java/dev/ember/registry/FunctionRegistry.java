package dev.ember.registry;

import dev.ember.lambda.Arns;
import dev.ember.lambda.LambdaException;
import dev.ember.store.Database;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

/**
 * The functions Ember knows: their versions, aliases and code. Durable: every method that returns has committed.
 *
 * <p>Names are bare function names (parse references with {@link dev.ember.lambda.FunctionRef} first). Every
 * failure the caller can fix is a {@link LambdaException} of the type AWS uses, and leaves the registry exactly as
 * it was. Lookups ({@link #get}, {@link #getAlias}) are served from memory: the invoke path calls them per request.
 */
public interface FunctionRegistry extends AutoCloseable {

    /**
     * Opens the registry kept in {@code db} (tables created by its migrations) with deployment packages under
     * {@code codeDir}, and loads every function into memory. Leftovers of a crash in {@code codeDir} (half-written
     * uploads or unpacked directories, all named with a leading dot) are removed.
     *
     * <pre>{@code
     * Database db = Database.open(dataDir);
     * FunctionRegistry registry = FunctionRegistry.open(db, dataDir.resolve("code"), Arns.defaults(),
     *         InstantSource.system());
     * }</pre>
     *
     * @param db      the store; stays owned by the caller, who closes it after the registry
     * @param codeDir where zips ({@code <hex sha256>.zip}) and unpacked packages ({@code <hex sha256>/}) live
     * @param arns    the region and account of the ARNs in messages, and the default role
     * @param clock   the source of LastModified
     */
    static FunctionRegistry open(Database db, Path codeDir, Arns arns, InstantSource clock) {
        return DurableFunctionRegistry.open(db, codeDir, arns, clock);
    }

    /**
     * CreateFunction: stores the code and {@code $LATEST}.
     *
     * @param zipFile the deployment package (a zip or jar), validated before anything is written
     * @param publish also publish version 1 and return it
     * @throws LambdaException ResourceConflictException if the function exists; InvalidParameterValueException for
     *                         an invalid configuration or package
     */
    FunctionVersion create(FunctionConfig config, byte[] zipFile, boolean publish);

    /**
     * The version a qualifier names: null or {@code $LATEST}, a version number, or an alias (its primary version).
     *
     * @throws LambdaException ResourceNotFoundException naming the function ARN when absent
     */
    FunctionVersion get(String name, String qualifier);

    /**
     * ListFunctions: {@code $LATEST} of every function by name, or every version when {@code allVersions}.
     *
     * @param marker   from the previous page, or null
     * @param maxItems 1 to 10000
     */
    Page<FunctionVersion> list(String marker, int maxItems, boolean allVersions);

    /** UpdateFunctionCode; {@code expectedRevisionId} null means unconditional. */
    FunctionVersion updateCode(String name, byte[] zipFile, boolean publish, String expectedRevisionId);

    /** UpdateFunctionConfiguration; {@code expectedRevisionId} null means unconditional. */
    FunctionVersion updateConfiguration(String name, ConfigUpdate update, String expectedRevisionId);

    /**
     * DeleteFunction: the whole function when {@code qualifier} is null, else one published version.
     *
     * @throws LambdaException InvalidParameterValueException for {@code $LATEST} or an alias as qualifier;
     *                         ResourceConflictException when an alias still points at the version
     */
    void delete(String name, String qualifier);

    /**
     * PublishVersion. Returns the newest version unchanged when neither code nor configuration changed since.
     *
     * @param expectedCodeSha256 when not null, must equal {@code $LATEST}'s CodeSha256 (else PreconditionFailed)
     */
    FunctionVersion publishVersion(String name, String expectedCodeSha256, String description,
                                   String expectedRevisionId);

    /** ListVersionsByFunction: {@code $LATEST} first, then versions in ascending order. */
    Page<FunctionVersion> listVersions(String name, String marker, int maxItems);

    /** CreateAlias. */
    Alias createAlias(String functionName, String aliasName, String functionVersion, String description,
                      Map<String, Double> additionalVersionWeights);

    /** GetAlias. */
    Alias getAlias(String functionName, String aliasName);

    /** UpdateAlias; {@code expectedRevisionId} null means unconditional. */
    Alias updateAlias(String functionName, String aliasName, AliasUpdate update, String expectedRevisionId);

    /** DeleteAlias; deleting an alias that does not exist succeeds, as on AWS. */
    void deleteAlias(String functionName, String aliasName);

    /** ListAliases, by name; only aliases pointing at {@code functionVersion} when it is not null. */
    Page<Alias> listAliases(String functionName, String functionVersion, String marker, int maxItems);

    /** The stored zip of a package. */
    Path codeArchive(CodeInfo code);

    /** The package unpacked into a directory that must not be written to; unpacked on first use. */
    Path codeDirectory(CodeInfo code);

    /** Registers a listener told after each committed change of a function. */
    void addListener(RegistryListener listener);

    @Override
    void close();
}
