"""An editor publishing a pair while the front desk revokes its consent, at the same instant:
the database lets only one of them through, whichever commits first (PostgreSQL: the pair's
trigger locks the consent row; SQLite runs one writer at a time and needs no test)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from procedures.gallery import ConsentRecord, ConsentStatus, ResultPair

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def in_thread(results, name, change, started, release):
    try:
        with transaction.atomic():
            change()
            started.set()
            release.wait(timeout=30)  # hold the transaction open while the other one tries
        results[name] = "committed"
    except IntegrityError:
        results[name] = "refused"
    finally:
        connections.close_all()


@pytest.mark.parametrize("first", ["publish", "revoke"])
def test_publishing_and_revoking_at_once_never_leave_a_published_pair_on_an_ended_consent(
    procedure, make_consent, make_pair, first
):
    consent = make_consent()
    pair = make_pair(consent=consent, is_published=False)
    changes = {
        "publish": lambda: ResultPair.objects.filter(pk=pair.pk).update(is_published=True),
        "revoke": lambda: ConsentRecord.objects.filter(pk=consent.pk).update(
            status=ConsentStatus.REVOKED
        ),
    }
    second = "revoke" if first == "publish" else "publish"
    results, events = {}, {name: (threading.Event(), threading.Event()) for name in changes}
    threads = {
        name: threading.Thread(target=in_thread, args=(results, name, changes[name], *events[name]))
        for name in changes
    }
    threads[first].start()
    assert events[first][0].wait(timeout=30)  # the first has changed its row, not committed
    threads[second].start()
    threads[second].join(timeout=1)
    assert threads[second].is_alive()  # it waits for the first to finish
    events[first][1].set()
    threads[first].join(timeout=30)
    events[second][1].set()
    threads[second].join(timeout=30)

    assert results == {first: "committed", second: "refused"}
    pair.refresh_from_db(), consent.refresh_from_db()
    assert not (pair.is_published and consent.status != ConsentStatus.ACTIVE)
