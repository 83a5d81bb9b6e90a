"""The statistical layer of the review tier: an n-gram linear model of collection wording.

Rules find what their patterns say; a collector who words a threat a new way slips past them. This
model reads a message as Chinese character 1-3-grams (run edges included) and English word
1-2-grams (numbers as "0"), optionally character n-grams of the words (the file's "chars"), on the
normalized text (wording.normalize), and gives one logistic
score per wording category plus an "any" score (the message breaches some rule), passed only when
the message's own n-grams, not the corpus' prior, weigh towards a breach. It never makes a
finding: what it scores goes to a person as a review item, with the n-grams that weighed most as
spans of the ORIGINAL text.

The weights are data (rulepacks/wording-model.json), written by benchmarks/train_wording_model.py
from tests/corpus/wording.jsonl; the file says which rows it was trained on and what cross-validation
measured. Scoring is a dictionary lookup per n-gram, "any" first: most messages stop there.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat
from operator import add
from typing import Any

MODEL_FILE = "wording-model.json"
FORMAT = 1
ANY = "any"
# A message is read to this length at most (the rules' MAX_CHECKED is far longer; a collection
# message is short, and a long one is scored on its opening).
MAX_SCORED = 2000

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Tokens: a run of Chinese characters, a word of letters (no Chinese), or a number.
_LETTERS = rf"[^\W\d_{_CJK}]+(?:'[^\W\d_{_CJK}]+)?"
_TOKEN = re.compile(rf"(?P<zh>[{_CJK}]+)|(?P<word>{_LETTERS})|(?P<num>\d+)")
_WORDS = re.compile(rf"{_LETTERS}|\d+")
_DIGITS = re.compile(r"\d+")
# Everything between Chinese runs becomes one NUL, so the 1-, 2- and 3-grams of the whole string
# are the grams within runs, plus "NUL + first character" and "last character + NUL" grams that
# mark where a run starts or ends. All are built by C-speed map/set calls: this runs on every message.
_NOT_CJK = re.compile(f"[^{_CJK}]+")
EDGE = "\x00"
_HAS_CJK = re.compile(f"[{_CJK}]")
LANG_FEATURE = {"zh": "\x01zh", "en": "\x01en"}  # a per-language bias, always present
# Character n-grams of the words (the model file's "chars" lists their sizes) start with this mark,
# so "jail" the 4-gram (of "jailed") and "jail" the word stay two features.
CHAR = "\x02"


def grams(text: str, chars: tuple[int, ...] = ()) -> list[tuple[str, int, int]]:
    """Every feature of a normalized text with its [start, end) in that text (for explanations).

    Chinese: character 1-, 2- and 3-grams within a run of Chinese characters. English: words and
    pairs of neighbouring words (across punctuation: "pay, or" reads as "pay or"); a number is "0";
    character n-grams of the words (sizes `chars`), each spanning the whole words it touches.
    """
    out: list[tuple[str, int, int]] = []
    words: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text[:MAX_SCORED]):
        run = m.group("zh")
        if run is not None:
            base = m.start()
            n = len(run)
            for k in (1, 2, 3):
                out.extend((run[i : i + k], base + i, base + i + k) for i in range(n - k + 1))
            continue
        word = "0" if m.group("num") is not None else m.group()
        words.append((word, m.start(), m.end()))
    out.extend(words)
    out.extend((f"{a} {b}", s, e) for (a, s, _), (b, _, e) in zip(words, words[1:], strict=False))
    if chars and words:
        # The words joined as _char_grams joins them; each character knows its word's span.
        starts: list[int] = [words[0][1]]
        ends: list[int] = [words[0][2]]
        for i, (word, s, e) in enumerate(words):
            starts += [s] * len(word)
            ends += [e] * len(word)
            nxt = words[i + 1] if i + 1 < len(words) else None
            starts.append(s if nxt is None else nxt[1])  # the space: either neighbour's span
            ends.append(e)
        joined = " " + " ".join(w for w, _, _ in words) + " "
        for n in chars:
            out.extend(
                (CHAR + joined[i : i + n], starts[i + 1] if joined[i] == " " else starts[i], ends[i + n - 1])
                for i in range(len(joined) - n + 1)
            )
    return out


def features(text: str, chars: tuple[int, ...] = ()) -> set[str]:
    """The features present in a normalized text, plus the language bias: what scoring and training
    read. Those grams() also lists have the same names; run-edge grams (with EDGE) are only here."""
    text = text[:MAX_SCORED]
    zh = _NOT_CJK.sub(EDGE, text)
    out = _zh_grams(zh) | _word_grams(_words(text), chars)
    out.add(LANG_FEATURE["zh" if zh.strip(EDGE) else "en"])
    return out


def _zh_grams(zh: str) -> set[str]:
    """The 1-, 2- and 3-grams of a text's Chinese skeleton (what lies between runs is one EDGE)."""
    if not zh.strip(EDGE):
        return set()
    pairs = list(map(add, zh, zh[1:]))
    out = set(zh)
    out.update(pairs)
    out.update(map(add, pairs, zh[2:]))
    out.discard(EDGE)
    return out


