"""Runtime configuration from LG_* environment variables; validated once at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ontology.iris import CANONICAL_BASE
from ontology.paths import default_registry, work_dir


class Settings(BaseSettings):
    """Every knob of the service and the CLI; nothing else reads the environment."""

    model_config = SettingsConfigDict(env_prefix="LG_", frozen=True)

    # Not a knob: IRIs are minted under the canonical base only, so LG_BASE_URI may be left
    # unset or set to that base; anything else stops the start (see _canonical_base).
    base_uri: str = CANONICAL_BASE
    # Bases a mirror or development host is reached at ("http://localhost:8000"): their
    # identifier paths answer 301 to the canonical IRIs; nothing is ever minted under them.
    alias_bases: tuple[str, ...] = ()
    # Where clients reach this service (its public URL behind a proxy): the root of every link a
    # client fetches (server.links). None: the root the request itself was sent to.
    public_url: str | None = None
    # On-disk store directory; None means an in-memory store (tests). Default: var/store in the
    # checkout, or in the current folder when installed (ontology.paths.work_dir).
    store: Path | None = Field(default_factory=lambda: work_dir() / "var" / "store")
    # Where minted enterprise and document keys are recorded: data/registry in a checkout
    # (committed with the data); var/registry when installed, first copied from the shipped one.
    registry: Path = Field(default_factory=default_registry)
    query_timeout_s: float = 30.0
    query_workers: int = 2
    max_query_length: int = 100_000
    max_body_bytes: int = 1_000_000
    max_result_rows: int = 100_000
    service_allowlist: tuple[str, ...] = ()
    # Deepest bracket nesting a SPARQL query may have: pyoxigraph's recursive parser takes
    # cubic time in it (64 nested collections: ~0.7 s) and overflows its stack near 20,000.
    max_query_nesting: int = 64
    # How deep chains of operators, UNION/OPTIONAL/BIND and brackets may make the engine recurse
    # (server.sparql.analyse.chain_depth); it crashes near 2,600 BINDs or 6,500 UNIONs.
    max_query_chain: int = 2000
    # Query workers copy an on-disk generation into memory (3-5x faster on heavy queries)
    # when it holds at most this many quads; larger stores are queried on disk.
    query_memory_max_triples: int = 2_000_000
    # Fault-injection tests only: pause points of the store's writer (comma-separated, e.g.
    # "before-publish"), where it writes {store}/.paused-at-{name} and waits until that file is
    # removed, so a test can kill it at a moment it controls.
    pause_at: str | None = None

    @field_validator("base_uri")
    @classmethod
    def _canonical_base(cls, value: str) -> str:
        if value.rstrip("/") != CANONICAL_BASE:
            raise ValueError(
                f"LG_BASE_URI is fixed at {CANONICAL_BASE} (every IRI is minted there, whatever "
                "host serves it); to reach this service under another base, list that base in "
                "LG_ALIAS_BASES: its identifier paths answer 301 to the canonical IRIs"
            )
        return CANONICAL_BASE

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("LG_PUBLIC_URL must be an http(s) URL")
        return value.rstrip("/") if value else None

    @field_validator("alias_bases")
    @classmethod
    def _alias_bases(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        bases = tuple(v.rstrip("/") for v in values)
        for base in bases:
            if not base.startswith(("http://", "https://")) or "?" in base or "#" in base:
                raise ValueError(f"LG_ALIAS_BASES: {base!r} is not an http(s) base IRI")
            if base == CANONICAL_BASE:
                raise ValueError(f"LG_ALIAS_BASES: {base} is the canonical base itself")
        return bases

    # URLs per sitemap file before the sitemap becomes an index (the protocol allows 50,000).
    sitemap_limit: int = 50_000
    # Reconciliation batches matched at once; more concurrent batches get 429 with Retry-After.
    reconcile_max_concurrent: int = 4

    # A remote SPARQL 1.1 engine as the store (LG_SPARQL_ENDPOINT set): query URL, update URL
    # (defaults to the query URL) and HTTP Basic credentials for engines behind them.
    sparql_endpoint: str | None = None
    sparql_update_endpoint: str | None = None
    sparql_user: str | None = None
    sparql_password: str | None = None
    # Where a remote store's dumps are kept (an on-disk store keeps them in {store}/dumps).
    dumps_dir: Path | None = None

    # Fair use, as public endpoints do it: seconds of SPARQL query time per client per minute,
    # reconciliation queries per client per minute, and the proxies whose X-Forwarded-For is
    # believed (a JSON list of addresses; otherwise the peer address is the client).
    query_budget_s: float = 60.0
    reconcile_budget: int = 600
    trusted_proxies: tuple[str, ...] = ()
    # The shared spending table of every server process (a temporary file when unset).
    ledger: Path | None = None

    # Slow and greedy clients: the request head must arrive within this time and size, a body
    # must keep arriving, and an idle keep-alive connection is closed after this time.
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    keep_alive_s: float = 5.0
    max_header_bytes: int = 16_384
    # In-flight requests get this long to finish on shutdown.
    shutdown_grace_s: float = 30.0
    # Writers: how long a second writer waits for the store's lock (`--wait` overrides).
    write_wait_s: float = 300.0
    # Progress bars (on a terminal only) appear for a step that runs longer than this.
    progress_delay_s: float = 1.0
    # Limits of the list readers (ingest/limits.py): past one, the list is refused by name.
    max_list_bytes: int = 20_000_000  # the file itself
    max_list_rows: int = 100_000  # rows of all sheets together, and the last row number read
    max_list_columns: int = 256
    max_cell_chars: int = 10_000
    max_sheets: int = 256
    max_unzipped_bytes: int = 200_000_000  # an XLSX's parts, all together, once unzipped
    max_zip_ratio: int = 200  # unzipped / zipped size of one part
    max_pdf_pages: int = 2_000
