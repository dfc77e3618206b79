"""Normalisation of place names for matching, across scripts and transliterations.

Place names in conflict reporting arrive in many spellings of one Arabic
original: Daraa, Dar'a, Deraa, Dar‘ā, درعا; Hamouriyeh, Hammouriyeh, Hammura,
حمورية; Kafranbel, Kafr Nabl, Kafr Nubl, كفرنبل. Matching works on two kinds
of key computed here, for the gazetteer when it is built and for every query.

Exact key (:func:`name_key`)
    Case, diacritics, apostrophes (hamza, ayn), punctuation, the Arabic
    article (``al-``, ``el-``, ``as-``, ``ad-``…, ``ال``) and generic words
    ("province", "district", "town"…) are folded away; Arabic letter variants
    are unified (أ إ آ → ا, ة → ه, ى → ي). Two spellings that differ only in
    those share a key.

Consonant skeleton (:func:`skeleton_keys`)
    The Arabic name is the bridge between Latin spellings: Arabic writes the
    consonants and long vowels, and every transliteration scheme renders
    each consonant in a small set of ways. Both scripts are reduced to one
    alphabet of consonant classes, spaces removed:

    ============  ==========================  ===========================
    class         Arabic                      Latin
    ============  ==========================  ===========================
    ``b``         ب پ                         b, p
    ``t``         ت ط ث (also ``s``)          t, th
    ``j``         ج (also ``g``)              j, dj, zh
    ``h``         ح ه                         h (not after a vowel at the
                                              end of a word: ta marbuta)
    ``k``         خ ك ق                       k, kh, q, c, ck, x (``ks``)
    ``d``         د ض ذ (also ``z``)          d, dh
    ``r``         ر                           r
    ``z``         ز ظ (also ``d``)            z
    ``s``         س ص                         s
    ``c``         ش چ                         sh, ch, sch, tch, š, ş
    ``g``         غ گ                         g, gh
    ``f``         ف ڤ                         f, ph, v
    ``l m n``     ل م ن                       l, m, n
    (none)        ا و ي ى ء ع and hamzas      vowels, w, y, apostrophes
    ============  ==========================  ===========================

    Then doubled classes collapse to one (shadda is not written in Arabic,
    while Latin doubles letters: Hammura / حمورة). Ta marbuta (ة) gives no
    consonant, or ``t`` in the construct state (Maarrat al-Numan,
    معرة النعمان). Where an Arabic letter has two usual renderings (ث, ذ,
    ظ, ج) both skeletons are kept. A Latin article glued to a later word
    (OCHA's "Madamiyet Elsham") is also tried without it.

    A shared skeleton is necessary, not sufficient: the geocoder also asks
    for similar spellings (:func:`similarity`) and ranks by prominence, and
    it only ever matches skeletons within the requested country.

Aliases (:func:`name_aliases`)
    A trailing qualifier (Gharbi/Sharqi "western/eastern", Fawqani/Tahtani
    "upper/lower", al-Balad "the town"…) is dropped, so "Barzeh" finds
    "Barza al-Balad"; and a name whose later words start with the article is
    also known by its first word ("Moadamiyeh" for "Moadamiyet al-Sham"),
    unless that word is a generic one such as Kafr, Tall, Deir or Ain.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product
from typing import NamedTuple

from rapidfuzz import fuzz

# Hamza and ayn are written with many apostrophe-like marks, or not at all.
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʿʾʼʻ′‛"), None)

# Letters NFKD does not decompose into a base letter, and letters whose base letter would change the
# sound class (š, č). In romanised Arabic (GeoNames, BGN/PCGN) ş ţ ḑ ẓ ḩ stand for emphatic s t d z h,
# so they keep their base letter.
_LATIN_EXTRA = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe",
                              "þ": "th", "š": "sh", "č": "ch", "ž": "zh"})

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": None,
                                 "ک": "ك", "ی": "ي"})

# Transliterations of the Arabic definite article, written as a separate word
# once hyphens become spaces ("As-Suwayda" -> "as suwayda").
LATIN_ARTICLES = frozenset(
    "al el ul il ar er as es ad ed az ez at et an en ash esh ech adh ath dh".split()
)

# Generic words that say what kind of place a name is rather than which one, with that kind.
KIND_WORDS = {
    "governorate": "admin1", "province": "admin1", "muhafazat": "admin1", "muhafazah": "admin1",
    "muhafaza": "admin1", "محافظه": "admin1", "countryside": "admin1", "rif": None, "ريف": None,
    "district": "admin2", "mantika": "admin2", "mantiqa": "admin2", "mantiqat": "admin2",
    "subdistrict": "admin3", "nahiya": "admin3", "nahia": "admin3", "nahiyah": "admin3", "ناحيه": "admin3",
    "town": "place", "village": "place", "city": "place", "neighbourhood": "place", "neighborhood": "place",
    "quarter": "place", "بلده": "place", "قريه": "place", "مدينه": "place", "حي": "place",
    "region": None, "area": None,
}
# "Rif Dimashq" and "Rif Halab" are names: "rif" is only generic at the end ("Idlib countryside").
GENERIC_WORDS = frozenset(word for word in KIND_WORDS if word not in ("rif", "ريف"))
# A Latin name without any of these words is its own key, with no kind hint.
_PLAIN_WORDS_UNLESS = LATIN_ARTICLES | KIND_WORDS.keys() | {"sub"}
ADMIN_HINT_WORDS = frozenset(word for word, kind in KIND_WORDS.items() if kind and kind.startswith("admin"))

# Words that begin many names and say little on their own ("Kafr X", "Tall Y"): a name is not
# also known by one of these alone.
GENERIC_FIRST_WORDS = frozenset(
    "kafr kfar kefr tall tell tal til deir dayr der dair ain ayn ein aain beit bayt bet beyt abu abou umm um om "
    "khirbet khirbat kherbet khirbit jisr jisser ras wadi jabal jebel jbel qasr bir mazraat mazraet mazraa marj "
    "sheikh shaykh cheikh bab hay hayy harat maarrat maarat maaret marat qalaat qalat qala tal".split()
)

# Trailing words that tell apart places sharing a name ("X Gharbi", "X al-Fawqani").
QUALIFIER_WORDS = frozenset(
    "gharbi gharbiyeh gharbiya gharbiyah sharqi sharqiyeh sharqiya sharqiyah shamali shamaliyeh shamaliya janoubi "
    "janubi janubiyeh janubiya fawqani fouqani fokani tahtani tahtani kabir kbir kabira saghir sghir saghira "
    "balad gharbe sharqe west western east eastern north northern south southern upper lower old new jadid jadideh "
    "qadim qadimeh "
    "غربي غربيه شرقي شرقيه شمالي شماليه جنوبي جنوبيه فوقاني تحتاني كبير كبيره صغير صغيره بلد جديد جديده قديم قديمه"
    .split()
)

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)

# Digraphs become upper-case class letters first, so that the single letters below do not touch them.
_LATIN_DIGRAPHS = [
    ("tch", "C"), ("sch", "C"), ("sh", "C"), ("ch", "C"), ("kh", "K"), ("gh", "G"), ("th", "T"), ("dh", "D"),
    ("dj", "J"), ("zh", "J"), ("ph", "F"), ("ck", "K"),
]
_LATIN_LETTERS = str.maketrans({"q": "k", "c": "k", "x": "ks", "p": "b", "v": "f"})
_LATIN_DROP = re.compile("[aeiouwy]")
_DOUBLED = re.compile(r"(.)\1+")

# Arabic letter -> consonant classes (first is the usual one); letters not listed give nothing.
_ARABIC_CLASSES: dict[str, tuple[str, ...]] = {
    "ب": ("b",), "پ": ("b",), "ت": ("t",), "ط": ("t",), "ث": ("t", "s"), "ج": ("j", "g"), "ح": ("h",), "ه": ("h",),
    "خ": ("k",), "ك": ("k",), "ک": ("k",), "ق": ("k",), "د": ("d",), "ض": ("d",), "ذ": ("d", "z"), "ر": ("r",),
    "ز": ("z",), "ظ": ("z", "d"), "س": ("s",), "ص": ("s",), "ش": ("c",), "چ": ("c",), "غ": ("g",), "گ": ("g",),
    "ف": ("f",), "ڤ": ("f",), "ل": ("l",), "م": ("m",), "ن": ("n",), "ة": ("", "t"),
}
_MAX_VARIANTS = 16


# The combining diacritical marks (U+0300-U+036F) that NFKD splits off Latin letters.
_LATIN_MARKS = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]")


def _fold_latin(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES).translate(_LATIN_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _LATIN_MARKS.sub("", decomposed)
    if stripped.isascii():
        return stripped  # most names: no other mark can be left
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_words(text: str) -> list[str]:
    """The words of :func:`fold`, as a list."""
    if text.isascii():
        text = text.lower()
        if text.replace(" ", "").isalnum():
            return text.split()  # most names: letters and spaces only, nothing for the expression below to do
        text = text.translate(_APOSTROPHES)
    else:
        text = _ARABIC_MARKS.sub("", _fold_latin(text)).translate(_ARABIC_LETTERS)
    return _NON_WORD.sub(" ", text).replace("_", " ").split()


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without diacritics or apostrophes.

    Arabic script is normalised too: short vowels and tatweel removed, the
    alef, ta marbuta and alef maqsura variants unified.

    Parameters
    ----------
    text
        Any string.

    Returns
    -------
    str
        The folded string, words separated by single spaces.
    """
    return " ".join(fold_words(text))


