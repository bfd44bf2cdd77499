// Writes tests/data/tokens/tiktoken_vectors.json: token ids from OpenAI's tiktoken (its Rust core built to
// WASM, npm tiktoken pinned in package.json) for several hundred hostile strings, in both encodings. The unit
// tests (tests/unit/tokens_test.cpp) check llmgate's tokeniser against them. Run: npm ci && node make_vectors.mjs
// With --check FILE instead, compares tiktoken with the ids in FILE (written by the llmgate side) and exits 1
// on any difference; with --random N SEED OUT, writes N random texts and tiktoken's ids to OUT (tokens_test's
// live differential, which runs when this folder's node_modules is installed).
import { writeFileSync, readFileSync } from "node:fs";
import { get_encoding } from "tiktoken";

const rep = (s, n) => s.repeat(n);
const cp = (...cps) => String.fromCodePoint(...cps);

const cases = [
    // Prose, code, numbers.
    "Hello, world!", "hello world", "The quick brown fox jumps over the lazy dog.", "  leading and trailing  ",
    "It's a dog's life; isn't it? We'll see, they've said, I'd know, you're right, I'm here.",
    "int main() {\n    return 0;\n}\n", "def f(x):\n\tif x:\n\t\treturn [x, x*2]\n", "{\"a\": [1, 2.5, -3e10], \"b\": null}",
    "https://example.com/path/to/page?q=1&r=two#frag", "a/b/c//d///e\n/", "foo.bar(baz)->qux::quux", "SELECT * FROM t WHERE a>=1;",
    "1234567890", "12,345,678.90", "3.14159265358979", "0x1F600 0b1011 1e-9", "v1.2.3-rc.4+build.5", "2026-12-07T15:55:04Z",
    "$100 €200 £300 ¥400 ₹500", "100%", "#hashtag @mention", "C++20 and C# and F#", "snake_case camelCase PascalCase SCREAMING_CASE",
    "HTTPServer XMLHttpRequest getHTTPResponseCode IOError", "ABCdef GHIjkl mnoPQR", "iPhone eBay McDonald's",
    // Scripts.
    "Ελληνικά γράμματα ΑΒΓ", "Русский текст ПРИВЕТ мир", "Հայերեն", "עברית עם ניקוד: שָׁלוֹם", "العربية مع التشكيل: مَرْحَبًا",
    "हिन्दी देवनागरी क्षत्रिय", "বাংলা ভাষা", "ภาษาไทยไม่มีช่องว่าง", "ພາສາລາວ", "བོད་ཡིག", "ქართული ენა", "한국어 텍스트 한글",
    "ひらがなとカタカナ", "漢字と中文字符简体繁體", "中文没有空格但是有很多字", "አማርኛ", "ᏣᎳᎩ ᏗᏓᏰᏍᏗ", "ᠮᠣᠩᠭᠣᠯ", "ភាសាខ្មែរ", "සිංහල",
    "தமிழ்", "తెలుగు", "မြန်မာ", "ᚱᚢᚾᛖᛋ", "᚛ᚑᚌᚐᚋ᚜ ogham" + cp(0x1680) + "space", cp(0x10330, 0x10331, 0x10332) + " gothic",
    cp(0x10400, 0x10428, 0x10401, 0x10429) + " deseret", cp(0x104B0, 0x104D8) + " osage", cp(0x1E900, 0x1E922, 0x1E901, 0x1E923) + " adlam",
    cp(0x10D50, 0x10D70, 0x10D51) + " garay (Unicode 16)", cp(0x10940, 0x10941) + " (Unicode 17, unassigned in 16)",
    cp(0x1D400, 0x1D41A, 0x1D7CE) + " math", "ＦＵＬＬＷＩＤＴＨ ｆｕｌｌ １２３", "Ⅻ ⅻ ↀ 〇 ① ⑵ ½ ¾ ²³ ⁴", "٠١٢٣٤٥٦٧٨٩ ०१२३४५६७८९ ๑๒๓",
    "ǅemal ǈ ǋ ǲ", "ʰʱʲ ˠˡ ᵃᵇᶜ ꜰ", "ABCʰ ʰABC Aʰb ABCǅ ǅABC xʰ", "ß ẞ ŉ ǰ ΐ", "İstanbul ıi", "ﬁ ﬂ ﬀ", "Ǆ ǅ ǆ",
    // Emoji.
    "😀😃😄 emoji", "👨‍👩‍👧‍👦 family", "👩🏽‍💻 coder", "🇺🇸🇬🇧🇯🇵 flags", "1️⃣ #️⃣ keycaps", "❤️ ❤ ☺️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 scotland",
    "🏳️‍🌈🏳️‍⚧️", "a😀b", " 😀 ", "😀's", "👍🏻👍🏼👍🏽👍🏾👍🏿",
    // Combining marks.
    "e\u0301 é", "a\u0301\u0302\u0303\u0304", "\u0301\u0301abc", " \u0301abc", "1\u0301", "ABC\u0301", "\u0301ABC", "ABC\u0301def",
    "x\u0301'S", "Z\u0351\u0352\u0353a\u0354l\u0355g\u0356o\u0357", "\u20DD\u20DE", "क्\u200D", "a\u200Db\u200Cc",
    "!\u0301abc", "!\u0301ABC", "\u0301", " \u0301", "\u0301 ", "ab\u0301\u0301", "AB\u0301C", "A\u0301B\u0301c",
    // Controls and whitespace.
    "\u0000\u0001\u001f\u007f", "a\u0000b", "\u0080\u0085\u009f", "a\u0085b", "a\u0085\u0085b", "a \u0085 b", "\u0085x",
    "a\u00a0b", "a\u00a0\u00a0b", "\u00a0x", "a\u1680b", "a\u2000\u2001\u2002b", "a\u2009b", "a\u200Ab", "a\u2028b", "a\u2029b",
    "a\u202Fb", "a\u205Fb", "a\u3000b", "　全角スペース　", "a\ufeffb", "\ufeff\ufeffx", "a\u200Bb", "a\u180Eb", "a\u000Bb\u000Cc",
    "\t", "\t\tx", "\tx", " \tx", "\t x", "a\u001cb\u001dc\u001ed\u001ff", "x\u00ad y",
    "   ", "   x", "   !", "  \n", "\n\n\n", "\n \n", " \n ", "\n  x", "a\n\nb", "x  ", "x  \n", "x \n\n y",
    "\r\n", "a\r\nb", "a\r\rb", "a\n\rb", "line1\r\nline2\n\rline3\r", "  \r\n  x", "\r\n\r\n\r\n", "x\r\n\r\n", "!!\r\n\r\n",
    "end/\n", "a /\n\n/", "!/\r\n", " !/\n", "?\n\n", " ?\n\n  x",
    // Contractions, odd cases, non-ASCII near-folds.
    "don't DON'T Don'T I'M we'Re they'VE she'LL he'D it'S", "x's X'S x'T x're X'RE x'Ve x'm x'LL x'd X'D",
    "x'ſ", "'ſ", "'ſomething", "x'\u212A", "'\u212Aa", "x'Ｓ", "'s", "''s", "'", "''", "'\n", "' s", "'sss", "'tis", "y'all",
    "rock'n'roll", "ÉTÉ'S", "naïve's", "ĿĿ'll", "ǅ's", "ʰ's", "中's", "1's", "'re'", "'ll'll", "''ll", "'S'T'M'D",
    "x’s curly", "don`t", "\u0301's", "A\u0301'S", "ABC'd", "abc'D", "Abc'Ve", " 's", "!'s", "'LLama", "'DDD", "'Mx",
    // Special-token text.
    "<|endoftext|>", "a<|endoftext|>b", "<|endofprompt|>", "<|fim_prefix|>x<|fim_suffix|>y<|fim_middle|>z",
    "<|endoftext", "<|endoftext|><|endoftext|>", "<|EndOfText|>", " <|endoftext|> ", "<|endoftext|>'s", "<<|endoftext|>>",
    "<|im_start|>user\nhi<|im_end|>", "<|endoftext|>\n<|endofprompt|>",
    // Long runs and long words.
    rep("a", 1000), rep("A", 1000), rep("ab", 500), rep("é", 500), rep("中", 500), rep("😀", 300), rep("!", 1000),
    rep("-", 1000), rep("=", 500), rep("/", 300), rep(" ", 1000) + "x", rep(" ", 1000), rep("\n", 1000), rep("\r\n", 300),
    rep("1", 1000), rep("12", 333), rep("\t", 200) + "y", rep(" ", 7) + "indented", rep("x", 400), rep("Supercalifragilistic", 20),
    rep("abc ", 100), rep("ABC", 300) + "def", rep("ʰ", 300), rep("\u0301", 300), rep("a\u0301", 300), rep("ǅ", 200),
    rep("\u3000", 100), rep("\u0085", 100), rep("\ufeff", 100), rep("'s", 200), rep("<|", 100),
    "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ=" + rep("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk", 20),
    rep("deadbeef", 100), "0x" + rep("0123456789abcdef", 40), rep("lorem ipsum dolor sit amet ", 30),
];

