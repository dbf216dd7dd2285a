package dev.ember.store;

import java.sql.Connection;

/**
 * Work done on a connection lent by {@link Database}: inside a write transaction or a read snapshot. The connection
 * belongs to the database; do not close it, commit it or keep it after returning.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {
    /**
     * @param connection the connection, already inside a transaction
     * @return the result handed back to the caller of {@link Database#inTransaction} or {@link Database#read}
     * @throws Exception anything; the transaction is rolled back and the exception rethrown unchecked
     */
    T run(Connection connection) throws Exception;
}