def _strip_article(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


def _significant(words: list[str]) -> list[str]:
    """Words without articles and generic words (a trailing "rif"/"ريف", "countryside", is generic too)."""
    kept = []
    for i, word in enumerate(words):
        if word in LATIN_ARTICLES and i + 1 < len(words):
            continue
        word = _strip_article(word)
        if word in GENERIC_WORDS or (word in ("rif", "ريف") and i == len(words) - 1 and i > 0):
            continue
        if word == "sub" and i + 1 < len(words) and words[i + 1] == "district":
            continue
        kept.append(word)
    return kept or words


def name_words(text: str) -> list[str]:
    """Split a name into folded words without articles or generic words.

    Parameters
    ----------
    text
        A place name in any script.

    Returns
    -------
    list of str
        The significant words; if stripping would leave nothing, the folded
        words themselves.
    """
    return _significant(fold_words(text))


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """Return the exact-match key of a place name.

    Parameters
    ----------
    text
        A place name in any script.

    Returns
    -------
    str
        The key; empty if ``text`` has no letters or digits.

    Examples
    --------
    >>> name_key("As-Suwayda'") == name_key("al Suwayda")
    True
    >>> name_key("محافظة إدلب") == name_key("ادلب")
    True
    """
    return " ".join(name_words(text))


def kind_hint(words: list[str]) -> str | None:
    """The kind of place folded words say they name: ``"admin1"``, ``"admin2"``, ``"admin3"``, ``"place"`` or None."""
    if KIND_WORDS.keys().isdisjoint(words):
        return None  # most names: no kind word, so no "district" after "sub" and no trailing "rif" either
    kinds = [KIND_WORDS.get(word) for word in words]
    if "sub" in words and "district" in words:
        return "admin3"
    for kind in ("admin3", "admin2", "admin1", "place"):
        if kind in kinds:
            return kind
    if len(words) > 1 and words[-1] in ("rif", "ريف"):
        return "admin1"
    return None


def analyse_name(text: str) -> tuple[str, str | None]:
    """Return ``(name_key(text), kind_hint(...))`` with one pass of folding.

    Parameters
    ----------
    text
        A place name.

    Returns
    -------
    (str, str or None)
        The exact key, and the kind of place the name says it is (e.g.
        ``"admin1"`` for "Idlib province", ``"admin3"`` for "Kafr Nobol
        sub-district").
    """
    words = fold_words(text)
    if _PLAIN_WORDS_UNLESS.isdisjoint(words) and text.isascii():
        return " ".join(words), None  # most names: no article, generic or kind word to take out
    return " ".join(_significant(words)), kind_hint(words)


def has_admin_hint(text: str) -> bool:
    """Tell whether a name says it means an administrative unit ("Idlib province", "Harim district").

    Parameters
    ----------
    text
        A place name.

    Returns
    -------
    bool
    """
    return (kind_hint(fold_words(text)) or "").startswith("admin")


def is_arabic(text: str) -> bool:
    """True if ``text`` has Arabic letters."""
    return not text.isascii() and _ARABIC_SCRIPT.search(text) is not None


def _latin_word_skeleton(word: str) -> str:
    if len(word) > 2 and word.endswith("h") and word[-2] in "aeiouy":
        word = word[:-1]  # ta marbuta: -ah, -eh, -iyeh
    for digraph, replacement in _LATIN_DIGRAPHS:
        word = word.replace(digraph, replacement)
    return _LATIN_DROP.sub("", word.translate(_LATIN_LETTERS)).lower()


def _latin_skeletons(words: list[str]) -> set[str]:
    words = [w for w in words if w.isascii()]
    if not words:
        return set()
    forms = [[w] for w in words]
    for i in range(1, len(words)):
        word = words[i]
        for article in ("al", "el"):
            if word.startswith(article) and len(word) > len(article) + 2 and word[len(article)] not in "aeiouy":
                forms[i].append(word[len(article):])
    skeletons = set()
    for combination in product(*forms):
        skeleton = _DOUBLED.sub(r"\1", "".join(_latin_word_skeleton(w) for w in combination))
        if skeleton:
            skeletons.add(skeleton)
    return skeletons


def _arabic_words(text: str) -> list[str]:
    """Significant Arabic words, without marks, tatweel or article; alef and hamza variants unified, ta marbuta kept."""
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text))
    text = text.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": None}))
    words = [_strip_article(word) for word in _NON_WORD.sub(" ", text).split()]
    kept = []
    for i, word in enumerate(words):
        folded = word.translate(_ARABIC_LETTERS)
        if folded in GENERIC_WORDS or (folded == "ريف" and i == len(words) - 1 and i > 0):
            continue
        kept.append(word)
    return kept or words


