"""The database refuses a published result pair without an active website consent.

Why triggers: the rule spans two tables (the pair's `is_published` against its consent's
scope and status), which a CHECK constraint cannot see. A composite foreign key from
(consent, is_published) to a "publishable" key on the consent could express part of it, but
Django cannot declare one, SQLite cannot add it to an existing table, and Django's SQLite
table rebuilds would drop a hand-added one silently. Triggers run on both databases with the
same meaning, and both directions are guarded: publishing a pair, and ending (or narrowing)
a consent that published pairs still use. Expiry is a date, and the database cannot read the
clinic's clock (tests pin it; SQLite's date is UTC), so `manage.py expire_consents` turns a
passed expiry date into the stored status `expired` that these triggers check.

On PostgreSQL the pair's check takes a share lock on the consent row, so a publish and a
revocation racing in two transactions cannot both pass: the second waits for the first and
then sees its result. SQLite runs one writer at a time, so it needs no lock.

A later migration that makes Django rebuild either table on SQLite drops these triggers;
tests/procedures/test_consent_ledger.py fails if that happens, on both databases.
"""

from django.db import migrations

MESSAGE = "A result pair can be published only with an active website consent"

# Published, with a consent that allows the website, is active, and (for anonymised-only
# consent) photos whose identifying features are hidden.
CONSENT_ALLOWS = """
    SELECT 1 FROM procedures_consentrecord AS consent
    WHERE consent.id = NEW.consent_id AND consent.allows_website AND consent.status = 'active'
      AND (NOT consent.anonymised_only OR NEW.identifying_features_hidden)
"""
PAIRS_IN_THE_WAY = """
    SELECT 1 FROM procedures_resultpair AS pair
    WHERE pair.consent_id = NEW.id AND pair.is_published
      AND NOT (NEW.allows_website AND NEW.status = 'active'
               AND (NOT NEW.anonymised_only OR pair.identifying_features_hidden))
"""

POSTGRESQL = f"""
CREATE FUNCTION procedures_pair_needs_consent() RETURNS trigger AS $$
BEGIN
    IF NEW.is_published AND NOT EXISTS ({CONSENT_ALLOWS} FOR SHARE) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER procedures_pair_needs_consent BEFORE INSERT OR UPDATE ON procedures_resultpair
    FOR EACH ROW EXECUTE FUNCTION procedures_pair_needs_consent();

CREATE FUNCTION procedures_consent_keeps_its_pairs() RETURNS trigger AS $$
BEGIN
    IF EXISTS ({PAIRS_IN_THE_WAY}) THEN
        RAISE EXCEPTION '{MESSAGE}: take its published pairs down first'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER procedures_consent_keeps_its_pairs BEFORE UPDATE ON procedures_consentrecord
    FOR EACH ROW EXECUTE FUNCTION procedures_consent_keeps_its_pairs();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER procedures_pair_needs_consent ON procedures_resultpair;
DROP FUNCTION procedures_pair_needs_consent();
DROP TRIGGER procedures_consent_keeps_its_pairs ON procedures_consentrecord;
DROP FUNCTION procedures_consent_keeps_its_pairs();
"""

SQLITE = [
    *(
        f"""
        CREATE TRIGGER procedures_pair_needs_consent_{event.lower()}
        BEFORE {event} ON procedures_resultpair
        WHEN NEW.is_published AND NOT EXISTS ({CONSENT_ALLOWS})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
        for event in ("INSERT", "UPDATE")
    ),
    f"""
    CREATE TRIGGER procedures_consent_keeps_its_pairs
    BEFORE UPDATE ON procedures_consentrecord
    WHEN EXISTS ({PAIRS_IN_THE_WAY})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: take its published pairs down first'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER procedures_pair_needs_consent_insert",
    "DROP TRIGGER procedures_pair_needs_consent_update",
    "DROP TRIGGER procedures_consent_keeps_its_pairs",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No consent triggers written for {vendor}.")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    else:
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0004_results_gallery")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
