#!/usr/bin/env python3
"""The CLIP text tokenizer as OpenAI's CLIP and open_clip define it, written from its description, as
the yardstick for Glimpse's TypeScript tokenizer (src/core/runtime/tokenizer.ts) and the source of
test/fixtures/tokenizer/golden.json.

The algorithm, step by step:
  * clean: ftfy.fix_text's quote uncurling (U+02BC and U+2018-U+201B become ', U+201C-U+201F become ")
    and its last step, Unicode NFC (the rest of ftfy - mojibake repair, width and ligature folding,
    control-character removal - is not reproduced: ftfy is not installed here), html.unescape applied twice, str.strip(), runs of
    regex-module \\s collapsed to one space, str.strip() again, then str.lower();
  * split: regex.findall of CLIP's piece pattern, case-insensitive (which matters: it lets "'\u017f"
    count as a contraction and makes U+0345 match no alternative, so it is dropped);
  * each piece's UTF-8 bytes become printable characters through GPT-2's byte table;
  * a piece that is exactly <|startoftext|> or <|endoftext|> is that special id; any other piece is
    BPE-merged with '</w>' glued to its last symbol, lowest merge rank first, every occurrence of the
    chosen pair merged left to right;
  * ids: 49406 first, 49407 last; past the context length the sequence is cut and its last id set to
    49407.

Input (stdin): a JSON array of strings, or of objects with a "text" field (so golden.json can be fed
back in). Output (stdout): a JSON array of {"text", "ids"}, one entry a line; "ids" is the sequence
for the context length without its zero padding. --samples prints the fixture's texts instead.

Regenerate the fixture (only python3 and the `regex` module are needed):
  python3 tools/reference/clip_tokenize_ref.py --samples \\
    | python3 tools/reference/clip_tokenize_ref.py > test/fixtures/tokenizer/golden.json
"""

import argparse
import gzip
import html
import json
import random
import sys
import unicodedata
from pathlib import Path

import regex

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VOCAB = REPO_ROOT / "resources" / "clip-bpe" / "bpe_simple_vocab_16e6.txt.gz"
# CLIP keeps the first 49152 - 256 - 2 merge lines: with 512 byte tokens and 2 specials, 49408 ids.
MERGE_COUNT = 49152 - 256 - 2
CONTEXT_LENGTH = 77
START, END = "<|startoftext|>", "<|endoftext|>"
PIECE = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)
SPACES = regex.compile(r"\s+")
# ftfy.fix_text uncurls quotes by default (its uncurl_quotes step).
SINGLE_QUOTES = regex.compile("[\u02bc\u2018-\u201b]")
DOUBLE_QUOTES = regex.compile("[\u201c-\u201f]")


def byte_table():
    """Byte -> character: printable Latin-1 bytes stand for themselves, the other 68 bytes take the
    characters from U+0100 on, in byte order. Also returns the characters in id order."""
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    rest = [b for b in range(256) if b not in printable]
    chars = {b: chr(b) for b in printable}
    chars.update({b: chr(0x100 + i) for i, b in enumerate(rest)})
    return chars, [chars[b] for b in printable + rest]


class ClipReference:
    def __init__(self, vocab_gz):
        lines = gzip.decompress(Path(vocab_gz).read_bytes()).decode("utf-8").split("\n")
        merges = [tuple(line.split(" ")) for line in lines[1 : 1 + MERGE_COUNT]]
        if len(merges) != MERGE_COUNT or any(len(m) != 2 for m in merges):
            raise SystemExit(f"{vocab_gz}: expected {MERGE_COUNT} merge pairs after the header line")
        self.byte_char, base = byte_table()
        tokens = base + [c + "</w>" for c in base] + ["".join(m) for m in merges] + [START, END]
        self.token_id = {t: i for i, t in enumerate(tokens)}
        self.rank = {m: i for i, m in enumerate(merges)}
        self.cache = {}

    @staticmethod
    def clean(text):
        text = SINGLE_QUOTES.sub("'", text)
        text = DOUBLE_QUOTES.sub('"', text)
        text = unicodedata.normalize("NFC", text)
        text = html.unescape(html.unescape(text)).strip()
        return SPACES.sub(" ", text).strip().lower()

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        symbols = list(word[:-1]) + [word[-1] + "</w>"]
        while len(symbols) > 1:
            ranked = [(self.rank.get(p, len(self.rank)), p) for p in zip(symbols, symbols[1:])]
            best_rank, best = min(ranked)
            if best_rank == len(self.rank):
                break
            merged, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    merged.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
        self.cache[word] = symbols
        return symbols

    def content_ids(self, text):
        ids = []
        for piece in PIECE.findall(self.clean(text)):
            word = "".join(self.byte_char[b] for b in piece.encode("utf-8"))
            if word in (START, END):
                ids.append(self.token_id[word])
            else:
                ids.extend(self.token_id[s] for s in self.bpe(word))
        return ids

    def encode(self, text, context_length):
        ids = [self.token_id[START], *self.content_ids(text), self.token_id[END]]
        if len(ids) > context_length:
            ids = ids[:context_length]
            ids[-1] = self.token_id[END]
        return ids


