-- The data model: users, experiments, their associations, measure types and measures.
CREATE TABLE users (
    user_id    VARCHAR(30)  NOT NULL,
    name       VARCHAR(255) NULL,
    username   VARCHAR(128) NULL COMMENT 'Firebase uid; NULL once erased',
    email      VARCHAR(320) NULL,
    role       ENUM('ADMIN', 'SCIENTIST') NOT NULL,
    created_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    erased_at  DATETIME(6)  NULL,
    PRIMARY KEY (user_id),
    UNIQUE KEY uq_users_username (username),
    UNIQUE KEY uq_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE experiments (
    experiment_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
    name          VARCHAR(255) NOT NULL,
    created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (experiment_id),
    UNIQUE KEY uq_experiments_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_experiments (
    user_id       VARCHAR(30)  NOT NULL,
    experiment_id INT UNSIGNED NOT NULL,
    granted_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (user_id, experiment_id),
    KEY ix_user_experiments_experiment (experiment_id),
    CONSTRAINT fk_user_experiments_user FOREIGN KEY (user_id) REFERENCES users (user_id),
    CONSTRAINT fk_user_experiments_experiment
        FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE measure_types (
    type_id  SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name     VARCHAR(64) NOT NULL,
    symbol   VARCHAR(16) NOT NULL,
    quantity VARCHAR(64) NOT NULL,
    PRIMARY KEY (type_id),
    UNIQUE KEY uq_measure_types_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ts is UTC with microseconds (no 2038 limit). dedup_key makes a redelivered measure a no-op.
-- Both secondary indexes are covering and ordered like the keyset cursor (ts, id): a page or an
-- aggregation of one experiment (optionally one measure type) reads only its index range.
CREATE TABLE measures (
    id            BIGINT UNSIGNED   NOT NULL AUTO_INCREMENT,
    experiment_id INT UNSIGNED      NOT NULL,
    type_id       SMALLINT UNSIGNED NOT NULL,
    ts            DATETIME(6)       NOT NULL,
    value         DOUBLE            NOT NULL,
    dedup_key     BINARY(16)        NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_measures_dedup (dedup_key),
    KEY ix_measures_experiment_ts (experiment_id, ts, id, type_id, value),
    KEY ix_measures_experiment_type_ts (experiment_id, type_id, ts, id, value),
    KEY ix_measures_type (type_id),  -- needed by fk_measures_type; named so it is not a surprise
    CONSTRAINT fk_measures_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id),
    CONSTRAINT fk_measures_type FOREIGN KEY (type_id) REFERENCES measure_types (type_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