def _arabic_skeletons(text: str) -> set[str]:
    options = []
    words = _arabic_words(text)
    for number, word in enumerate(words):
        last_word = number == len(words) - 1
        for position, ch in enumerate(word):
            classes = _ARABIC_CLASSES.get(ch)
            if classes is None:
                continue
            if position == len(word) - 1 and ch in "ةه":
                # Ta marbuta (or a ta marbuta some source wrote as ha): silent at the end of the name,
                # "t" or silent before another word (construct state).
                classes = ("",) if last_word else ("", "t")
            options.append(classes)
    skeletons = set()
    for count, combination in enumerate(product(*options)):
        if count >= _MAX_VARIANTS:
            break
        skeleton = _DOUBLED.sub(r"\1", "".join(combination))
        if skeleton:
            skeletons.add(skeleton)
    return skeletons


@lru_cache(maxsize=1 << 16)
def skeleton_keys(text: str) -> frozenset[str]:
    """The consonant skeletons of a place name (see the module docstring).

    Parameters
    ----------
    text
        A place name in Latin or Arabic script.

    Returns
    -------
    frozenset of str
        One skeleton, or a few where the spelling allows more than one
        reading; empty for a name with no consonants.

    Examples
    --------
    >>> skeleton_keys("Hamouriyeh") == skeleton_keys("Hammura") == skeleton_keys("حمورة") == {"hmr"}
    True
    >>> skeleton_keys("Kafr Nubl") == skeleton_keys("Kafranbel") == skeleton_keys("كفرنبل") == {"kfrnbl"}
    True
    """
    if is_arabic(text):
        return frozenset(_arabic_skeletons(text))
    return frozenset(_latin_skeletons(name_words(text)))


