-- Rasa's tracker store has a database of its own (docs/deploy.md): created here, beside POSTGRES_DB, as
-- POSTGRES_USER, the first time the data volume is initialised (the postgres image runs this folder only then).
CREATE DATABASE rasa_tracker;
