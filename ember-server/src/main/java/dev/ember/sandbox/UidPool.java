package dev.ember.sandbox;

import java.util.BitSet;

/**
 * Host user ids for environments, one each while it lives. Distinct ids keep environments from signalling or
 * reading each other's processes, and make the per-user process limit (RLIMIT_NPROC) count per environment.
 * The range is far above the ids distributions hand out to people and to rootless containers.
 *
 * <p>Ids are handed out round-robin, not lowest first: a released id comes back only after the rest of the range,
 * so a new environment never shares its id (its process limit, its right to signal) with the last processes of one
 * that is still being torn down.
 */
final class UidPool {
    static final int FIRST = 900_000;
    static final int SIZE = 65_536;

    private final BitSet taken = new BitSet(SIZE);
    /** Where the search for a free id starts: after the one handed out last. */
    private int next;

    synchronized int acquire() {
        int slot = taken.nextClearBit(next);
        if (slot >= SIZE) {
            slot = taken.nextClearBit(0);
        }
        if (slot >= SIZE) {
            throw new IllegalStateException("all " + SIZE + " environment user ids are in use");
        }
        taken.set(slot);
        next = slot + 1;
        return FIRST + slot;
    }

    synchronized void release(int uid) {
        taken.clear(uid - FIRST);
    }
}