@lru_cache(maxsize=1 << 16)
def query_skeleton_keys(text: str) -> frozenset[str]:
    """The skeletons to look a query up by: :func:`skeleton_keys`, and, for a Latin word ending in -ah or -eh,
    the skeleton keeping its h, which may be a consonant (ح in "Tal Malah", Tal Milh) rather than a silent
    ta marbuta."""
    keys = skeleton_keys(text)
    if is_arabic(text):
        return keys
    words = [w for w in name_words(text) if w.isascii()]
    if not words or not (len(words[-1]) > 2 and words[-1].endswith("h") and words[-1][-2] in "aeiouy"):
        return keys
    return keys | frozenset(key + "h" for key in keys if not key.endswith("h"))


def name_aliases(text: str) -> list[str]:
    """Shorter names a place is also called by (see the module docstring).

    Parameters
    ----------
    text
        A place name.

    Returns
    -------
    list of str
        Aliases (possibly none): each part of a name OCHA joins with " - ";
        the name without a trailing qualifier; its first word (without a
        construct-state "-t") when the next word carries the article. Arabic
        aliases keep their ta marbuta.
    """
    if " - " in text:  # OCHA writes villages counted as one community as "A - B"
        parts = [part.strip() for part in text.split(" - ") if part.strip()]
        return list(dict.fromkeys(a for part in parts for a in [part, *name_aliases(part)]))
    arabic = is_arabic(text)
    raw = _NON_WORD.sub(" ", _ARABIC_MARKS.sub("", text)).split() if arabic else fold_words(text)
    words = _arabic_words(text) if arabic else name_words(text)
    folded = [w.translate(_ARABIC_LETTERS) for w in words] if arabic else words
    aliases = []
    if len(words) > 1 and folded[-1] in QUALIFIER_WORDS:
        aliases.append(" ".join(words[:-1]))
    if len(raw) > 1:
        first = _strip_article(raw[0])
        second = raw[1]
        rest_has_article = second in LATIN_ARTICLES or second.startswith("ال") or (
            second.startswith(("al", "el")) and len(second) > 4)
        if rest_has_article and fold(first) not in GENERIC_FIRST_WORDS and len(first) >= 4:
            aliases.append(first)
            if not arabic and first.endswith(("et", "at", "it")):
                aliases.append(first[:-1])
    return [a for a in dict.fromkeys(aliases) if a and a != " ".join(words)]


# The generic first words of names, grouped by the Arabic word they spell ("Umm", "Um", "Om", ام).
_LEADING_WORDS = {
    "kafr": "kafr kfar kefr kfr kefer كفر", "tall": "tall tell tal til tel تل",
    "deir": "deir dayr der dair dier deyr دير", "ain": "ain ayn ein aain ayin عين",
    "beit": "beit bayt bet beyt bait بيت", "abu": "abu abou abo ابو", "umm": "umm um om oum ام",
    "khirbet": "khirbet khirbat kherbet khirbit khirbe kherbe khurbet kharbet khirbeh خربه",
    "jisr": "jisr jisser جسر", "ras": "ras raas راس", "wadi": "wadi wady وادي",
    "jabal": "jabal jebel jbel jabel جبل", "qasr": "qasr kasr قصر", "bir": "bir ber beer بير",
    "mazraa": "mazraat mazraet mazraa mazraah مزرعه", "marj": "marj merj مرج",
    "sheikh": "sheikh shaykh cheikh sheik shaikh shekh شيخ", "bab": "bab باب",
    "maarrat": "maarrat maarat maaret marat maraat marrat maarra معره",
    "qalaat": "qalaat qalat qala qalaa kalaat قلعه",
}
_LEADING = {spelling: group for group, spellings in _LEADING_WORDS.items() for spelling in spellings.split()}


