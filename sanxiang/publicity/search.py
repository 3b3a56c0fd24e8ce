"""Substring search of Chinese text over a million publications, on SQLite and PostgreSQL.

Chinese has no spaces, so word tokenizers do not help: the search is by
substring. Both back ends get a trigram index:

* SQLite: an FTS5 table with the ``trigram`` tokenizer (``publicity_search``,
  rowid = publication id), filled when an item is published. A term of 3 or
  more characters with few matches is looked up there; a shorter or common
  one is matched by scanning newest first, which stops at the page's end.
* PostgreSQL: a ``pg_trgm`` GIN index on ``UPPER(search_text)``, which the
  ``icontains`` lookup (``UPPER(..) LIKE UPPER(..)``) uses by itself.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

FTS_TABLE = "publicity_search"


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def search_index(publication_id: int, text: str) -> None:
    """Put the published text of a publication into the SQLite trigram index (PostgreSQL needs nothing)."""
    if not _sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [publication_id])  # noqa: S608
        cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (%s, %s)", [publication_id, text])  # noqa: S608


#: Above this many matches a term is common: scanning newest-first finds a page of them sooner
#: (expected rows read = page size / share of matching rows) than sorting every match.
RARE_LIMIT = 2000


#: Terms found common in this process: the count of matches only grows (the index is never pruned),
#: so a common term stays common and its probe of the index is skipped.
_COMMON: set[str] = set()


def term_condition(term: str) -> Q:
    """The filter for one search term: the trigram index for a rare term, a newest-first scan for a common one."""
    if _sqlite() and len(term) >= 3 and term not in _COMMON:
        phrase = '"' + term.replace('"', '""') + '"'
        with connection.cursor() as cursor:
            sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s"  # noqa: S608
            cursor.execute(sql, [phrase, RARE_LIMIT + 1])
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) <= RARE_LIMIT:
            return Q(pk__in=ids)
        if len(_COMMON) < 10_000:
            _COMMON.add(term)
    return Q(search_text__icontains=term)
