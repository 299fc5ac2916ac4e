#!/usr/bin/env python3
"""Write COUNT generated gemtext pages of about 2 KiB into OUT_DIR as Page-NNNNNN.gmi.

Deterministic (fixed seed). Search words with known frequencies:
  "lighthouse" in 1 % of pages, "harbour" in 10 %, "tide" in every page.
Usage: gen_pages.py OUT_DIR COUNT
"""
import os
import random
import sys

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu", "pri", "dan",
             "mor", "lin", "gar", "esh", "ult", "bri", "cor", "fen", "hal"]


def main() -> None:
    out, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    rng = random.Random(6)
    vocab = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                    for _ in range(5000)})
    for i in range(1, count + 1):
        words = rng.choices(vocab, k=200)
        words.append("tide")
        if i % 10 == 0:
            words.append("harbour")
        if i % 100 == 0:
            words.append("lighthouse")
        rng.shuffle(words)
        lines = [f"# Page {i:06d}", ""]
        for start in range(0, len(words), 30):
            lines.append(" ".join(words[start:start + 30]) + ".")
            if start % 90 == 60:
                lines.append(f"=> /page/Page-{rng.randint(1, count):06d} See also")
            lines.append("")
        text = "\n".join(lines)
        with open(os.path.join(out, f"Page-{i:06d}.gmi"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
