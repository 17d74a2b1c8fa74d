-- Roles and database for a Docker deployment (the same that scripts/services.ts creates locally).
-- erp_owner owns the schema and runs migrations; erp_app serves requests and is subject to RLS;
-- erp_worker has erp_app's rights plus the cross-tenant outbox and recovery functions;
-- erp_auth (no login, BYPASSRLS) owns the few pre-tenant look-up functions.
create role erp_owner login password 'erp_owner' nosuperuser nocreatedb nocreaterole;
create role erp_app login password 'erp_app' nosuperuser nocreatedb nocreaterole nobypassrls;
create role erp_worker login password 'erp_worker' nosuperuser nocreatedb nocreaterole nobypassrls;
grant erp_app to erp_worker;
create role erp_auth nologin bypassrls;
grant erp_auth to erp_owner;
create database erp_market owner erp_owner;