@lru_cache(maxsize=1 << 16)
def leading_word(text: str) -> tuple[str | None, str]:
    """The group of a name's generic first word ("umm" for "Umm al-Mayadin" and ام المياذن) and its first word.

    The article is skipped; the group is None when the first word is not generic.
    """
    if is_arabic(text):
        words = [w.translate(_ARABIC_LETTERS) for w in _NON_WORD.sub(" ", _ARABIC_MARKS.sub("", text)).split()]
        words = [w for w in words if w not in ("ال",)]
        first = _strip_article(words[0]) if words else ""
    else:
        words = [w for w in fold_words(text) if w not in LATIN_ARTICLES]
        first = words[0] if words else ""
    return _LEADING.get(first), first


def _fused(word: str, group: str | None) -> bool:
    """True if ``word`` begins with a spelling of the generic word ``group`` ("Kafranbel": kafr)."""
    return group is not None and any(word.startswith(spelling) and len(word) > len(spelling) + 1
                                     for spelling in _LEADING_WORDS[group].split())


def same_leading_word(a: str, b: str) -> bool:
    """True unless one name begins with a generic word (Umm, Ain, Tall, Kafr…) that the other lacks.

    "Umm al-Mayadin" is not al-Mayadin, nor "Inkhil" Ain al-Nakhil; a word
    written joined to the rest ("Kafranbel", "Kafr Nabl") still counts.
    """
    (group_a, first_a), (group_b, first_b) = leading_word(a), leading_word(b)
    return group_a == group_b or _fused(first_a, group_b) or _fused(first_b, group_a)


def is_qualified(text: str) -> bool:
    """True if a name ends with a qualifier ("Barza al-Balad", "Tall Tamr al-Gharbi") that it is also known without."""
    words = _arabic_words(text) if is_arabic(text) else name_words(text)
    return len(words) > 1 and words[-1].translate(_ARABIC_LETTERS) in QUALIFIER_WORDS


_VOWEL_SPELLINGS = [("ou", "u"), ("oo", "u"), ("ee", "i"), ("ie", "i"), ("ei", "ai"), ("ey", "ai"), ("ay", "ai"),
                    ("aa", "a"), ("o", "u"), ("w", "u"), ("y", "i")]
_NISBA = re.compile(r"(?:iyeh|iyah|iyat|iyet|iya|iye|ieh)$")
_ENDING = re.compile(r"(?:eh|ah|a|e)$")


@lru_cache(maxsize=1 << 16)
def spelling_form(key: str) -> str:
    """A folded Latin spelling with transliteration noise removed, for :func:`similarity`.

    Consonants are written as their skeleton classes (sh/ch, kh/k/q, th/t…),
    vowels as one of a, i, u (ou, oo, o, w → u; ee, ie, y → i; ay, ey, ei →
    ai), a ta marbuta ending (-ah, -eh, -a) is dropped and a nisba ending
    (-iyeh, -iya) becomes -i, doubled letters collapse and spaces go:
    "Hamouriyeh" becomes "hamuri", "Hammura" "hamur".
    """
    words = []
    for word in key.split():
        stem = _NISBA.sub("i", word)
        stem = stem if stem != word else _ENDING.sub("", word)
        word = stem if len(stem) >= 2 else word
        for digraph, replacement in _LATIN_DIGRAPHS:
            word = word.replace(digraph, replacement)
        word = word.translate(_LATIN_LETTERS).lower()
        for spelling, replacement in _VOWEL_SPELLINGS:
            word = word.replace(spelling, replacement)
        words.append(word)
    return _DOUBLED.sub(r"\1", "".join(words))


_ROMAN = {
    "ب": "b", "پ": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ا": "a", "ى": "a", "أ": "a", "إ": "i", "آ": "a", "ء": "", "ئ": "i", "ؤ": "u",
}


@lru_cache(maxsize=1 << 16)
def romanize(arabic: str) -> str:
    """A plain Latin reading of an Arabic name, for comparing spellings (not for display).

    Consonants in their common Latin form, long vowels as a, i, u (و and ي
    as w and y at the start of a word or after a long a), ta marbuta as a, or
    at before another word; short vowels, unwritten in Arabic, stay unwritten.

    Parameters
    ----------
    arabic
        A name in Arabic script.

    Returns
    -------
    str
        Folded words, as :func:`name_key` would give for a Latin name.
    """
    words = _arabic_words(arabic)
    out = []
    for number, word in enumerate(words):
        letters = []
        for position, ch in enumerate(word):
            previous = letters[-1] if letters else ""
            if ch == "و":
                letters.append("w" if position == 0 or previous == "a" else "u")
            elif ch == "ي":
                letters.append("y" if position == 0 or previous == "a" else "i")
            elif ch == "ة":
                letters.append("a" if number == len(words) - 1 else "at")
            else:
                letters.append(_ROMAN.get(ch, ""))
        out.append("".join(letters))
    return " ".join(w for w in out if w)


