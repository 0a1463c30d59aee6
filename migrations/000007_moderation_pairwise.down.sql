DROP TABLE pairwise_judgments;
DROP TABLE pairwise_participants;
DROP TABLE pairwise_round_items;
DROP TABLE pairwise_rounds;
DROP TABLE consensus_ratings;
ALTER TABLE evaluations DROP COLUMN moderation_required;
