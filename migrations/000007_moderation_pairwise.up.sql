-- Moderation: when on, closing the evaluation needs every disputed criterion
-- moderated, or an explicit confirmation naming those left.
ALTER TABLE evaluations ADD COLUMN moderation_required boolean NOT NULL DEFAULT false;

-- The panel's consensus rating of one rated criterion for one vendor,
-- recorded by the chair at moderation. It replaces the aggregate of the
-- individual ratings in scoring; clearing it deletes the row (the audit log
-- keeps every value it had).
CREATE TABLE consensus_ratings (
    id            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    evaluation_id bigint NOT NULL,
    vendor_id     bigint NOT NULL,
    criterion_id  bigint NOT NULL,
    value         integer NOT NULL,
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
    recorded_by   bigint NOT NULL REFERENCES users (id),
    recorded_at   timestamptz NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    PRIMARY KEY (evaluation_id, vendor_id, criterion_id),
    FOREIGN KEY (evaluation_id, vendor_id) REFERENCES participants (evaluation_id, vendor_id) ON DELETE CASCADE,
    FOREIGN KEY (evaluation_id, criterion_id) REFERENCES criteria (evaluation_id, id) ON DELETE CASCADE
);

-- A "weigh by comparison" round for one sibling group of criteria: the
-- children of parent_id, or the top level when it is null.
CREATE TABLE pairwise_rounds (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    parent_id     bigint,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'applied')),
    created_by    bigint NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    ended_by      bigint REFERENCES users (id),
    ended_at      timestamptz,
    version       integer NOT NULL DEFAULT 1,
    FOREIGN KEY (evaluation_id, parent_id) REFERENCES criteria (evaluation_id, id) ON DELETE CASCADE
);
CREATE INDEX pairwise_rounds_evaluation_idx ON pairwise_rounds (evaluation_id, created_at);
-- One open round per group at a time; coalesce makes the top level (null) one group.
CREATE UNIQUE INDEX pairwise_rounds_open_key ON pairwise_rounds (evaluation_id, coalesce(parent_id, 0)) WHERE status = 'open';

-- The criteria compared, as the group stood when the round started.
CREATE TABLE pairwise_round_items (
    round_id     bigint NOT NULL REFERENCES pairwise_rounds (id) ON DELETE CASCADE,
    criterion_id bigint NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    PRIMARY KEY (round_id, criterion_id)
);

-- Who is invited to answer: managers, evaluators or other account holders.
CREATE TABLE pairwise_participants (
    round_id    bigint NOT NULL REFERENCES pairwise_rounds (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id),
    invited_at  timestamptz NOT NULL,
    answered_at timestamptz,
    version     integer NOT NULL DEFAULT 1,
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX pairwise_participants_user_idx ON pairwise_participants (user_id);

-- One participant's judgment of one pair: step −8…8 on Saaty's scale read
-- from a to b (0 equal, +k: a is k+1 times as important as b, −k: b is k+1
-- times as important as a); a and b in the round's order.
CREATE TABLE pairwise_judgments (
    round_id    bigint NOT NULL,
    user_id     bigint NOT NULL,
    criterion_a bigint NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    criterion_b bigint NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    step        integer NOT NULL CHECK (step BETWEEN -8 AND 8),
    judged_at   timestamptz NOT NULL,
    PRIMARY KEY (round_id, user_id, criterion_a, criterion_b),
    CHECK (criterion_a <> criterion_b),
    FOREIGN KEY (round_id, user_id) REFERENCES pairwise_participants (round_id, user_id) ON DELETE CASCADE
);