# The letters of Arabic romanised the GeoNames (BGN/PCGN) way: long vowels and emphatics are marked.
_BGN_MARKS = frozenset("āīūēōḩḥşṣţṭḑḍẓʻʿʼʾ‘’")
_RASM_ARABIC = {
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ث": "T", "ج": "J", "ح": "H", "ه": "H", "خ": "K", "ك": "K", "ق": "K",
    "د": "D", "ض": "D", "ذ": "D", "ر": "R", "ز": "Z", "ظ": "Z", "س": "S", "ص": "S", "ش": "C", "ع": "E", "غ": "G",
    "ف": "F", "ل": "L", "م": "M", "ن": "N", "ا": "A", "أ": "A", "إ": "A", "آ": "A", "ى": "A", "و": "U", "ؤ": "U",
    "ي": "I", "ئ": "I", "ة": "Q",
}
_RASM_DIGRAPHS = [("kh", "K"), ("sh", "C"), ("th", "T"), ("dh", "D"), ("gh", "G")]
_RASM_LATIN = str.maketrans({
    "ā": "A", "ī": "I", "ū": "U", "y": "I", "w": "U", "‘": "E", "ʿ": "E", "ʻ": "E",
    "ḩ": "H", "ḥ": "H", "h": "H", "ş": "S", "ṣ": "S", "s": "S", "ţ": "T", "ṭ": "T", "t": "T", "ḑ": "D", "ḍ": "D", "d": "D",
    "ẓ": "Z", "z": "Z", "q": "K", "k": "K", "j": "J", "b": "B", "f": "F", "l": "L", "m": "M", "n": "N", "r": "R", "g": "G",
})


def is_romanised(text: str) -> bool:
    """True if ``text`` is Arabic romanised with long-vowel and emphatic marks (Ḩarastā, Kafr Baţnā)."""
    return not _BGN_MARKS.isdisjoint(text.lower())


@lru_cache(maxsize=1 << 16)
def rasm(text: str) -> str:
    """The written letters of a name as Arabic writes them: consonants, long vowels (A I U), ayn (E), ta marbuta (Q).

    Works on Arabic script and on Arabic romanised with marks
    (:func:`is_romanised`): there long vowels are marked (ā ī ū) and short
    ones, unwritten in Arabic, are dropped, so "Jinnīyah" and جنية both give
    ``JNIQ``. The article is left out; doubled letters collapse.

    Parameters
    ----------
    text
        A name.

    Returns
    -------
    str
    """
    if is_arabic(text):
        letters = "".join(_RASM_ARABIC.get(ch, "") for word in _arabic_words(text) for ch in word)
    else:
        words = [w for w in unicodedata.normalize("NFC", text).lower().replace("-", " ").split()]
        kept = [w for i, w in enumerate(words) if not (w.translate(_APOSTROPHES) in LATIN_ARTICLES and i + 1 < len(words))]
        parts = []
        for word in kept:
            word = re.sub(r"ah$", "Q", word)
            for digraph, replacement in _RASM_DIGRAPHS:
                word = word.replace(digraph, replacement)
            parts.append(re.sub(r"[^A-Z]", "", word.translate(_RASM_LATIN)))
        letters = "".join(parts)
    return _DOUBLED.sub(r"\1", letters)


def similarity(a: str, b: str) -> float:
    """How alike two folded spellings are, from 0 to 1 (Latin: after :func:`spelling_form`; Arabic: as written).

    Parameters
    ----------
    a, b
        Keys from :func:`name_key`.

    Returns
    -------
    float
    """
    if a.isascii() and b.isascii():
        a, b = spelling_form(a), spelling_form(b)
    else:
        a, b = a.replace(" ", ""), b.replace(" ", "")
    return fuzz.ratio(a, b) / 100


# Consonant classes for :func:`vowel_disagreement`; Latin digraphs were replaced by the upper-case letters first.
_AGREE_LATIN_CONSONANTS = {
    "b": "B", "p": "B", "t": "T", "T": "T", "d": "D", "D": "D", "j": "J", "g": "J", "J": "J", "G": "G", "h": "H",
    "k": "K", "q": "K", "c": "K", "K": "K", "s": "S", "C": "C", "z": "Z", "r": "R", "l": "L", "m": "M", "n": "N",
    "f": "F", "v": "F", "F": "F", "w": "W", "y": "Y", "x": "K",
}
_AGREE_LATIN_DIGRAPHS = [*_LATIN_DIGRAPHS, ("ou", "u"), ("oo", "u"), ("ee", "i")]
_AGREE_QUALITIES = {"a": "A", "e": "AI", "i": "I", "y": "I", "o": "U", "u": "U", "w": "U"}
_AGREE_ARABIC_CONSONANTS = {
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ث": "TS", "ج": "JG", "ح": "H", "ه": "H", "خ": "K", "ك": "K", "ق": "K",
    "د": "D", "ض": "D", "ذ": "DZ", "ر": "R", "ز": "Z", "ظ": "ZD", "س": "S", "ص": "S", "ش": "C", "غ": "G", "ف": "F",
    "ڤ": "F", "ل": "L", "م": "M", "ن": "N",
}


