"""A tiny BPE trainer, as in the course: count pairs, merge the most frequent one, repeat."""
from collections import Counter


def pair_counts(words: dict[tuple[str, ...], int]) -> Counter:
    counts: Counter = Counter()
    for symbols, freq in words.items():
        for pair in zip(symbols, symbols[1:]):
            counts[pair] += freq
    return counts


def merge(symbols: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_bpe(text: str, num_merges: int) -> list[tuple[str, str]]:
    words = Counter(tuple(w) for w in text.split())
    merges = []
    for _ in range(num_merges):
        counts = pair_counts(words)
        if not counts:
            break
        # Ties: the pair seen first wins (Counter keeps insertion order).
        best = max(counts, key=counts.get)
        merges.append(best)
        words = Counter({merge(s, best): f for s, f in words.items()})
    return merges


if __name__ == "__main__":
    print(learn_bpe("low low low low low lower lower lowest newer newer wider wider", 3))
