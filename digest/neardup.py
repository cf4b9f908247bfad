"""Near-duplicate keys: MinHash over 5-character shingles, and LSH band keys to look them up.

Text is reduced by ``digest.dedup.normalised_text`` (letters and digits only), so spacing
and punctuation never matter. Each 5-character shingle is hashed in numpy (a polynomial of
its code points, then the murmur3 finaliser), and rensa (Rust) takes the minimum of each of
64 seeded permutations over those hashes. Nothing depends on Python's salted ``hash()``, so a
signature is the same in every process; ``tests/test_neardup.py`` pins one.

In bulk, ``minhashes_of_keys`` and ``band_keys_of`` do a batch at once: numpy and rensa are
called once for a group of keys of about 16,384 characters in all, not once a key, and the
band keys of a batch are a few operations on one matrix. The results are the same bytes.

Measured on this machine (one core, Python 3.11, CPU time, best of runs on a shared
machine), for keys already reduced by ``normalised_text`` (not counted here): a Chinese
key of 250 characters takes about 23 µs alone (``minhash_of_key``), 520 characters 26 µs,
1,000 characters 29 µs and 2,000 characters 36 µs; in a batch of 500, 6, 9, 16 and 26 µs
a key. ``band_keys`` takes 13 µs alone, under 1 µs a signature in a batch. datasketch 2.0
(``MinHash(num_perm=64).update_batch``) took 325 µs, 915 µs and 1,610 µs for whole texts
of 250, 1,000 and 2,000 characters, too slow for 5,000 articles/s.

``NEAR_DUPLICATE_THRESHOLD`` was tuned on ``tests/data/neardup``: copies (re-scraped with
another view count and caption, an added editor line, light rewording, other punctuation,
one wire story on two sites) have a true Jaccard similarity of 0.77 to 1.0 (estimated 0.81
and up); different stories (a shared recommendation block or boilerplate, the same topic,
a follow-up, template market reports) 0.34 and less. 0.55 sits between, 3.5 to 4 standard
deviations of a 64-value estimate from either side.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import rensa

from digest.dedup import normalised_text

NUM_PERM = 64
SHINGLE = 5
# LSH: a candidate when any 3-value band of 21 agrees (63 of the 64 values). Likelihood of
# being a candidate at Jaccard s, 1 - (1 - s**3)**21: 0.44 at s = 0.3 (then rejected by
# ``estimated_similarity``), 0.94 at 0.5, 0.978 at the threshold, 0.9999 at 0.7. 16 x 4 would
# miss 1.2 % of pairs at s = 0.7 and 21 % at 0.55.
BANDS, ROWS = 21, 3
NEAR_DUPLICATE_THRESHOLD = 0.55
SHORT_BODY = 200  # normalised characters below which the title joins the body

_SEED = 20220721
# rensa's permutations for a seed are fixed per algorithm version; a new version would make
# stored signatures incomparable with new ones, so refuse to run rather than miss duplicates.
if rensa.RMinHash.ALGORITHM_VERSION != 2:  # pragma: no cover
    raise ImportError("rensa's MinHash algorithm changed: stored signatures need recomputing")

_FNV_PRIME = 0x100000001B3
_FNV = np.uint64(_FNV_PRIME)
_POWERS = [np.uint64(pow(_FNV_PRIME, SHINGLE - 1 - k, 1 << 64)) for k in range(SHINGLE)]
_MIX1, _MIX2, _SHIFT = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(33)
_EMPTY = b"\xff" * (4 * NUM_PERM)
_PAD = "\0" * (SHINGLE - 1)
# Keys hashed together: numpy's arrays for 16,384 characters (128 KB of uint64) stay in the
# cache and in malloc's heap. One group for a batch of 500 articles (2 MB arrays, mapped and
# unmapped each time) cost 1,400 page faults a batch and twice the time.
_GROUP_CHARS = 16384
_BAND_SALT = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
_U64Array = npt.NDArray[np.uint64]


def near_duplicate_text(title: str, body: str) -> str:
    """The text whose signature stands for an article: the body, with the title if short."""
    if len(normalised_text(body)) < SHORT_BODY:
        return f"{title}\n{body}"
    return body


def signature_text_key(title_key: str, body_key: str) -> str:
    """``normalised_text(near_duplicate_text(title, body))`` from the two keys."""
    return body_key if len(body_key) >= SHORT_BODY else title_key + body_key


def minhash_signature(text: str) -> bytes:
    """The MinHash signature of ``text``: 64 little-endian uint32 minima (256 bytes).

    Text with no letters or digits has the empty signature, which matches nothing.
    """
    return minhash_of_key(normalised_text(text))


def minhash_of_key(key: str) -> bytes:
    """``minhash_signature`` of text already reduced by ``normalised_text``."""
    hashes = _shingle_hashes_of_key(key)
    if hashes.size == 0:
        return _EMPTY
    offsets = np.array([0, hashes.size], dtype=np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, NUM_PERM, _SEED)
    return _little_endian(matrix.to_rows()[0])


def minhashes_of_keys(keys: Sequence[str]) -> list[bytes]:
    """``minhash_of_key`` of each key, calling numpy and rensa once for dozens of keys.

    For keys of a few hundred characters, a third of the time of one key at a time or less:
    the calls, not the arithmetic, were what cost.
    """
    signatures: list[bytes] = []
    for group in _groups_of_about(_GROUP_CHARS, keys):
        signatures += _minhashes_of_group(group)
    return signatures


def _groups_of_about(chars: int, keys: Sequence[str]) -> Iterator[Sequence[str]]:
    """``keys`` in order, in groups of at least one key and about ``chars`` characters."""
    start, total = 0, 0
    for end, key in enumerate(keys, start=1):
        total += len(key)
        if total >= chars:
            yield keys[start:end]
            start, total = end, 0
    if start < len(keys):
        yield keys[start:]


def _minhashes_of_group(keys: Sequence[str]) -> list[bytes]:
    if len(keys) == 1:  # alone, a key is hashed twice as fast with fewer numpy calls
        return [minhash_of_key(keys[0])]
    hashes, offsets = _shingle_hashes(keys)
    if hashes.size == 0:
        return [_EMPTY] * len(keys)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, NUM_PERM, _SEED)
    return [
        _little_endian(row) if key else _EMPTY
        for key, row in zip(keys, matrix.to_rows(), strict=True)
    ]


def _little_endian(row: list[int]) -> bytes:
    """A row of rensa's matrix as stored: uint32s, little-endian (twice as fast as numpy)."""
    packed = array("I", row)
    if sys.byteorder == "big":  # pragma: no cover
        packed.byteswap()
    return packed.tobytes()