// Seeded random strings over a pool of awkward characters, so the vectors also cover mixtures nobody wrote.
let seed = 20261207;
const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const pool = [
    "a", "b", "Z", "Q", "é", "É", "ß", "ǅ", "ʰ", "中", "한", "ﾊ", "a", "\u0301", "\u0308", "\u20DD", "1", "9", "٣", "Ⅻ", "½",
    " ", " ", " ", "\t", "\n", "\r", "\r\n", "\u0085", "\u00a0", "\u3000", "\ufeff", "\u200b", "\u2028",
    "'", "'s", "'LL", "'ſ", "!", ".", ",", "/", "-", "_", "(", "\"", "$", "😀", "👨‍👩‍👧", "🇫🇷", "\u0000", "\u007f", "<|endoftext|>",
    cp(0x10D50), cp(0x10940), cp(0x1E922), cp(0x10FFFD), cp(0xE000), "ſ", "\u212A",
];
for (let i = 0; i < 300; ++i) {
    let s = "";
    const len = 1 + rand(i < 250 ? 12 : 80);
    for (let k = 0; k < len; ++k) s += pool[rand(pool.length)];
    cases.push(s);
}

const names = ["o200k_base", "cl100k_base"];
const encoders = Object.fromEntries(names.map((n) => [n, get_encoding(n)]));
const ids = (name, text, special) => [...(special ? encoders[name].encode(text, "all") : encoders[name].encode_ordinary(text))];
// One case of the vectors: the ordinary ids, and the special form's where the text has special-token text.
const withIds = (text) => {
    const c = { text };
    for (const n of names) c[n] = ids(n, text, false);
    if (text.includes("<|")) for (const n of names) c[n + "_with_special"] = ids(n, text, true);
    return c;
};

