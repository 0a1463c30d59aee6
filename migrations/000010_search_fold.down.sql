DROP INDEX IF EXISTS vendors_services_idx;
DROP INDEX IF EXISTS vendors_country_idx;
DROP INDEX IF EXISTS vendors_name_fold_idx;
DROP FUNCTION IF EXISTS search_fold(text);
-- The extensions stay: other objects of the database may use them.
