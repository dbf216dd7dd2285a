package dev.ember.state.client;

import java.util.List;

/**
 * 412 {@code TransactionConflict}: a {@link Transaction}'s check or condition did not hold, so nothing of it was
 * applied. {@link #failed()} gives the indexes of the operations that failed, in the order they were added, and the
 * message names them, e.g. {@code operation 0 (check bank/alice at version 7)}.
 */
public final class TransactionConflictException extends StateException {
    private final List<Integer> failed;
    private final List<String> failedOperations;

    TransactionConflictException(int status, String message, List<Integer> failed, List<String> failedOperations) {
        super("TransactionConflict", status, message);
        this.failed = List.copyOf(failed);
        this.failedOperations = List.copyOf(failedOperations);
    }

    /** The indexes (from 0, in the order of the builder's calls) of the operations whose condition failed. */
    public List<Integer> failed() {
        return failed;
    }

    /** The failed operations described, e.g. {@code put bank/alice if at version 7}, in the order of {@link #failed}. */
    public List<String> failedOperations() {
        return failedOperations;
    }
}