def band_keys(signature: bytes, *, category: str) -> list[int]:
    """One signed 64-bit key per LSH band (``BANDS`` of ``ROWS`` values), for a BIGINT index.

    Two signatures share a key when a whole band agrees and the articles share a category.
    The band's number is mixed in, so equal values in different bands do not collide; so is
    the category: articles of different categories are never the same story, and without it
    every stored article of the window was a candidate with some chance, which made the
    lookups grow with the window (10 times slower at 200,000 articles than at 20,000).
    The empty signature has no keys.
    """
    if signature == _EMPTY:
        return []
    rows = np.frombuffer(signature, dtype="<u4", count=BANDS * ROWS).astype(np.uint64)
    mixed = _BAND_SALT ^ _category_salt(category)
    for row in rows.reshape(BANDS, ROWS).T:  # a polynomial over the band's values
        mixed *= _FNV
        mixed += row
    keys: list[int] = _mix(mixed).view(np.int64).tolist()
    return keys


def band_keys_of(signatures: Sequence[bytes], categories: Sequence[str]) -> list[list[int]]:
    """``band_keys`` of each signature with the category at the same place, as a few
    operations on a (signatures x bands) matrix instead of a loop per signature."""
    if len(signatures) == 1:  # alone, a signature's keys are faster with fewer numpy calls
        return [band_keys(signatures[0], category=categories[0])]
    values = np.frombuffer(b"".join(signatures), dtype="<u4").reshape(len(signatures), NUM_PERM)
    bands = values[:, : BANDS * ROWS].astype(np.uint64).reshape(len(signatures), BANDS, ROWS)
    salts = np.fromiter(map(_category_salt, categories), dtype=np.uint64, count=len(categories))
    mixed = _BAND_SALT ^ salts[:, np.newaxis]
    for row in range(ROWS):  # a polynomial over each band's values
        mixed *= _FNV
        mixed += bands[:, :, row]
    keys: list[list[int]] = _mix(mixed).view(np.int64).tolist()
    return [
        [] if signature == _EMPTY else band
        for signature, band in zip(signatures, keys, strict=True)
    ]