def _words(text: str) -> tuple[str, ...]:
    """Words and numbers in order, each number as "0" (two C-speed passes, no Python loop)."""
    return tuple(_WORDS.findall(_DIGITS.sub("0", text)))


def _word_grams(words: tuple[str, ...], chars: tuple[int, ...] = ()) -> set[str]:
    out = set(words)
    out.update(map(" ".join, zip(words, words[1:], strict=False)))
    if chars and words:
        out.update(_char_grams(words, chars))
    return out


def _char_grams(words: tuple[str, ...], sizes: tuple[int, ...]) -> set[str]:
    """Character n-grams of the words joined by single spaces, with a space at each end ("arrested"
    shares " arre" and "rest" with "arrest"); a gram may span two words. Built at C speed."""
    joined = " " + " ".join(words) + " "
    out: set[str] = set()
    for n in sizes:
        out.update(map("".join, zip(repeat(CHAR), *(joined[i:] for i in range(n)))))
    return out


@dataclass(frozen=True, eq=False)  # hashed by identity: score() caches per model
class Model:
    heads: tuple[str, ...]  # "any" first, then the categories
    bias: tuple[float, ...]
    any_weights: dict[str, float]
    weights: dict[str, tuple[tuple[int, float], ...]]  # feature -> (head index, weight), any left out
    positive: tuple[dict[str, float], ...]  # per head, the features that weigh for it (evidence)
    thresholds: tuple[float, ...]  # per category head, as logits (index 0, "any", unused)
    any_thresholds: dict[str, float]  # "any" per language (zh, en), as a logit
    evidence: float  # what a text's own n-grams must add to "any" before it can pass
    info: dict[str, Any]
    chars: tuple[int, ...] = ()  # sizes of the words' character n-grams (none: words only)

    def threshold(self, head: str, lang: str = "zh") -> float:
        """A head's threshold as a probability ("any" has one per language)."""
        if head == ANY:
            return sigmoid(self.any_thresholds[lang])
        return sigmoid(self.thresholds[self.heads.index(head)])

    def any_logit(self, features: set[str]) -> float:
        return self.bias[0] + sum(map(self.any_weights.get, features, repeat(0.0)))

    def logits(self, features: set[str]) -> list[float]:
        sums = [0.0] * len(self.heads)
        get = self.weights.get
        for f in features:
            for head, w in get(f, ()):
                sums[head] += w
        out = [b + s for b, s in zip(self.bias, sums, strict=True)]
        out[0] = self.any_logit(features)
        return out


def from_dict(data: dict[str, Any]) -> Model:
    """A model from the weights file's JSON (see benchmarks/train_wording_model.py for the format)."""
    if data.get("format") != FORMAT:
        raise ValueError(f"wording model format {data.get('format')!r}, expected {FORMAT}")
    heads = tuple(data["heads"])
    any_weights: dict[str, float] = {}
    weights: dict[str, tuple[tuple[int, float], ...]] = {}
    for feature, row in data["features"].items():
        pairs = tuple((h, w) for h, w in enumerate(row) if w)
        if row[0]:
            any_weights[feature] = row[0]
        rest = tuple(p for p in pairs if p[0])
        if rest:
            weights[feature] = rest
    positive = tuple({f: row[h] for f, row in data["features"].items() if row[h] > 0} for h in range(len(heads)))
    return Model(
        heads,
        tuple(data["bias"]),
        any_weights,
        weights,
        positive,
        (0.0, *(logit(data["thresholds"][h]) for h in heads[1:])),
        {lang: logit(t) for lang, t in data["thresholds"][ANY].items()},
        float(data["thresholds"]["evidence"]),
        {k: v for k, v in data.items() if k not in ("features", "bias")},
        tuple(data.get("chars", ())),
    )


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model (read once per process)."""
    raw = resources.files("harasslog.rulepacks").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return from_dict(json.loads(raw))


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Scored:
    """What the model says of one message: each head's probability, and which heads pass."""

    scores: dict[str, float]
    passed: tuple[str, ...]  # categories to review, strongest first ("any" never listed)