class _Sound(NamedTuple):
    """One step of a name's shape for :func:`vowel_disagreement`.

    A consonant (``vowel`` False) has its class letters in ``letters``. A
    vowel is, in Latin, a run of vowel letters (``letters``: the letters,
    ``qualities``: A I U); in Arabic, a group of the letters Latin writes as
    vowels (``qualities`` of its long vowels). ``required``: an Arabic group
    holding a long vowel or the final ta marbuta, which a spelling must show;
    ``ending``: the Arabic group ends the name with a ta marbuta or alef
    (spelled -a, -eh…), or the Latin run ends the name; ``initial``: the
    Latin run begins it; ``final``: the Arabic group ends the name.
    """

    vowel: bool
    letters: str
    qualities: str = ""
    required: bool = False
    ending: bool = False
    initial: bool = False
    final: bool = False


def _latin_shape(key: str) -> list[_Sound]:
    """The consonants and vowel runs of a folded Latin name."""
    word = key.replace(" ", "")
    if len(word) > 2 and word[-1] == "h" and word[-2] in "aeiouy":
        word = word[:-1]  # -ah, -eh: a ta marbuta
    for digraph, replacement in _AGREE_LATIN_DIGRAPHS:
        word = word.replace(digraph, replacement)
    sounds: list[_Sound] = []
    for position, ch in enumerate(word):
        vowel = ch in "aeiou"
        if ch in "wy":  # a glide next to a vowel is written with waw or ya, like a long vowel
            before = position > 0 and word[position - 1] in "aeiou"
            after = position + 1 < len(word) and word[position + 1] in "aeiou"
            vowel = before or (after and position > 0)
        if vowel:
            if sounds and sounds[-1].vowel:
                last = sounds[-1]
                sounds[-1] = last._replace(letters=last.letters + ch, qualities=last.qualities + _AGREE_QUALITIES[ch])
            else:
                sounds.append(_Sound(True, ch, _AGREE_QUALITIES[ch], initial=position == 0))
        elif ch in _AGREE_LATIN_CONSONANTS:
            consonant = _Sound(False, _AGREE_LATIN_CONSONANTS[ch])
            if not sounds or sounds[-1] != consonant:
                sounds.append(consonant)
    if sounds and sounds[-1].vowel:
        sounds[-1] = sounds[-1]._replace(ending=True)
    return sounds


def _arabic_shape(arabic: str) -> list[_Sound]:
    """The consonants and vowel groups of an Arabic name (long vowels; ayn, hamza and an initial alef)."""
    words = _arabic_words(arabic)
    sounds: list[_Sound] = []

    def vowel(qualities: str, required: bool, ending: bool = False) -> None:
        if sounds and sounds[-1].vowel:
            last = sounds[-1]
            sounds[-1] = last._replace(qualities=last.qualities + qualities, required=last.required or required,
                                       ending=ending)
        else:
            sounds.append(_Sound(True, "", qualities, required, ending))

    for number, word in enumerate(words):
        last_word = number == len(words) - 1
        for position, ch in enumerate(word):
            final = last_word and position == len(word) - 1
            if ch == "ا":
                vowel("AIU" if position == 0 else "A", position > 0, final)
            elif ch in "عء":
                vowel("", False)
            elif ch in "وي" and position > 0 and not (position > 1 and word[position - 1] == "ا"):
                vowel("U" if ch == "و" else "I", True)
            elif ch in "وي":
                sounds.append(_Sound(False, "W" if ch == "و" else "Y"))
            elif ch == "ة" or (final and ch == "ه" and position > 1):
                if final:
                    vowel("", True, ending=True)
                else:  # construct state: "-at" before the next word (Maarrat), or silent
                    sounds.append(_Sound(False, "T?"))
            elif ch in _AGREE_ARABIC_CONSONANTS:  # a letter written twice is two consonants (a shadda is a mark)
                sounds.append(_Sound(False, _AGREE_ARABIC_CONSONANTS[ch]))
    if sounds and sounds[-1].vowel:
        sounds[-1] = sounds[-1]._replace(final=True)
    return sounds