if (process.argv[2] === "--random") {
    // Live differential: N random texts (short mixtures of any code points, and long runs that take the long
    // merge path) from SEED, with tiktoken's ids, written to OUT for tokens_test's live test to compare.
    const [count, seedText, outPath] = process.argv.slice(3);
    let r = Number(seedText);
    const rnd = (n) => { r = (r * 1103515245 + 12345) % 2147483648; return Math.floor((r / 2147483648) * n); };
    const anyChar = () => {
        const k = rnd(10);
        if (k < 4) return pool[rnd(pool.length)];
        if (k < 6) return String.fromCodePoint(32 + rnd(95));
        let c;
        do c = k < 9 ? rnd(0x10000) : rnd(0x110000); while (c >= 0xd800 && c < 0xe000);
        return String.fromCodePoint(c);
    };
    const runs = ["ab", "aeiou", "abcdefghijklmnopqrstuvwxyz", " ", " \t", "=-", "0", "éè", "中文", "😀", "ab\u0301", "xyzXYZ", "\r\n "];
    const texts = [];
    for (let i = 0; i < Number(count); ++i) {
        let t = "";
        if (i % 4 === 3) {
            const a = [...runs[rnd(runs.length)]];
            const len = 60 + rnd(i % 40 === 3 ? 4000 : 400);
            while (t.length < len) t += a[rnd(a.length)].repeat(1 + rnd(8));
        } else {
            for (let k = 1 + rnd(i % 10 === 0 ? 200 : 25); k > 0; --k) t += anyChar();
        }
        texts.push(t);
    }
    writeFileSync(outPath, JSON.stringify({ cases: texts.map(withIds) }));
    process.exit(0);
}

if (process.argv[2] === "--check") {
    // Differential mode: FILE holds [{text, o200k_base: [...], cl100k_base: [...]}] from the llmgate side.
    const theirs = JSON.parse(readFileSync(process.argv[3], "utf8"));
    let bad = 0;
    for (const c of theirs)
        for (const n of names) {
            const want = JSON.stringify(ids(n, c.text, false));
            if (JSON.stringify(c[n]) !== want) {
                if (++bad <= 20) console.log(`${n} ${JSON.stringify(c.text).slice(0, 120)}\n  tiktoken ${want.slice(0, 200)}\n  llmgate  ${JSON.stringify(c[n]).slice(0, 200)}`);
            }
        }
    console.log(`${theirs.length} texts, ${bad} differences`);
    process.exit(bad === 0 ? 0 : 1);
}

const out = {
    generator: "tools/tiktoken-vectors/make_vectors.mjs with npm tiktoken 1.0.22 (OpenAI's Rust core as WASM)",
    cases: cases.map(withIds),
};
const path = new URL("../../tests/data/tokens/tiktoken_vectors.json", import.meta.url);
writeFileSync(path, JSON.stringify(out, null, 0).replace(/\},\{"text"/g, '},\n{"text"') + "\n");
console.log(`${out.cases.length} cases`);
