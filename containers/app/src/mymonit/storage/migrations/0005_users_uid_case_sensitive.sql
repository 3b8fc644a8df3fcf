-- Firebase uids are case-sensitive: `uid-s001` and `UID-S001` are two accounts. users.username had
-- the table's case-insensitive collation, so a token of one resolved to the user of the other.
-- The column now compares bytes. Under the old collation no two rows could differ in case only, so
-- no existing row can collide. The users table is small (people, not measures) and the consumer never
-- reads it: the copy holds it for moments. COPY, not INPLACE: an in-place change re-creates the
-- username index after the email one, and InnoDB checks unique keys in that order, so a newcomer
-- colliding on both would be refused for the email instead of the uid (docs/design.md, Data model).
ALTER TABLE users
    MODIFY username VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL
        COMMENT 'Firebase uid (case-sensitive); NULL once erased',
    ALGORITHM=COPY;
