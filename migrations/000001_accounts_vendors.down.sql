DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE vendors;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