_NOTHING = Scored({}, ())


@lru_cache(maxsize=65536)
def score(normalized: str, model: Model | None = None) -> Scored:
    """Score a normalized text (cached: collectors repeat templates).

    A category is passed when the "any" head passes its threshold and the category passes its own;
    when "any" passes but no category does, the category nearest its threshold stands for it, so a
    message the model thinks breaches something always reaches a person.

    "any" is summed in two parts, each cached: the Chinese skeleton (amounts, dates and numbers
    between the runs do not change it) and the words. Most messages stop there. The text's own
    n-grams must weigh towards a breach: the corpus is mostly threats, so its prior alone ("Ok",
    "Wait what") would pass.
    """
    m = model or load()
    text = normalized[:MAX_SCORED]
    zh = _NOT_CJK.sub(EDGE, text)
    lang = "zh" if zh.strip(EDGE) else "en"
    own = _zh_any(m, zh) + _words_any(m, _words(text))
    if own <= m.evidence or m.bias[0] + m.any_weights.get(LANG_FEATURE[lang], 0.0) + own < m.any_thresholds[lang]:
        return _NOTHING
    z = m.logits(features(normalized, m.chars))
    margins = sorted(((z[h] - m.thresholds[h], h) for h in range(1, len(m.heads))), reverse=True)
    passed = [h for margin, h in margins if margin >= 0] or [margins[0][1]]
    return Scored({m.heads[h]: sigmoid(z[h]) for h in range(len(m.heads))}, tuple(m.heads[h] for h in passed))


@lru_cache(maxsize=16384)
def _zh_any(m: Model, zh: str) -> float:
    return sum(map(m.any_weights.get, _zh_grams(zh), repeat(0.0)))


@lru_cache(maxsize=16384)
def _words_any(m: Model, words: tuple[str, ...]) -> float:
    return sum(map(m.any_weights.get, _word_grams(words, m.chars), repeat(0.0)))


@lru_cache(maxsize=4096)
def evidence(normalized: str, category: str, model: Model | None = None, top: int = 6) -> list[tuple[int, int, float]]:
    """The regions of a normalized text that weigh most for a category: [(start, end, weight)], strongest first.

    The `top` n-gram occurrences with the largest positive weight are taken; overlapping or touching
    ones merge into one region (出点什 + 点什么 + 什么事 → 出点什么事), its weight their sum.
    """
    m = model or load()
    weigh = m.positive[m.heads.index(category)].get
    hits: list[tuple[float, int, int]] = []
    for gram, s, e in grams(normalized, m.chars):
        w = weigh(gram)
        if w is not None and (e - s > 1 or not _HAS_CJK.match(gram)):
            hits.append((w, s, e))  # a lone Chinese character counts, but quotes as noise
    hits.sort(key=lambda x: (-x[0], x[1], x[2]))
    regions: list[list[float]] = []
    for w, s, e in sorted(hits[:top], key=lambda x: (x[1], x[2])):
        # Touching, or one space apart ("will" "come"), is one region; a comma ends it.
        if regions and (s <= regions[-1][1] or (s == regions[-1][1] + 1 and normalized[s - 1] == " ")):
            regions[-1][1] = max(regions[-1][1], e)
            regions[-1][2] += w
        else:
            regions.append([s, e, w])
    regions.sort(key=lambda r: (-r[2], r[0]))
    # Weak company (a lone 你 beside 出点什么事) is no evidence worth quoting.
    regions = [r for r in regions if r[2] >= regions[0][2] / 4] if regions else []
    return [(int(s), int(e), w) for s, e, w in regions]
