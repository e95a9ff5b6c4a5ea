#!/usr/bin/env python3
"""Estimate where the cycles go from a cachegrind profile taken with cache and branch simulation.

    valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes --cachegrind-out-file=cg.out \
        target/release/slantscope analyze corpus.jsonl --out /tmp/out --quiet --jobs 1 --charts none
    python3 scripts/cycles.py cg.out [N]

Each function's estimate counts an instruction at 1/3 cycle, an L1 miss (data or instruction) at 12
cycles, a last-level miss at 150 and a mispredicted branch at 16: rough costs for a current x86-64 core,
which put the estimate within ~15% of the measured user time on the development machine. It is a way to
rank functions by what they wait for, not a cycle count. Prints the total, its parts and the top N
functions (default 40).
"""
import collections
import sys

WEIGHTS = {"Ir": 1 / 3, "D1mr": 12, "D1mw": 12, "I1mr": 12, "DLmr": 150, "DLmw": 150, "ILmr": 150,
           "Bcm": 16, "Bim": 16}


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    events, fn = None, None
    per_fn = collections.defaultdict(collections.Counter)
    with open(path) as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("fn="):
                fn = line[3:].strip()
            elif line[:1].isdigit() and events:
                for name, value in zip(events, line.split()[1:]):
                    per_fn[fn][name] += int(value)
    if not events or "Bcm" not in events:
        sys.exit("cycles.py: the profile has no branch simulation (run cachegrind with --cache-sim=yes --branch-sim=yes)")

    def cycles(c):
        return sum(WEIGHTS.get(k, 0) * v for k, v in c.items())

    total = sum(per_fn.values(), collections.Counter())
    t = cycles(total)
    parts = {
        "instructions": total["Ir"] * WEIGHTS["Ir"],
        "L1 misses": 12 * (total["D1mr"] + total["D1mw"] + total["I1mr"]),
        "last-level misses": 150 * (total["DLmr"] + total["DLmw"] + total["ILmr"]),
        "mispredicted branches": 16 * (total["Bcm"] + total["Bim"]),
    }
    print(f"estimated cycles {t / 1e6:,.0f} M for {total['Ir'] / 1e6:,.0f} M instructions")
    for name, v in parts.items():
        print(f"  {name:22} {v / 1e6:8,.0f} M  {100 * v / t:5.1f}%")
    print()
    for name, c in sorted(per_fn.items(), key=lambda kv: -cycles(kv[1]))[:top]:
        print(f"{100 * cycles(c) / t:5.1f}% {cycles(c) / 1e6:8.1f} M cyc {c['Ir'] / 1e6:8.1f} M Ir "
              f"{(c['D1mr'] + c['D1mw']) / 1e6:6.2f} M L1 {(c['Bcm'] + c['Bim']) / 1e6:6.2f} M mispred  {name[:100]}")


if __name__ == "__main__":
    main()