def sample_texts():
    """The fixture's texts: everyday captions plus the corners where tokenizers drift apart."""
    captions = [
        "a photo of a cat",
        "A photo of a dog playing in the snow",
        "sunset over the ocean with orange clouds",
        "a red car parked next to a brick wall",
        "two children building a sandcastle on the beach",
        "close-up of a bee on a yellow flower",
        "birthday cake with candles",
        "mountain lake reflecting pine trees at dawn",
        "black and white portrait of an old man",
        "a bowl of ramen with chopsticks",
        "my grandmother's kitchen",
        "receipt from the hardware store",
        "screenshot of a spreadsheet",
        "the eiffel tower at night",
        "golden retriever puppy asleep on a couch",
        "fireworks over the harbour",
        "a bicycle leaning against a lamppost in amsterdam",
        "snow-covered cabin in the woods",
        "a whiteboard full of equations",
        "wedding photo, bride and groom dancing",
    ]
    punctuation = [
        "hello, world!",
        "what?! no way...",
        "cats & dogs",
        "price: $4.99 (on sale)",
        "email me at someone@example.com",
        "#sunset #beach #nofilter",
        "C++ and C# code",
        "a -- b --- c",
        "\"quoted\" and 'single quoted'",
        "semi;colon:colon/slash\\backslash",
        "<b>bold</b> <i>italic</i>",
        "~~~***!!!???",
        "100% sure",
        "under_score and snake_case_name",
        "[brackets] {braces} (parens)",
        "a|b|c",
        "…ellipsis — em dash – en dash",
        "«guillemets» „low quotes“ ‘curly’ “double”",
        "¿dónde está? ¡aquí!",
        "©2024 ™ ® °C ±5",
    ]
    contractions = [
        "it's a dog's life",
        "don't stop",
        "don\u2019t stop, it\u2019s \u201cgreat\u201d",
        "the dog\u02bcs ball \u201fodd\u201e quotes\u201b",
        "we're here and they've gone",
        "I'm sure you'll see what he'd do",
        "IT'S LOUD",
        "rock'n'roll",
        "o'clock",
        "the 90's",
        "can't won't shouldn't",
        "'s 't 're 've 'm 'll 'd",
        "don’t with a curly apostrophe",
        "'\u017f long s after an apostrophe",
    ]
    numbers = [
        "1234567890",
        "room 101",
        "3.14159",
        "1,000,000 people",
        "2024-06-01 12:30:45",
        "0xFF 0b1010",
        "iPhone 15 Pro Max",
        "4k 60fps",
        "½ cup and ¾ teaspoon",
        "²³ superscripts and ₁₂ subscripts",
        "roman numerals Ⅻ ⅷ",
        "arabic-indic digits ٠١٢٣٤٥٦٧٨٩",
        "devanagari digits ०१२३",
        "fullwidth digits １２３",
        "-42 +17 =25",
    ]
    accents = [
        "café crème brûlée",
        "naïve résumé façade",
        "Ångström and Øresund",
        "Straße in München",
        "Łódź, Kraków, Gdańsk",
        "Ærøskøbing",
        "São Paulo e Conceição",
        "İstanbul ve Iğdır",
        "Crème Brûlée",
        "cafe\u0301 with a combining accent",
        "e\u0301\u0301 stacked accents",
        "\u0041\u030a decomposed angstrom",
        "Ελληνικά: ΟΔΟΣ και Σίσυφος",
        "tiếng việt có dấu",
        "ÉCOLE ÉLÉMENTAIRE",
        "ǅemal and ǈubljana digraphs",
        "ﬁ ﬂ ligatures",
        "a\u0345 ypogegrammeni",
    ]
    emoji = [
        "🐱",
        "a cat 🐱 on a mat",
        "🍕🍔🍟",
        "family 👨\u200d👩\u200d👧\u200d👦 at the park",
        "thumbs up 👍🏽",
        "waving 👋🏿 hand",
        "flags 🇯🇵 🇫🇷 🇧🇷",
        "rainbow flag 🏳️\u200d🌈",
        "england 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "heart ❤️ and ❤",
        "keycap 1️⃣ #️⃣",
        "woman technologist 👩🏻\u200d💻",
        "😀😃😄😁😆😅😂🤣",
        "emoji-only 🎉",
        "☀️ sunny ☔ rainy ❄️ snowy",
    ]
    scripts = [
        "東京の夜景",
        "北京天安门广场",
        "猫が寝ている写真",
        "한국어 텍스트 사진",
        "カタカナとひらがな",
        "ｈａｌｆｗｉｄｔｈ ｶﾀｶﾅ",
        "مرحبا بالعالم",
        "صورة قطة على الأريكة",
        "שלום עולם",
        "תמונה של כלב",
        "Привет, мир!",
        "фотография кошки на диване",
        "नमस्ते दुनिया",
        "बिल्ली की तस्वीर",
        "ภาษาไทย",
        "ქართული ენა",
        "Հայերեն",
        "ትግርኛ አማርኛ",
        "தமிழ் எழுத்து",
        "mixed English 和 中文 and العربية",
        "\u200fright-to-left mark and \u200eleft-to-right mark",
        "zero\u200bwidth\u200bspace",
        "non\u00a0breaking\u00a0space",
        "soft\u00adhyphen",
        "\ufeffbyte order mark at the start",
    ]
    entities = [
        "fish &amp; chips",
        "&lt;tag&gt;",
        "&quot;quoted&quot;",
        "it&#39;s",
        "&#x27;hex&#X27;",
        "caf&eacute;",
        "&amp;amp; double escaped",
        "&amp;lt;b&amp;gt;",
        "&amp;amp;amp; triple",
        "&nbsp;non&nbsp;breaking",
        "&copy; 2024 &mdash; all rights",
        "&notit; &notin; &not",
        "&amp &lt no semicolons",
        "&AMP; &LT; upper case",
        "&#128049; cat by number",
        "&#0; &#1; &#128; &#150; &#x9d; invalid references",
        "&#xD800; &#1114112; out of range",
        "&unknownentity; &; & alone",
        "&#65&#66&#67",
        "&hearts;&spades;",
    ]
    whitespace = [
        "",
        " ",
        "\t\n\r ",
        "  leading and trailing  ",
        "tab\tseparated\twords",
        "line\nbreaks\r\nand\rreturns",
        "many     spaces    between",
        "form\ffeed and vertical\vtab",
        "ideographic\u3000space",
        "en\u2002em\u2003thin\u2009spaces",
        "line\u2028separator\u2029paragraph",
        "next\u0085line",
        "file\u001cgroup\u001drecord\u001eunit\u001fseparators",
        "\u001cleading separator control",
        "null\u0000char and bell\u0007",
    ]
    upper_and_urls = [
        "A PHOTO OF A CAT",
        "CamelCaseWords and mIxEd CaSe",
        "NASA JPEG HDR",
        "https://example.com/path?query=1&x=2#frag",
        "www.github.com/openai/CLIP",
        "file:///home/user/Pictures/IMG_0001.JPG",
        "user@mail.example.org",
        "IMG_20240601_123045.jpg",
        "DSC01234.NEF",
    ]
    specials = [
        "<|startoftext|>",
        "<|endoftext|>",
        "a <|endoftext|> b",
        "x<|startoftext|>y",
        "!<|endoftext|>",
        "<|ENDOFTEXT|> upper case",
        "<|endoftext|><|endoftext|>",
        "<|\u017ftartoftext|><|endoftext|>",
        "&lt;|endoftext|&gt;",
        "<|endoftext",
    ]
    long_texts = [
        "a photo of a cat " * 20,
        "supercalifragilisticexpialidocious" * 12,
        "1234567890" * 12,
        "🐱" * 40,
        " ".join(f"word{i}" for i in range(80)),
        "the quick brown fox jumps over the lazy dog. " * 8,
        "東京" * 60,
        "a" * 300,
        "!" * 200,
    ]
    return (
        captions + punctuation + contractions + numbers + accents + emoji + scripts
        + entities + whitespace + upper_and_urls + specials + long_texts + mixed_soup()
    )