@lru_cache(maxsize=1024)
def _category_salt(category: str) -> np.uint64:
    digest = hashlib.blake2b(category.encode("utf-8"), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def estimated_similarity(a: bytes, b: bytes) -> float:
    """The Jaccard similarity of two texts' shingle sets, estimated from their signatures."""
    if _EMPTY in (a, b):
        return 0.0
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(left == right)) / NUM_PERM


def is_near_duplicate(a: bytes, b: bytes) -> bool:
    """Whether two signatures are of the same story (``NEAR_DUPLICATE_THRESHOLD``)."""
    return estimated_similarity(a, b) >= NEAR_DUPLICATE_THRESHOLD


def _shingle_hashes_of_key(key: str) -> _U64Array:
    """A 64-bit hash per 5-character shingle (one for the whole key when it is shorter)."""
    codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = max(codes.size - SHINGLE + 1, 1 if codes.size else 0)
    if codes.size < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - codes.size, dtype=np.uint64)])
    hashes = codes[:count] * _POWERS[0]
    for k in range(1, SHINGLE):
        hashes += codes[k : count + k] * _POWERS[k]
    return _mix(hashes)


def _shingle_hashes(keys: Sequence[str]) -> tuple[_U64Array, _U64Array]:
    """A 64-bit hash per 5-character shingle of each key (one for the whole key when it is
    shorter, none when it is empty), all keys' in one array, and where each key's start:
    the offsets rensa takes (``len(keys) + 1`` of them, the last one the total)."""
    # One string for the batch, each key followed by SHINGLE - 1 zeros. A window starting in
    # a key sees only that key and zeros, as a key shorter than SHINGLE padded on its own.
    codes = np.frombuffer((_PAD.join(keys) + _PAD).encode("utf-32-le"), dtype=np.uint32)
    windows = codes.size - SHINGLE + 1
    hashes = codes[:windows].astype(np.uint64)
    # Horner's rule, in place: no temporary array per step. (Mixing all windows and then
    # dropping the padded ones measured faster than the other way round.)
    for k in range(1, SHINGLE):
        hashes *= _FNV
        hashes += codes[k : windows + k]
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    counts = np.maximum(lengths - SHINGLE + 1, np.minimum(lengths, 1))
    # Each key's stretch of windows: its shingles, kept, then those reaching past its end.
    spans = np.column_stack((counts, lengths + len(_PAD) - counts)).ravel()
    kept = np.repeat(np.tile([True, False], len(keys)), spans)[:windows]
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return _mix(hashes)[kept], offsets.astype(np.uint64)


def _mix(values: _U64Array) -> _U64Array:
    """murmur3's 64-bit finaliser, in place: spreads a polynomial's structure over all bits."""
    values ^= values >> _SHIFT
    values *= _MIX1
    values ^= values >> _SHIFT
    values *= _MIX2
    values ^= values >> _SHIFT
    return values
