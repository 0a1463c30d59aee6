DROP TABLE user_identities;
DROP TABLE pending_imports;
DROP TABLE mail_preferences;
DROP TABLE outbox;