def _pair_cost(latin: _Sound, arabic: _Sound) -> float | None:
    """Cost of reading Latin ``latin`` as Arabic ``arabic``; None if one cannot be the other."""
    if not latin.vowel and not arabic.vowel:
        return 0.0 if latin.letters in arabic.letters else None if arabic.letters == "T?" else 1.0
    if latin.vowel and arabic.vowel:
        cost = 0.0 if not arabic.qualities or set(latin.qualities) & set(arabic.qualities) else 0.5
        # A glide (y, w) is a written letter; an -a or -eh ending is how a ta marbuta or final alef sounds.
        cost += sum(glide in latin.letters and quality not in arabic.qualities for glide, quality in (("y", "I"), ("w", "U")))
        if arabic.ending and "A" not in latin.qualities:
            cost += 1.0
        elif arabic.final and not arabic.ending and latin.ending and latin.letters[-1] in "ae":
            cost += 1.0  # "Malikiyah" is not al-Maliki
        return cost
    if latin.vowel and arabic.letters in ("W", "Y"):
        return 0.0 if ("U" if arabic.letters == "W" else "I") in latin.qualities else None
    if arabic.vowel and latin.letters in ("W", "Y"):
        return 0.0 if ("U" if latin.letters == "W" else "I") in arabic.qualities else None
    return None


def _latin_skip(sound: _Sound) -> float:
    """Cost of a Latin sound with nothing in the Arabic name."""
    if sound.vowel:
        if sound.initial or sound.ending:  # short vowels are unwritten, but not at either end of a name
            return 0.5 if sound.ending and sound.letters == "e" else 1.0  # French spellings end in a mute e
        return 1.0 if "y" in sound.letters or "w" in sound.letters else 0.0  # a glide is a written letter
    return 0.5 if sound.letters == "H" else 1.0


def _arabic_skip(sound: _Sound) -> float:
    """Cost of a letter of the Arabic name with nothing in the Latin spelling."""
    if sound.vowel:
        return 1.0 if sound.required else 0.0
    return {"H": 0.5, "T?": 0.0}.get(sound.letters, 1.0)


@lru_cache(maxsize=1 << 16)
def vowel_disagreement(key: str, arabic: str) -> float:
    """How much a Latin spelling's vowels contradict an Arabic name's letters (0 when they agree).

    Arabic writes long vowels and the ta marbuta ending, not short vowels. So
    a Latin spelling agrees with an Arabic name when every long vowel of the
    Arabic has a vowel at the same place in the Latin (of a compatible
    quality: a, e for alef; i, e, y for ya; u, o, w for waw), the Latin ends
    in a vowel (-a, -ah, -eh…) exactly when the Arabic ends in a ta marbuta
    or long vowel, and the consonants line up. "Jamla" agrees with جملة (0),
    not with جامل (its long a after the j is missing, and its -a ending) nor
    with جمالة. Each contradiction costs 1 (a vowel of another quality, a
    lone French -e, or an h 0.5); consonants that do not line up cost 1 each.

    Parameters
    ----------
    key
        A Latin name's :func:`name_key`.
    arabic
        An Arabic name.

    Returns
    -------
    float
        The least total cost of aligning the two (with the Arabic name whole or
        without its trailing words).
    """
    latin = _latin_shape(key)
    costs = []
    for name in arabic.split("_"):  # OCHA joins the names of a place known by two with "_"
        words = _arabic_words(name.replace("ى", "ا"))  # alef maqsura sounds "a"
        # A name is also written without its trailing words (Moadamiyeh for Moadamiyet al-Sham).
        costs += [_alignment_cost(latin, _arabic_shape(" ".join(words[:count]))) for count in range(len(words), 0, -1)]
    return min(costs, default=_alignment_cost(latin, []))


@lru_cache(maxsize=1 << 16)
def article_count(text: str) -> int:
    """How many words of a name carry the definite article ("Umm al-Kaif": 1, "الشيخ سعد": 1, "Douma": 0)."""
    if is_arabic(text):
        words = _NON_WORD.sub(" ", _ARABIC_MARKS.sub("", text)).replace("_", " ").split()
        return sum(_strip_article(word) != word for word in words)
    words = fold_words(text)
    return sum(word in LATIN_ARTICLES for word in words[:-1])


def _alignment_cost(latin: list[_Sound], written: list[_Sound]) -> float:
    n, m = len(latin), len(written)
    latin_skips = [_latin_skip(sound) for sound in latin]  # each sound's skip cost once, not once per cell
    arabic_skips = [_arabic_skip(sound) for sound in written]
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = cost[i - 1][0] + latin_skips[i - 1]
    for j in range(1, m + 1):
        cost[0][j] = cost[0][j - 1] + arabic_skips[j - 1]
    for i in range(1, n + 1):
        above, row, sound, skip = cost[i - 1], cost[i], latin[i - 1], latin_skips[i - 1]
        for j in range(1, m + 1):
            best = min(above[j] + skip, row[j - 1] + arabic_skips[j - 1])
            pair = _pair_cost(sound, written[j - 1])
            if pair is not None:
                best = min(best, above[j - 1] + pair)
            row[j] = best
    return cost[n][m]
