-- Accent- and case-insensitive search: "teranga", "ile" and "wisla" find
-- Téranga, Île Rouge and Wisła. unaccent and pg_trgm are trusted
-- extensions, so the database owner may create them. unaccent() is only
-- STABLE (its dictionary could change), so an IMMUTABLE wrapper naming the
-- dictionary lets an index hold the folded names; a trigram index keeps
-- the substring search fast on a large registry.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION search_fold(text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE INDEX vendors_name_fold_idx ON vendors USING gin (search_fold(name) gin_trgm_ops);
-- The search also finds vendors by country and service ("maroc",
-- "payroll"): with these, the three conditions combine as one bitmap scan.
CREATE INDEX vendors_country_idx ON vendors (country);
CREATE INDEX vendors_services_idx ON vendors USING gin (services);
