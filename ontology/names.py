"""Names and credit codes as both ingest and server read them: one normalisation, one USCC check."""

from __future__ import annotations

import functools
import re
import unicodedata

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


class InvalidUSCC(ValueError):  # noqa: N818 - reads as the rule it reports
    """A Unified Social Credit Code that fails GB 32100-2015."""


@functools.lru_cache(maxsize=1 << 16)
def compact_uscc(code: str) -> str:
    """The code without separators, upper-case (cached: a list checks each code several times)."""
    return stdnum_uscc.compact(code)


@functools.lru_cache(maxsize=1 << 16)
def validate_uscc(code: str) -> str:
    """Return the compact, upper-case code, or raise InvalidUSCC saying which rule it breaks.

    Cached: parsing, identity and lookups each check the same code, and python-stdnum's clean-up
    costs tens of microseconds a call (exceptions are not cached and are raised again).
    """
    compact = compact_uscc(code)
    try:
        return stdnum_uscc.validate(compact)
    except InvalidLength:
        raise InvalidUSCC(
            f"{code!r}: a credit code has 18 characters, not {len(compact)}"
        ) from None
    except InvalidChecksum:
        expected = stdnum_uscc.calc_check_digit(compact[:17])
        raise InvalidUSCC(
            f"{code!r}: check character is {compact[-1]!r}, GB 32100-2015 gives {expected!r}"
        ) from None
    except (InvalidFormat, InvalidComponent) as exc:
        raise InvalidUSCC(f"{code!r}: {exc.message}") from None


def normalise_name(name: str) -> str:
    """The lookup key of a printed name: full/half-width folded, brackets unified, no spaces.

    The printed form stays the label; this key only decides whether two printings are one name.
    """
    folded = unicodedata.normalize("NFKC", name)
    folded = folded.replace("【", "[").replace("】", "]").replace("〔", "[").replace("〕", "]")
    folded = re.sub(r"[\s\u200b\u00a0]+", "", folded)
    return folded.casefold()