def mixed_soup(count=24, seed=20240601):
    """Seeded random strings over many scripts, marks, symbols and separators: corners nobody listed."""
    pool = (
        "abcxyzABCXYZ0123456789 '&;#!?.,-_/<|>"
        + "éüßøçñÅÆŒ" + "αβγΣς" + "абвЖЯ" + "אבג" + "ابتث" + "कखग्" + "กขค" + "한글" + "漢字かなカナ"
        + "\u0301\u0308\u0345\u200d\u00a0\u3000\t\n" + "½²①Ⅳ٣" + "€£¥©®™°" + "😀🐱👍🏽🇫🇷"
    )
    rng = random.Random(seed)
    return ["".join(rng.choice(pool) for _ in range(rng.randint(4, 40))) for _ in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vocab", default=str(DEFAULT_VOCAB), help="bpe_simple_vocab_16e6.txt.gz")
    parser.add_argument("--context-length", type=int, default=CONTEXT_LENGTH)
    parser.add_argument("--samples", action="store_true", help="print the fixture's texts as JSON")
    args = parser.parse_args()
    if args.samples:
        json.dump(sample_texts(), sys.stdout, ensure_ascii=False, indent=0)
        sys.stdout.write("\n")
        return
    items = json.load(sys.stdin)
    texts = [item["text"] if isinstance(item, dict) else item for item in items]
    if not all(isinstance(t, str) for t in texts):
        raise SystemExit("stdin: expected a JSON array of strings or of {\"text\": ...} objects")
    ref = ClipReference(args.vocab)
    lines = [
        json.dumps({"text": t, "ids": ref.encode(t, args.context_length)}, ensure_ascii=False)
        for t in texts
    ]
    sys.stdout.write("[\n" + ",\n".join(lines) + "\n]\n")


if __name__ == "__main__":
    main()
